#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_faults.sh [POINTS]: allocation failures injected into swaps between
# e1000 and rtl8139 (8139cp), under a live TCP stream that must survive
# them all. Needs a kernel with fault injection (the debug lane's; skips
# elsewhere). The shadow's debugfs knob fail_swap_nth arms the kernel's
# fail-nth for one swap's worker: its N-th fallible call (a slab
# allocation, GFP_KERNEL included; page allocations too where the kernel
# has fail_page_alloc) fails, in the shadow, in the old
# driver's remove or in the new driver's probe alike. First each
# direction's number of fallible calls is counted; then POINTS faults
# (default 24; "all": every one) spread evenly over them, alternating
# directions. Each swap must end in a documented state, named in a
# "# fault:" line:
#   swapped      the failure was absorbed (an optional allocation);
#   rolled-back  back on the old driver, which answers the peer;
#   parked       parked with a reason (the old device is there, but the
#                old driver could not take it back either); a swap onto
#                either NIC without a fault must then take it;
# and in every case the interface keeps its ifindex: it is never
# unregistered. At the end the stream is intact and no kernel warning was
# raised (the runner fails the boot on KASAN, lockdep or kmemleak).

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

POINTS=${1:-24}
DBG=/sys/kernel/debug
RATE_KBIT=1000

reaches_peer() { busywait 15000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null; }

[[ -e $DBG/failslab ]] || skip "no fault injection in $(uname -r) (the debug lane's kernel has it)"
nic_find e1000 rtl8139
trap 'echo 0 2>/dev/null >$DBG/shadow/fail_swap_nth; swap_cleanup e1000' EXIT
swap_start_on e1000 rtl8139
[[ -e $DBG/shadow/fail_swap_nth ]] || fail "no fail_swap_nth knob in the shadow's debugfs"
# GFP_KERNEL allocations count too (by default they are ignored). Page
# allocations only where the kernel has fail_page_alloc.
echo N >"$DBG/failslab/ignore-gfp-wait" || fail "failslab/ignore-gfp-wait"
if [[ -e $DBG/fail_page_alloc ]]; then
	echo N >"$DBG/fail_page_alloc/ignore-gfp-wait" &&
		echo N >"$DBG/fail_page_alloc/ignore-gfp-highmem" ||
		fail "fail_page_alloc/ignore-gfp-wait"
else
	log "# fault: slab allocations only (no fail_page_alloc in $(uname -r))"
fi
ifindex=$(cat "/sys/class/net/$dev/ifindex")
warns=$(warn_count)
stream_start
sleep 1

# other: the model the interface is not on.
other() { [[ $(iface_driver "$dev") == e1000 ]] && echo rtl8139 || echo e1000; }

# count: the fallible calls of a swap onto the other NIC (no fault met).
count()
{
	local to big=1000000 out

	to=$(other)
	echo $big >"$DBG/shadow/fail_swap_nth"
	out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$to]}" timeout 20000) ||
		fail "the counting swap onto $to failed: $out"
	echo $((big - $(cat "$DBG/shadow/fail_swap_left")))
}
declare -A calls
for k in 1 2; do
	from=$(iface_driver "$dev")
	calls[$from]=$(count)
	log "# fault: a swap from $from makes ${calls[$from]} fallible calls"
done

declare -A seen
k=0 met=0
[[ $POINTS == all ]] && POINTS=$((calls[e1000] + calls[8139cp]))
while ((k < POINTS)); do
	k=$((k + 1))
	from=$(iface_driver "$dev") to=$(other)
	total=${calls[$from]}
	if [[ $1 == all ]]; then
		n=$(((k + 1) / 2))
		((n <= total)) || continue
	else
		n=$((1 + (k - 1) / 2 * 2 * total / POINTS))
	fi
	echo "$n" >"$DBG/shadow/fail_swap_nth"
	out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$to]}" timeout 20000)
	rc=$?
	left=$(cat "$DBG/shadow/fail_swap_left")
	[[ $left -eq 0 ]] && met=$((met + 1))
	result=$(jq -r '.result' <<<"$out")
	reason=$(jq -r '.reason // ""' <<<"$out")
	now=$(iface_driver "$dev")
	case $result in
	swapped) state=swapped ;;
	rolled-back) state=rolled-back ;;
	*) state=$(shadowctl -j dev show dev "$dev" | jq -r '.[0].state') ;;
	esac
	log "# fault: $from -> $to, call $n of $total$([[ $left -ne 0 ]] && echo " (not met)"): $state, exit $rc, on ${now:-nothing}${reason:+: $reason}"
	seen[$state]=$((${seen[$state]:-0} + 1))
	check "  the interface kept ifindex $ifindex" \
		[ "$(cat "/sys/class/net/$dev/ifindex" 2>/dev/null)" == "$ifindex" ]
	case $state in
	swapped)
		check "  on the new driver" [ "$now" == "${nic_driver[$to]}" ] ;;
	rolled-back)
		check "  back on $from" [ "$now" == "$from" ]
		check "  with a reason" [ -n "$reason" ] ;;
	parked)
		check "  parked with a reason" [ -n "$reason" ]
		out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$from]}" timeout 20000)
		check "  a swap without a fault takes it back to $from ($(jq -c '{result, reason}' <<<"$out"))" \
			jqt '.result == "swapped"' <<<"$out" ;;
	*)
		check "  a documented state (got '$state')" false ;;
	esac
	check "  the peer answers" reaches_peer
done
log "# fault: $k faults armed, $met met; outcomes: $(for s in "${!seen[@]}"; do printf '%s %s, ' "$s" "${seen[$s]}"; done)"

stream_stop
check "the TCP stream survived every fault (sender exit $stream_rc)" [ "$stream_rc" -eq 0 ]
check "$stream_sent bytes sent, $stream_got received" [ "$stream_sent" == "$stream_got" ]
check "and intact (MD5)" [ "$stream_intact" == yes ]
# A swap's calls vary a little from run to run (timers, a retry).
check "most armed faults were met ($met of $k)" [ $((4 * met)) -ge $((3 * k)) ]
check "no kernel warning" [ "$(warn_count)" -eq "$warns" ]
[[ $(iface_driver "$dev") == e1000 ]] ||
	shadowctl -j swap dev "$dev" to "${nic_addr[e1000]}" timeout 20000 >/dev/null
modprobe -r shadow
check "rmmod shadow after the faults" [ $? -eq 0 ]

[[ $failures -eq 0 ]] || fail "$failures mismatches under injected faults"
exit $KSFT_PASS
