#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_soak.sh COUNT MODEL MODEL...: COUNT swaps in one boot, the interface
# going round the models' NICs in turn, under a live TCP transfer to the
# peer whose bytes are checked end to end. Every swap must succeed and keep
# the ifindex. At the end, against the start (after a first, warming
# round): the transfer arrived intact over the one connection; the tracker
# holds what it held; every NIC driver module's reference count is back;
# the kmalloc caches' active objects are within a bound (SOAK_SLAB_BOUND,
# default 2000 objects: the page and socket caches of a live stream
# breathe by hundreds); no per-swap time grows with the swap count (the
# fastest swap of the last tenth, in whole rounds of the models, within
# twice the first tenth's fastest: a busy host only adds time, so the
# fastest of a round is the swap's own cost; the medians are printed
# too); no kernel warning. Figures are printed as "# soak:" lines. A
# swap's probe may take 20 s (60 s on a debug kernel) before it fails.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

(($# >= 3)) || { echo "usage: swap_soak.sh COUNT MODEL MODEL..." >&2; exit 2; }
COUNT=$1
shift
[[ $COUNT =~ ^[0-9]+$ ]] && ((COUNT >= ${#@})) ||
	{ echo "swap_soak.sh: COUNT must be at least the number of models" >&2; exit 2; }
MODELS=("$@")
RATE_KBIT=${RATE_KBIT:-2000}
SLAB_BOUND=${SOAK_SLAB_BOUND:-2000}
SWAP_MS=20000
[[ $(uname -r) == *-debug ]] && SWAP_MS=60000

nic_find "${MODELS[@]}"
first=${MODELS[0]}

trap 'swap_cleanup "$first"' EXIT

# slab_kmalloc: active objects in the kmalloc caches.
slab_kmalloc()
{
	awk '$1 ~ /^kmalloc-/ { n += $2 } END { print n + 0 }' /proc/slabinfo
}

# refcounts: "module refcnt" of each model's driver.
refcounts()
{
	local m

	for m in "${MODELS[@]}"; do
		echo "${nic_driver[$m]} $(cat "/sys/module/${nic_driver[$m]//-/_}/refcnt")"
	done | sort -u
}

tracked() { shadowctl -j obj show | jq -c '[.[] | .type] | group_by(.) | map({(.[0]): length}) | add'; }

# swap_to I MODEL: swap I onto MODEL's NIC; its time (us) in $took.
swap_to()
{
	local i=$1 to=$2 out rc result

	out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$to]}" timeout "$SWAP_MS")
	rc=$?
	# One jq per swap: it takes a second to start on the debug kernel.
	read -r result took < <(jq -r '"\(.result) \(.phases_us.total)"' <<<"$out")
	if [[ $rc -ne 0 || $result != swapped ]]; then
		log "swap $i onto $to: exit $rc: $out"
		return 1
	fi
	[[ $(<"/sys/class/net/$dev/ifindex") == "$ifindex" ]] ||
		{ log "swap $i: ifindex changed"; return 1; }
}

# median FILE FROM COUNT: median of COUNT lines of FILE from line FROM;
# fastest FILE FROM COUNT: their least.
median()
{
	tail -n +"$2" "$1" | head -n "$3" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
fastest() { tail -n +"$2" "$1" | head -n "$3" | sort -n | head -n 1; }

swap_start_on "${MODELS[@]}"
ifindex=$(cat "/sys/class/net/$dev/ifindex")
warns=$(warn_count)
stream_start
sleep 1

# One warming round, so that every driver has been loaded and every cache
# touched once before the baseline is taken.
n=0 failed=0
for ((k = 1; k <= ${#MODELS[@]}; k++)); do
	n=$((n + 1))
	swap_to $n "${MODELS[k % ${#MODELS[@]}]}" || failed=$((failed + 1))
done
slab0=$(slab_kmalloc)
ref0=$(refcounts)
obj0=$(tracked)
: >/tmp/soak.times
start=$(now_ms)
while ((n < COUNT)); do
	n=$((n + 1))
	if swap_to $n "${MODELS[n % ${#MODELS[@]}]}"; then
		echo "$took" >>/tmp/soak.times
	else
		failed=$((failed + 1))
	fi
	((n % 50 == 0)) && log "# soak: $n of $COUNT swaps, $failed failed"
done
elapsed=$(($(now_ms) - start))
# End where it started, so that later tests find their NICs.
while [[ $(iface_driver "$dev") != "${nic_driver[$first]}" ]]; do
	n=$((n + 1))
	swap_to $n "$first" || { failed=$((failed + 1)); break; }
done
stream_stop
sleep 2
slab1=$(slab_kmalloc)
ref1=$(refcounts)
obj1=$(tracked)

timed=$(wc -l </tmp/soak.times)
# A swap's time depends on its target model: compare whole rounds (about
# a tenth of the swaps, one round at least), the same mix of models.
rounds=${#MODELS[@]}
tenth=$((timed / 10 / rounds * rounds))
((tenth >= rounds)) || tenth=$rounds
first_med=$(median /tmp/soak.times 1 "$tenth")
last_med=$(median /tmp/soak.times $((timed - tenth + 1)) "$tenth")
first_min=$(fastest /tmp/soak.times 1 "$tenth")
last_min=$(fastest /tmp/soak.times $((timed - tenth + 1)) "$tenth")
log "# soak: $n swaps in all, $failed failed; $timed timed in $((elapsed / 1000)) s"
log "# soak: per-swap median, first $tenth: $((first_med / 1000)) ms, last $tenth: $((last_med / 1000)) ms"
log "# soak: per-swap fastest, first $tenth: $((first_min / 1000)) ms, last $tenth: $((last_min / 1000)) ms"
log "# soak: stream $stream_got of $stream_sent bytes, intact: $stream_intact"
log "# soak: kmalloc active objects $slab0 -> $slab1 (bound $SLAB_BOUND)"
log "# soak: tracked $obj0 -> $obj1"
log "# soak: driver refcounts $(tr '\n' ' ' <<<"$ref0")-> $(tr '\n' ' ' <<<"$ref1")"

check "all $n swaps succeeded" [ "$failed" -eq 0 ]
check "the TCP stream survived every swap (sender exit $stream_rc)" [ "$stream_rc" -eq 0 ]
check "$stream_sent bytes sent, $stream_got received" [ "$stream_sent" == "$stream_got" ]
check "and intact (MD5)" [ "$stream_intact" == yes ]
check "the tracker holds what it held" [ "$obj0" == "$obj1" ]
check "every driver's module reference count is back" [ "$ref0" == "$ref1" ]
check "kmalloc objects within $SLAB_BOUND of the start" \
	[ $((slab1 - slab0)) -le "$SLAB_BOUND" ]
check "per-swap time does not grow (last tenth's fastest within twice the first's)" \
	[ "$last_min" -le $((2 * first_min)) ]
check "no kernel warning" [ "$(warn_count)" -eq "$warns" ]
modprobe -r shadow
check "rmmod shadow after the soak" [ $? -eq 0 ]

[[ $failures -eq 0 ]] || fail "$failures mismatches in the soak"
exit $KSFT_PASS
