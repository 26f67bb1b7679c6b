# syntax=docker/dockerfile:1
# Build: docker build --build-arg VERSION=$(git describe --always) -t articlebot .
# Run:   docker run -e DISCORD_TOKEN=… -v articlebot-data:/data articlebot
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The same static build .ci/run makes and smoke-tests.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/articlebot ./cmd/articlebot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/articlebot /articlebot
# The data directory must belong to the non-root user to hold the index.
COPY --from=build --chown=65532:65532 /out/data /data
ENV ARTICLEBOT_DATA_DIR=/data \
    ARTICLEBOT_HTTP_ADDR=:8080 \
    ARTICLEBOT_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
# distroless has no curl: the binary checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/articlebot", "health"]
ENTRYPOINT ["/articlebot"]
CMD ["serve"]
