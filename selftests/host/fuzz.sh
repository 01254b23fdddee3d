#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host's fuzz targets under libFuzzer with ASan and UBSan: wrapgen's
# spec parser (wrapgen/fuzz/spec_fuzz.c), its header side over libclang
# (wrapgen/fuzz/headers_fuzz.c) and shadowctl's reply decoder
# (migrate-agent/fuzz/decode_fuzz.c). Each first replays its corpus in the
# repository, then fuzzes for FUZZ_SECONDS (default 30) from that corpus
# and its seeds: the specs in the tree, the hand-written headers of its
# corpus, and the unit tests' messages. Any
# crash, sanitizer report or leak fails; the input that caused it is left
# in build/fuzz/ and its path printed. What the fuzzers add to the corpus
# stays in build/fuzz/ (commit a minimized crash input, not the lot).
# Prints executions, their rate and coverage per target.
# Exit 0 pass, 1 fail, 4 skip (no clang with libFuzzer).
#
#	FUZZ_SECONDS=600 selftests/host/fuzz.sh [spec|headers|decode]...

set -o pipefail
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/fuzz
SECONDS_EACH=${FUZZ_SECONDS:-30}
. "$TOP/scripts/lib/tap.sh"

[[ $SECONDS_EACH =~ ^[1-9][0-9]*$ ]] ||
	{ echo "FUZZ_SECONDS: whole seconds, 1 or more: \"$SECONDS_EACH\""; exit 1; }
echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return !d + n - n; }' \
	> "$TMP/probe.c"
clang -fsanitize=fuzzer,address,undefined -o "$TMP/probe" "$TMP/probe.c" \
	> "$TMP/probe.log" 2>&1 ||
	{ cat "$TMP/probe.log"; echo "SKIP: clang cannot build a libFuzzer target (libclang-rt-14-dev)"; exit 4; }

# fuzzer NAME: the binary of target NAME.
fuzzer()
{
	case $1 in
	spec) echo "$TOP/build/host/fuzz/spec_fuzz" ;;
	headers) echo "$TOP/build/host/fuzz/headers_fuzz" ;;
	decode) echo "$TOP/build/migrate-agent/fuzz/decode_fuzz" ;;
	esac
}

# corpus NAME: the target's corpus in the repository.
corpus()
{
	case $1 in
	spec) echo "$TOP/wrapgen/fuzz/corpus/spec" ;;
	headers) echo "$TOP/wrapgen/fuzz/corpus/headers" ;;
	decode) echo "$TOP/migrate-agent/fuzz/corpus/decode" ;;
	esac
}

t_build()
{
	make -s -C "$TOP/wrapgen" fuzz
	make -s -C "$TOP/migrate-agent" fuzz test
	rm -rf "$OUT/seeds" &&
		mkdir -p "$OUT/seeds/spec" "$OUT/seeds/headers" "$OUT/seeds/decode"
	# taps/blk.spec and wrapgen/tests/blk.spec: named by their directory
	local f
	for f in "$TOP"/taps/*.spec "$TOP"/wrapgen/tests/*.spec; do
		cp "$f" "$OUT/seeds/spec/$(basename "$(dirname "$f")")-${f##*/}" || return 1
	done
	SC_SEED_DIR=$OUT/seeds/decode "$TOP/build/migrate-agent/decode_test" \
		> /dev/null
	[[ -n $(ls "$OUT/seeds/decode") ]]
}

# options NAME: libFuzzer options of target NAME.
options()
{
	local opts=(-artifact_prefix="$OUT/$1-" -print_final_stats=1)
	[[ $1 == spec ]] && opts+=(-dict="$TOP/wrapgen/fuzz/spec.dict")
	[[ $1 == headers ]] && opts+=(-dict="$TOP/wrapgen/fuzz/headers.dict")
	printf '%s\n' "${opts[@]}"
}

# say_crash LOG: the sanitizer's or libFuzzer's verdict and the input.
say_crash()
{
	grep -E -A12 '^==[0-9]+==ERROR|^SUMMARY|deadly signal|Test unit written' "$1" |
		head -40
}

t_replay()
{
	local name=$1 bin opts
	bin=$(fuzzer "$name")
	mapfile -t opts < <(options "$name")
	if ! "$bin" "${opts[@]}" -runs=0 "$(corpus "$name")" \
		"$OUT/seeds/$name" > "$TMP/$name.replay" 2>&1; then
		say_crash "$TMP/$name.replay"
		return 1
	fi
	grep -E 'INITED|DONE' "$TMP/$name.replay"
}

t_fuzz()
{
	local name=$1 bin opts work=$OUT/corpus/$1 runs rate
	bin=$(fuzzer "$name")
	mapfile -t opts < <(options "$name")
	mkdir -p "$work"
	if ! "$bin" "${opts[@]}" -max_total_time="$SECONDS_EACH" \
		"$work" "$(corpus "$name")" "$OUT/seeds/$name" \
		> "$OUT/$name.log" 2>&1; then
		say_crash "$OUT/$name.log"
		echo "log: $OUT/$name.log"
		return 1
	fi
	runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$OUT/$name.log")
	rate=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$OUT/$name.log")
	[[ $runs -gt 0 ]]
	echo "# $name: $runs executions in $SECONDS_EACH s ($rate/s); $(grep -o 'cov: [0-9]* ft: [0-9]* corp: [^ ]*' "$OUT/$name.log" | tail -1)" |
		tee "$OUT/$name.figures"
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(spec headers decode)
for name in "${names[@]}"; do
	[[ -n $(fuzzer "$name") ]] || { echo "no fuzz target \"$name\" (spec, headers, decode)"; exit 1; }
done

mkdir -p "$OUT"
run "build the fuzz targets and their seeds" t_build
[[ $FAILED == 0 ]] || { echo "1..$N"; exit 1; }
for name in "${names[@]}"; do
	run "$name: the corpus replays clean" t_replay "$name"
	run "$name: $SECONDS_EACH s of fuzzing, no report" t_fuzz "$name"
	# the figures, also when it passed
	cat "$OUT/$name.figures" 2>/dev/null
	rm -f "$OUT/$name.figures"
done
echo "1..$N"
[[ $FAILED == 0 ]]
