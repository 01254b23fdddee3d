#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_hooks.sh: a swap needs every lifecycle hook. With free_netdev held
# by another IPMODIFY user first (the test module, standing in for a
# livepatch), shadow.ko loads and says which hook it could not take, keeps
# shadowing passively, and refuses every swap with a reason instead of
# absorbing the old driver's unregister and then letting the real
# free_netdev() run on a registered interface.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

nic_find e1000 rtl8139
trap 'swap_cleanup e1000 rtl8139; modprobe -r shadow_selftest_ipmodify 2>/dev/null' EXIT
modprobe shadow_selftest_ipmodify symbol=free_netdev || fail "cannot hold free_netdev"
swap_start_on e1000 rtl8139
check "the shadow says it could not hook free_netdev" \
	bash -c 'dmesg | grep -q "cannot hook free_netdev"'
check "  and debugfs shows it unhooked" \
	grep -q '^net free_netdev unhooked' /sys/kernel/debug/shadow/taps
check "the interface is shadowed all the same" \
	jq -e '.[0].state == "passive"' <<<"$(shadowctl -j dev show dev "$dev")"
out=$(shadowctl swap dev "$dev" to "${nic_addr[rtl8139]}" 2>&1)
rc=$?
log "  $out"
check "a swap is refused: exit 2 (got $rc)" [ $rc -eq 2 ]
check "  saying a call it must take over is not hooked" grep -q 'not hooked' <<<"$out"
check "  dmesg names free_netdev" bash -c 'dmesg | grep -q "no swap: free_netdev is not hooked"'
check "  still on e1000, passing traffic" [ "$(iface_driver "$dev")" == e1000 ]
check "  (ping)" busywait 10000 ping -q -c 1 -W 1 "$PEER_IP"
out=$(shadowctl restart dev "$dev" 2>&1)
check "a restart is refused too ($out)" [ $? -eq 2 ]

check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
