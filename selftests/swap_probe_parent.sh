#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_probe_parent.sh: a new driver whose probe fails after it set the
# interface's parent (SET_NETDEV_DEV) leaves the parked interface with no
# parent, not with a pointer to a device it holds no reference to. e1000's
# interface is parked by a swap with no target and its NIC removed from
# the PCI bus, so that no rollback can take it; 8139cp then probes
# rtl8139's NIC and its register fails (debugfs fail_register), so the
# interface stays parked. Before the fix `ip -d link` still named
# rtl8139's NIC as the parent device, and once that NIC was removed too
# it read a freed struct device (KASAN on the debug kernel). Both NICs
# come back with a bus rescan, and a swap with no target takes the first.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

DBG=/sys/kernel/debug/shadow
nic_find e1000 rtl8139
cleanup()
{
	echo 0 >"$DBG/fail_register" 2>/dev/null
	echo 1 >/sys/bus/pci/rescan
	swap_cleanup e1000 rtl8139
}
trap cleanup EXIT
swap_start_on e1000 rtl8139
ifindex=$(cat "/sys/class/net/$dev/ifindex")
parentdev() { ip -d -j link show dev "$dev" | jq -r '.[0].parentdev // "none"'; }
# A restart of a parked interface is refused while a swap of it waits.
swap_waits() { shadowctl restart dev "$dev" timeout 1 2>&1 | grep -q 'a swap of this interface is running'; }
check "the interface's parent is e1000's NIC ($(parentdev))" \
	[ "$(parentdev)" == "${nic_addr[e1000]}" ]

shadowctl -j swap dev "$dev" timeout 60000 >/tmp/parent1.json 2>&1 &
swapper=$!
busywait 20000 parked || fail "$dev did not park (state $(state))"
check "parked: no parent ($(parentdev))" [ "$(parentdev)" == none ]
echo 1 >"/sys/bus/pci/devices/${nic_addr[e1000]}/remove" || fail "remove e1000's NIC"
echo 1 >"$DBG/fail_register" || fail "no debugfs fail_register"
nic_bind rtl8139 2>/dev/null	# EIO: the probe fails, as asked
wait "$swapper"
rc=$?
out=$(cat /tmp/parent1.json)
log "  $out"
check "the swap failed, parked (exit $rc)" \
	jqt '.result == "failed"' <<<"$out"
check "  still parked" parked
check "  no parent after the failed probe ($(parentdev))" [ "$(parentdev)" == none ]
check "  sysfs has it parentless" [ ! -e "/sys/class/net/$dev/device" ]

log "== rtl8139's NIC removed too: nothing may read it any more"
echo 1 >"/sys/bus/pci/devices/${nic_addr[rtl8139]}/remove" || fail "remove rtl8139's NIC"
check "ip -d link show answers ($(parentdev))" [ "$(parentdev)" == none ]
check "ethtool -i answers while parked" ethtool -i "$dev"

log "== a rescan brings both NICs back; a swap takes one"
shadowctl -j swap dev "$dev" timeout 60000 >/tmp/parent2.json 2>&1 &
swapper=$!
busywait 10000 swap_waits || fail "the second swap does not wait"
echo 1 >/sys/bus/pci/rescan
wait "$swapper"
rc=$?
out=$(cat /tmp/parent2.json)
log "  $out"
check "swapped onto a NIC of the rescan (exit $rc)" jqt '.result == "swapped"' <<<"$out"
check "  same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  its parent is the NIC it runs on ($(parentdev))" \
	jqt --arg p "$(parentdev)" '.to.bus_addr == $p' <<<"$out"
check "  the peer answers" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"

check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
