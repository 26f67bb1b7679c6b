#!/usr/bin/env bash
# Prints the index benchmark table of README.md ("Benchmarks"): for the BBC
# collection (when ../shared is there) and synthetic collections of 1k, 10k
# and 50k chunks, the time to index from nothing, the whole-process `ask`
# with a built index (median of 7 runs of the built binary: elapsed time,
# and CPU time, user+sys, which other jobs on a shared machine inflate
# less), its peak memory next to the stored vectors (chunks x dims x 4
# bytes) and, less the fixed cost of a process (the peak of an `ask` over
# two tiny stories), next to them again, re-indexing after one changed
# story (median of 3 edits), and an
# in-process search next to a bare chromem-go top-10 query (testing.B).
# The load average is printed before and after.
#
#   scripts/bench.sh            # everything (a few minutes)
#   SIZES="1k" scripts/bench.sh # some collections only
set -euo pipefail
# Offline only: a model's key, server or config file in the caller's
# environment would send questions to it (a default base URL is a remote
# host) and time the network rather than the index.
unset OPENAI_API_KEY OPENAI_API_KEY_FILE OPENAI_BASE_URL ARTICLEBOT_CONFIG \
	ARTICLEBOT_CHAT_MODEL ARTICLEBOT_EMBEDDING_MODEL DISCORD_TOKEN DISCORD_TOKEN_FILE
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/articlebot" ./cmd/articlebot
bin="$tmp/articlebot"
SIZES=${SIZES:-"bbc 1k 10k 50k"}

# synth DIR STORIES writes STORIES stories of five paragraphs (five chunks)
# of words drawn from a news-like vocabulary, in ten folders.
synth() {
	awk -v dir="$1" -v n="$2" 'BEGIN {
		srand(42)
		split("market shares profit bank rates election minister vote party match goal league striker film award actor music album phone software internet court judge police strike union wages oil prices growth budget tax school health hospital transport rail council plan report deal talks company chief figures year week", w, " ")
		nw = length(w)
		for (s = 0; s < n; s++) {
			f = sprintf("%s/f%d", dir, s % 10)
			if (s < 10) system("mkdir -p " f)
			file = sprintf("%s/%05d.txt", f, s)
			printf "Story %d about %s and %s\n\n", s, w[int(rand()*nw)+1], w[int(rand()*nw)+1] > file
			for (p = 0; p < 5; p++) {
				line = "The"
				for (k = 0; k < 35; k++) line = line " " w[int(rand()*nw)+1]
				printf "%s %d.\n\n", line, s*5+p > file
			}
			close(file)
		}
	}'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A dirs

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"

