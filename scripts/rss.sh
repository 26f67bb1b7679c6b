#!/usr/bin/env bash
# Prints where a running articlebot's resident memory is, by kind of
# mapping (/proc/<pid>/smaps): the binary's code (r-xp), its read-only
# data (r--p: rodata, pclntab and the embedded tables), its writable data,
# the mapped index files, shared libraries and anonymous memory (the Go
# heap, stacks, runtime metadata). It runs `chat` over a collection,
# asks one question, reads smaps while the process waits for the next
# line, and ends the chat. README.md "Benchmarks" quotes it.
#
#   scripts/rss.sh BIN CORPUS "QUESTION"   # ARTICLEBOT_DATA_DIR as for ask
#
# The kernel maps the 64 KB around a page a process faults in from a file
# it maps (fault-around), so a table in the binary costs 64 KB for each
# region of it touched, however little is read there.
set -euo pipefail
# Offline only: a model's key, server or config file in the caller's
# environment would send questions to it (a default base URL is a remote
# host) and time the network rather than the index.
unset OPENAI_API_KEY OPENAI_API_KEY_FILE OPENAI_BASE_URL ARTICLEBOT_CONFIG \
	ARTICLEBOT_CHAT_MODEL ARTICLEBOT_EMBEDDING_MODEL DISCORD_TOKEN DISCORD_TOKEN_FILE
bin=$1 corpus=$2 q=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/in"
"$bin" chat --corpus "$corpus" <"$tmp/in" >"$tmp/out" 2>/dev/null &
pid=$!
exec 3>"$tmp/in"
echo "$q" >&3
# The answer is written once the question is answered.
for _ in $(seq 100); do grep -q . "$tmp/out" && break; sleep 0.1; done
sleep 0.5
awk -v bin="$(readlink -f "$bin")" '
	/^[0-9a-f]+-[0-9a-f]+ / {
		perm = $2; path = $6
		if (path == bin && perm ~ /x/) kind = "binary code"
		else if (path == bin && perm ~ /w/) kind = "binary writable data"
		else if (path == bin) kind = "binary read-only data (rodata, pclntab, embedded tables)"
		else if (path ~ /\.vec$/) kind = "index vectors (mapped)"
		else if (path ~ /index-.*\.bin$/) kind = "index file (mapped)"
		else if (path ~ /\.so/) kind = "shared libraries"
		else if (path == "" || path ~ /^\[/) kind = "anonymous (heap, stacks, runtime)"
		else kind = path
	}
	/^Rss:/ { rss[kind] += $2; total += $2 }
	END {
		for (k in rss) printf "%8.1f MB  %s\n", rss[k] / 1024, k
		printf "%8.1f MB  total\n", total / 1024
	}' "/proc/$pid/smaps" | sort -rn
exec 3>&-
wait "$pid" || true
