#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_foreign.sh: a driver that keeps state in the stack no swap can carry
# (#11 item 12). shadow_selftest_tunnel marks the interface, on e1000, as
# offloading UDP tunnel ports (dev->udp_tunnel_nic_info), as a driver that
# does would: a swap onto rtl8139 is refused with the reason, nothing is
# parked, and the same swap goes through once the mark is gone.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

nic_find e1000 rtl8139
trap 'modprobe -r shadow_selftest_tunnel 2>/dev/null; swap_cleanup e1000 rtl8139' EXIT
swap_start_on e1000 rtl8139
ifindex=$(<"/sys/class/net/$dev/ifindex")
modprobe shadow_selftest_tunnel ifname="$dev" || fail "cannot mark $dev"

out=$(shadowctl swap dev "$dev" to "${nic_addr[rtl8139]}" 2>&1)
rc=$?
log "  $out"
check "refused (shadowctl exit 2, got $rc)" [ $rc -eq 2 ]
check "  saying why" grep -q 'keeps state in the stack that no swap can carry' <<<"$out"
check "  and naming it in the kernel log" \
	grep -q "no swap: the driver has UDP tunnel port offload" <(dmesg)
check "  nothing parked: $dev is passive" [ "$(state)" == passive ]
check "  still on e1000, same ifindex" \
	[ "$(iface_driver "$dev")" == e1000 -a "$(<"/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  and it reaches the peer" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"

modprobe -r shadow_selftest_tunnel || fail "unload shadow_selftest_tunnel"
out=$(shadowctl -j swap dev "$dev" to "${nic_addr[rtl8139]}")
log "  $out"
check "without the mark: swapped onto 8139cp" \
	jqt '.result == "swapped" and .to.driver == "8139cp"' <<<"$out"
check "  and it reaches the peer" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
swap_home e1000
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