# The fixed cost of a process: the peak RSS (median of 7) of `ask` over a
# collection of two one-paragraph stories, index built, whose vectors are
# 16 KB: the binary, the runtime, the embedded tables and the start. The
# table's "above fixed" column is a collection's peak less this.
mkdir -p "$tmp/tiny/news"
printf 'Harbour bridge reopens\n\nThe harbour bridge reopened on Monday after repairs costing 42 million pounds.\n' >"$tmp/tiny/news/a.txt"
printf 'Library wins award\n\nThe town library won the regional design award for its reading room.\n' >"$tmp/tiny/news/b.txt"
ARTICLEBOT_DATA_DIR=$tmp/data-tiny "$bin" index --corpus "$tmp/tiny" >/dev/null 2>&1
fixed=$(for i in 1 2 3 4 5 6 7; do
	ARTICLEBOT_DATA_DIR=$tmp/data-tiny /usr/bin/time -f "%M" -o "$tmp/t" "$bin" ask --corpus "$tmp/tiny" "How much did the bridge repairs cost?" >/dev/null 2>&1
	cat "$tmp/t"
done | median)
help=$(for i in 1 2 3 4 5 6 7; do /usr/bin/time -f "%M" -o "$tmp/t" "$bin" --help >/dev/null 2>&1; cat "$tmp/t"; done | median)
awk -v f="$fixed" -v h="$help" 'BEGIN {printf "fixed cost: ask over 2 one-paragraph stories peaks at %.1f MB (articlebot --help: %.1f MB), medians of 7\n", f/1024, h/1024}'
echo
printf "| collection | stories | chunks | index (s) | 2nd index (s) | ask median (ms) | ask CPU median (ms) | ask peak RSS (MB) | vectors (MB) | RSS/vectors | (RSS - fixed)/vectors | re-index 1 story (s) |\n"
printf "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
for size in $SIZES; do
	case $size in
	bbc) dir=../shared/corpora/bbc; [ -d "$dir" ] || { echo "| bbc | (no ../shared) |"; continue; }
		q="How much did Time Warner's quarterly profits rise?" ;;
	1k) dir=$tmp/c1k; synth "$dir" 200; q="What did the minister say about rail prices?" ;;
	10k) dir=$tmp/c10k; synth "$dir" 2000; q="What did the minister say about rail prices?" ;;
	50k) dir=$tmp/c50k; synth "$dir" 10000; q="What did the minister say about rail prices?" ;;
	esac
	if [ "$size" = bbc ]; then work=$tmp/bbc; cp -r "$dir" "$work"; dir=$work; fi
	export ARTICLEBOT_DATA_DIR=$tmp/data-$size
	t0=$(date +%s.%N); out=$("$bin" index --corpus "$dir" 2>/dev/null); t1=$(date +%s.%N)
	stories=$(awk '/^stories:/ {print $2}' <<<"$out"); chunks=$(awk '/^chunks:/ {print $2}' <<<"$out")
	t2=$(date +%s.%N); "$bin" index --corpus "$dir" >/dev/null 2>&1; t3=$(date +%s.%N)
	times=(); cpus=(); peak=0
	for i in 1 2 3 4 5 6 7; do
		/usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$bin" ask --corpus "$dir" "$q" >/dev/null 2>&1
		read -r e u sy m <"$tmp/t"; times+=("$e"); cpus+=("$(awk -v u="$u" -v s="$sy" 'BEGIN {print u+s}')")
		[ "$m" -gt "$peak" ] && peak=$m
	done
	ask=$(printf "%s\n" "${times[@]}" | median)
	cpu=$(printf "%s\n" "${cpus[@]}" | median)
	file=$(ls "$ARTICLEBOT_DATA_DIR"/corpora/*/index-*.bin | awk 'NR == 1')
	dims=$(head -c 4096 "$file" | tr -c '[:print:]' '\n' | grep -o '"dims":[0-9]*' | cut -d: -f2)
	vec=$(awk -v c="$chunks" -v d="$dims" 'BEGIN {printf "%.1f", c*d*4/1048576}')
	reidx=()
	for n in 1 2 3; do
		one=$(find "$dir" -name '*.txt' ! -iname 'readme*' | sort | awk -v n="$n" 'NR == n')
		printf "\nA sentence added to one story for the benchmark.\n" >>"$one"
		t4=$(date +%s.%N); "$bin" index --corpus "$dir" >/dev/null 2>&1; t5=$(date +%s.%N)
		reidx+=("$(awk -v a="$t4" -v b="$t5" 'BEGIN {print b-a}')")
	done
	re=$(printf "%s\n" "${reidx[@]}" | median)
	awk -v s="$size" -v st="$stories" -v c="$chunks" -v a="$t0" -v b="$t1" -v c2="$t2" -v d="$t3" -v ask="$ask" -v cpu="$cpu" \
		-v p="$peak" -v v="$vec" -v re="$re" -v f="$fixed" 'BEGIN {
		printf "| %s | %s | %s | %.2f | %.2f | %.0f | %.0f | %.0f | %s | %.2f | %.2f | %.2f |\n", s, st, c, b-a, d-c2, ask*1000, cpu*1000, p/1024, v, (p/1024)/v, ((p-f)/1024)/v, re }'
done

# With OLD_BIN, the BBC whole-process ask of both binaries, interleaved
# (9 runs each, each binary with its own data directory and index built
# first): side by side, the ratio holds where the load moves both.
if [ -n "${OLD_BIN:-}" ] && [ -d ../shared/corpora/bbc ] && [[ " $SIZES " == *" bbc "* ]]; then
	q="How much did Time Warner's quarterly profits rise?"
	declare -A st sc
	for b in "$bin" "$OLD_BIN"; do
		d=$tmp/side-$(basename "$b")-$RANDOM
		ARTICLEBOT_DATA_DIR=$d "$b" index --corpus ../shared/corpora/bbc >/dev/null 2>&1
		ARTICLEBOT_DATA_DIR=$d "$b" ask --corpus ../shared/corpora/bbc "$q" >/dev/null 2>&1
		dirs[$b]=$d
	done
	for i in $(seq 9); do
		for b in "$bin" "$OLD_BIN"; do
			ARTICLEBOT_DATA_DIR=${dirs[$b]} /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$b" ask --corpus ../shared/corpora/bbc "$q" >/dev/null 2>&1
			read -r e u sy <"$tmp/t"
			st[$b]+="$e "; sc[$b]+="$(awk -v u="$u" -v s="$sy" 'BEGIN {print u+s}') "
		done
	done
	ne=$(tr ' ' '\n' <<<"${st[$bin]}" | grep . | median); nc=$(tr ' ' '\n' <<<"${sc[$bin]}" | grep . | median)
	oe=$(tr ' ' '\n' <<<"${st[$OLD_BIN]}" | grep . | median); oc=$(tr ' ' '\n' <<<"${sc[$OLD_BIN]}" | grep . | median)
	echo
	awk -v ne="$ne" -v nc="$nc" -v oe="$oe" -v oc="$oc" 'BEGIN {printf "BBC whole-process ask, 9 runs interleaved with OLD_BIN: median %.0f ms against %.0f ms (%.2fx), CPU %.0f ms against %.0f ms (%.2fx)\n", ne*1000, oe*1000, ne/oe, nc*1000, oc*1000, nc/oc}'
fi

# The built-in article's whole-process ask (nothing persisted), 11 runs;
# with OLD_BIN=path/to/an/older/articlebot, interleaved with that binary's.
echo
bins=("$bin"); [ -n "${OLD_BIN:-}" ] && bins+=("$OLD_BIN")
declare -A bt bc bm
for i in $(seq 11); do
	for b in "${bins[@]}"; do
		ARTICLEBOT_DATA_DIR=$tmp/data-builtin /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$b" ask "How many troops has North Korea sent to Russia?" >/dev/null 2>&1
		read -r e u sy m <"$tmp/t"
		bt[$b]+="$e "; bc[$b]+="$(awk -v u="$u" -v s="$sy" 'BEGIN {print u+s}') "; bm[$b]=$m
	done
done
for b in "${bins[@]}"; do
	e=$(tr ' ' '\n' <<<"${bt[$b]}" | grep . | median); c=$(tr ' ' '\n' <<<"${bc[$b]}" | grep . | median)
	name="this binary"; [ "$b" != "$bin" ] && name="OLD_BIN (interleaved)"
	awk -v n="$name" -v e="$e" -v c="$c" -v m="${bm[$b]}" 'BEGIN {printf "Built-in article, whole-process ask, %s: median %.0f ms, CPU %.0f ms, peak RSS %.0f MB (11 runs)\n", n, e*1000, c*1000, m/1024}'
done

echo
echo "In-process search next to a bare chromem-go top-10 query of the same collection and dimension,"
echo "each iteration timing one of each in turn (BenchmarkSearchScale/*/side-by-side, -count 5, medians):"
echo
filter=$(tr ' ' '|' <<<"$SIZES")
go test ./retrieval -run '^$' -bench "BenchmarkSearchScale/($filter)/side-by-side" -benchtime 100x -count 5 -timeout 60m 2>/dev/null |
	awk '/^BenchmarkSearchScale/ {
		split($1, p, "/"); name = p[2]
		for (i = 3; i < NF; i += 2) v[name, $(i + 1)] = v[name, $(i + 1)] " " $i
		if (!(name in seen)) { seen[name] = 1; order[++n] = name }
	}
	function med(s,   a, k, i, j, t) { k = split(s, a, " "); for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }; return a[int((k + 1) / 2)] }
	END {
		print "| collection | index search (µs) | chromem-go top-10 (µs) | ratio |"; print "|---|---|---|---|"
		for (i = 1; i <= n; i++) { o = order[i]; printf "| %s | %.0f | %.0f | %.2f |\n", o, med(v[o, "index-ns/op"]) / 1000, med(v[o, "chromem-ns/op"]) / 1000, med(v[o, "ratio"]) }
	}'

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
