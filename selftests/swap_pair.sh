#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_pair.sh [ROUNDS]: two interfaces swapped at the same time, ROUNDS
# times (default 3) each way: e1000's between e1000 and rtl8139 (8139cp)
# in this namespace, e1000e's between e1000e and virtio-net-pci in a
# namespace of its own (another address on the same link). Both requests
# go in together; each swap must end swapped, with its own ifindex kept,
# the right driver, and traffic to the peer from both; the shadow's
# tracker and the drivers' module counts end as they began.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

rounds=${1:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || fail "ROUNDS: a whole number, 1 or more: \"$rounds\""
NS=pair
IP2=192.0.2.3

in_ns() { ip netns exec "$NS" "$@"; }
carrier2() { [[ $(in_ns cat "/sys/class/net/$dev2/carrier" 2>/dev/null) == 1 ]]; }

nic_find e1000 rtl8139 e1000e virtio-net-pci
trap 'in_ns ip link set "$dev2" netns 1 2>/dev/null; ip netns del $NS 2>/dev/null; swap_cleanup e1000 rtl8139 e1000e virtio-net-pci' EXIT
swap_start_on e1000 rtl8139
# the second: e1000e under the shadow, virtio-net-pci's device unbound
nic_unbind virtio-net-pci || fail "unbind virtio-net-pci"
nic_unbind e1000e || fail "unbind e1000e"
nic_bind e1000e || fail "bind e1000e"
busywait 10000 iface_by_mac "$(nic_field e1000e 3)" >/dev/null || fail "no e1000e interface"
dev2=$(iface_by_mac "$(nic_field e1000e 3)")
ip netns add $NS || fail "ip netns add $NS"
ip link set "$dev2" netns $NS || fail "move $dev2 to $NS"
in_ns ip addr add "$IP2/$PREFIX" dev "$dev2"
in_ns ip link set "$dev2" up
in_ns ip link set lo up
busywait 15000 carrier2 || fail "no carrier on $dev2"
busywait 15000 in_ns ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "no ping from $NS"
if1=$(cat "/sys/class/net/$dev/ifindex")
if2=$(in_ns cat "/sys/class/net/$dev2/ifindex")
objects() { shadowctl -j obj show | jq length; }
refs() { cat /sys/module/{e1000,8139cp,e1000e,virtio_net}/refcnt | tr '\n' ' '; }
objs0=$(objects) refs0=$(refs)
log "$dev (ifindex $if1) and $dev2 in $NS (ifindex $if2); $objs0 objects; refcnt $refs0"

# pair A1 A2: swap $dev onto model A1's NIC and $dev2 onto A2's, together.
pair()
{
	local to1=$1 to2=$2 rc1 rc2
	shadowctl -j swap dev "$dev" to "${nic_addr[$to1]}" >/tmp/pair1.json 2>&1 &
	local p1=$!
	in_ns shadowctl -j swap dev "$dev2" to "${nic_addr[$to2]}" >/tmp/pair2.json 2>&1 &
	local p2=$!
	wait $p1; rc1=$?
	wait $p2; rc2=$?
	log "  $(cat /tmp/pair1.json)"
	log "  $(cat /tmp/pair2.json)"
	check "$dev onto $to1 (exit $rc1)" jqt --arg d "${nic_driver[$to1]}" \
		'.result == "swapped" and .to.driver == $d' /tmp/pair1.json
	check "$dev2 onto $to2 (exit $rc2)" jqt --arg d "${nic_driver[$to2]}" \
		'.result == "swapped" and .to.driver == $d' /tmp/pair2.json
	check "  $dev kept ifindex $if1" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$if1" ]
	check "  $dev2 kept ifindex $if2" [ "$(in_ns cat "/sys/class/net/$dev2/ifindex")" == "$if2" ]
	check "  $dev reaches the peer" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
	check "  $dev2 reaches the peer" busywait 15000 in_ns ping -q -c 1 -W 1 "$PEER_IP"
}

for r in $(seq "$rounds"); do
	log "== round $r"
	pair rtl8139 virtio-net-pci
	pair e1000 e1000e
done
check "tracker as it began ($(objects) objects, $objs0 before)" [ "$(objects)" == "$objs0" ]
check "module counts as they began ($(refs)vs $refs0)" [ "$(refs)" == "$refs0" ]
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
