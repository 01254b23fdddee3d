#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_vlans.sh: every VLAN filter comes through a swap, not only the first
# 32. Forty VLAN devices on the e1000 interface (QEMU's e1000 filters on
# its VLAN table), a restart (the same driver probes afresh, its table
# empty), and traffic on the last VLAN created must still pass; the swap
# must not say that any VLAN was left out. Before the fix the replay kept
# at most 32 ids, silently.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

NVLANS=40

nic_find e1000
pdev=$(peer ls /sys/class/net | grep -v '^lo$' | head -n 1)
cleanup()
{
	local i

	for ((i = 1; i <= NVLANS; i++)); do
		ip link del "v$i" 2>/dev/null
	done
	ip link del vp 2>/dev/null
	peer ip link del pv 2>/dev/null
	swap_cleanup e1000
}
trap cleanup EXIT
swap_start_on e1000

for ((i = 1; i <= NVLANS; i++)); do
	ip link add link "$dev" name "v$i" type vlan id "$i" || fail "vlan $i"
	ip link set "v$i" up
done
ip addr add 198.51.100.1/24 dev "v$NVLANS" || fail "address on v$NVLANS"
peer ip link add link "$pdev" name pv type vlan id "$NVLANS" &&
	peer ip addr add 198.51.100.2/24 dev pv && peer ip link set pv up ||
	fail "the peer's VLAN $NVLANS"
vlan_ping() { busywait 15000 ping -q -c 1 -W 1 198.51.100.2 >/dev/null; }
check "VLAN $NVLANS passes before the swap" vlan_ping
logged=$(shadowctl -j log show dev "$dev" | jq '[.[] | select(.key == "vlan")] | length')
check "all $NVLANS VLAN ids logged (got $logged)" [ "$logged" -ge "$NVLANS" ]
# The log folds a set by member (shadow/log.c's index): each id once.
check "  each once" jqt '[.[] | select(.key == "vlan") | .vid] | length == (unique | length)' \
	<<<"$(shadowctl -j log show dev "$dev")"

out=$(shadowctl -j restart dev "$dev")
rc=$?
log "  $out"
check "restart: exit 0 (got $rc)" [ $rc -eq 0 ]
check "  no VLAN left out or refused" jqt '.notes | all(test("VLAN") | not)' <<<"$out"
peer ip neigh flush dev pv
check "VLAN $NVLANS passes after the restart" vlan_ping
check "the untagged network passes too" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"

log "== a VLAN added and one removed while parked"
# The old driver's VLAN filter features stay on the parked interface, so
# the VLAN core calls the parked ops: before the fix a NULL pointer.
shadowctl -j swap dev "$dev" timeout 60000 >/tmp/vlans.json 2>&1 &
swapper=$!
busywait 20000 parked || fail "$dev did not park"
ip link add link "$dev" name vp type vlan id 3000
check "  VLAN 3000 added while parked (exit $?)" [ -e /sys/class/net/vp ]
ip link del "v$NVLANS"
check "  VLAN $NVLANS removed while parked (exit $?)" [ ! -e "/sys/class/net/v$NVLANS" ]
nic_bind e1000 || fail "bind e1000"
wait "$swapper"
rc=$?
log "  $(cat /tmp/vlans.json)"
check "the swap took e1000 again (exit $rc)" jqt '.result == "swapped"' /tmp/vlans.json
logged=$(shadowctl -j log show dev "$dev" | jq -c '[.[] | select(.key == "vlan") | .vid]')
check "  the log has VLAN 3000 ($logged)" jqt 'index(3000) != null' <<<"$logged"
check "  and not VLAN $NVLANS" jqt --argjson n "$NVLANS" 'index($n) == null' <<<"$logged"
ip link del vp

check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
