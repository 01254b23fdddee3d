#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_claims.sh: two swaps wait for a device at once, and the probe goes
# to the one that asked for it. e1000e's interface is swapped with no
# target, so it waits parked for any network controller; meanwhile e1000's
# interface is swapped onto rtl8139's free NIC by name. The named swap
# must get that probe (8139cp under e1000's interface), and the no-target
# one time out and roll back onto e1000e, each interface with its own
# ifindex. Before the most specific claim won, the first waiting swap in
# the table took any probe it could: genl_fuzz.sh found it, one swap's
# device taken by another's wait.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

nic_find e1000 rtl8139 e1000e
trap 'kill "$p2" 2>/dev/null; swap_cleanup e1000 rtl8139 e1000e' EXIT
swap_start_on e1000 rtl8139
warns=$(warn_count)
# the second interface: e1000e, probed again under the shadow
nic_unbind e1000e || fail "unbind e1000e"
nic_bind e1000e || fail "bind e1000e"
busywait 10000 iface_by_mac "$(nic_field e1000e 3)" >/dev/null || fail "no e1000e interface"
dev2=$(iface_by_mac "$(nic_field e1000e 3)")
if1=$(cat "/sys/class/net/$dev/ifindex")
if2=$(cat "/sys/class/net/$dev2/ifindex")
log "$dev (ifindex $if1) on e1000, $dev2 (ifindex $if2) on e1000e, ${nic_addr[rtl8139]} free"

shadowctl -j swap dev "$dev2" timeout 15000 >/tmp/claims2.json 2>&1 &
p2=$!
busywait 10000 parked "$dev2" || fail "$dev2 did not park for its no-target swap"
log "$dev2 parked, waiting for any network controller"
out=$(shadowctl -j swap dev "$dev" to "${nic_addr[rtl8139]}" timeout 10000)
rc=$?
log "  $out"
check "$dev onto the NIC it named, ${nic_addr[rtl8139]} (exit $rc)" \
	jqt '.result == "swapped" and .to.driver == "8139cp"' <<<"$out"
check "  $dev on 8139cp" [ "$(iface_driver "$dev")" == 8139cp ]
check "  $dev kept ifindex $if1" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$if1" ]
check "  $dev reaches the peer" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
wait "$p2"
rc2=$?
p2=
log "  $(cat /tmp/claims2.json)"
check "$dev2's no-target swap timed out and rolled back (exit $rc2)" \
	jqt '.result == "rolled-back" and .from.driver == "e1000e"' /tmp/claims2.json
check "  $dev2 on e1000e, passive" \
	[ "$(iface_driver "$dev2")" == e1000e -a "$(state "$dev2")" == passive ]
check "  $dev2 kept ifindex $if2" [ "$(cat "/sys/class/net/$dev2/ifindex")" == "$if2" ]
# back where the next test expects it
swap_json e1000
check "$dev back onto e1000 (exit $rc)" jqt '.result == "swapped"' <<<"$out"
check "no kernel warning" [ "$(warn_count)" -eq "$warns" ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
