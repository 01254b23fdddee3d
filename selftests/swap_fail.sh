#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_fail.sh: what a swap does when it cannot be done, under a live TCP
# stream that must survive it all. Refused up front (the interface keeps
# running): a target bound to its own driver, the interface's own device,
# an unprivileged caller, an interface the shadow does not watch. Refused
# after parking, rolled back onto the old driver: no such device within the
# timeout, and a new driver whose private area does not fit the interface
# (shadow loaded with pad_priv=0), which must leave no interface of its own
# behind; and a new driver that cannot open (debugfs fail_open), dropped
# again. And a restart: the same device and driver again; and a swap by
# driver name, to 8139cp (an MTU of 9000 lowered to its maximum, with a
# note) and back to e1000.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

RATE_KBIT=1000
on_e1000() { [ "$(iface_driver "$dev")" == e1000 ]; }
reaches_peer() { busywait 15000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null; }

nic_find e1000 rtl8139 vmxnet3
trap 'swap_cleanup e1000' EXIT

# pad_priv=0: e1000's interface gets only what e1000 asks for. vmxnet3
# waits unbound; rtl8139 keeps its driver and its own interface.
lsmod | grep -q '^shadow ' && fail "shadow already loaded"
modprobe shadow pad_priv=0 || fail "modprobe shadow pad_priv=0"
nic_unbind e1000 && nic_unbind vmxnet3 && nic_bind e1000 || fail "rebind e1000"
busywait 10000 iface_by_mac "$(nic_field e1000 3)" >/dev/null || fail "no e1000 interface"
dev=$(iface_by_mac "$(nic_field e1000 3)")
ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up || fail "configure $dev"
busywait 15000 carrier_up "$dev" && reaches_peer || fail "no traffic on $dev"
ifindex=$(cat "/sys/class/net/$dev/ifindex")
stream_start
sleep 1

log "== refused up front"
out=$(shadowctl swap dev "$dev" to "${nic_addr[rtl8139]}" 2>&1)
check "target bound to 8139cp: exit 2 ($out)" [ $? -eq 2 ]
check "  the refusal says why" grep -q 'unbind it first' <<<"$out"
out=$(shadowctl swap dev "$dev" to "${nic_addr[e1000]}" 2>&1)
check "its own device: exit 2 ($out)" [ $? -eq 2 ]
check "  the refusal says why" grep -q 'use restart' <<<"$out"
out=$(su -s /bin/bash nobody -c "/shadow/bin/shadowctl swap dev $dev" 2>&1)
check "unprivileged: exit 2 ($out)" [ $? -eq 2 ]
check "  the refusal says why" grep -q -i 'not permitted' <<<"$out"
out=$(shadowctl swap dev lo 2>&1)
check "lo is not shadowed: exit 2 ($out)" [ $? -eq 2 ]
check "  still on e1000, passive" on_e1000

log "== no such device: rolled back"
out=$(shadowctl -j swap dev "$dev" to 0000:00:1f.7 timeout 1500)
rc=$?
log "  $out"
check "exit 6 (got $rc)" [ $rc -eq 6 ]
check "  rolled back with ETIMEDOUT" jqt '.result == "rolled-back" and .errno == 110 and .to.driver == "e1000"' <<<"$out"
check "  the reason names the device" jqt '.reason | test("0000:00:1f.7")' <<<"$out"
check "  on e1000 again" on_e1000
check "  same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  passes traffic" reaches_peer
out=$(shadowctl swap dev "$dev" to 0000:00:1f.7 timeout 1500)
rc=$?
log "  $out"
check "  in text too: exit 6 (got $rc), \"$dev: rolled-back e1000\"" \
	[ $rc -eq 6 -a "$(grep -c "^$dev: rolled-back e1000 " <<<"$out")" -eq 1 ]

log "== the new driver's private area does not fit: rolled back"
out=$(shadowctl -j swap dev "$dev" to "${nic_addr[vmxnet3]}")
rc=$?
log "  $out"
check "exit 6 (got $rc)" [ $rc -eq 6 ]
check "  rolled back, the reason says how much was needed" \
	jqt '.result == "rolled-back" and .to.driver == "e1000" and (.reason | test("bytes of private area"))' <<<"$out"
check "  on e1000 again" on_e1000
check "  vmxnet3 left unbound, no interface of its own" \
	[ ! -e "/sys/bus/pci/devices/${nic_addr[vmxnet3]}/driver" -a -z "$(iface_by_mac "$(nic_field vmxnet3 3)")" ]
check "  passes traffic" reaches_peer

log "== the new driver cannot open (debugfs fail_open): dropped, rolled back"
nic_unbind rtl8139 || fail "unbind rtl8139"
echo 1 >/sys/kernel/debug/shadow/fail_open || fail "no fail_open knob"
out=$(shadowctl -j swap dev "$dev" to "${nic_addr[rtl8139]}")
rc=$?
log "  $out"
check "exit 6 (got $rc)" [ $rc -eq 6 ]
check "  rolled back with EIO, the reason says 8139cp did not open" \
	jqt '.result == "rolled-back" and .errno == 5 and .to.driver == "e1000" and (.reason | test("8139cp did not open"))' <<<"$out"
check "  on e1000 again, same ifindex" [ "$(iface_driver "$dev")" == e1000 -a \
	"$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  rtl8139 left unbound, no interface of its own" \
	[ ! -e "/sys/bus/pci/devices/${nic_addr[rtl8139]}/driver" -a -z "$(iface_by_mac "$(nic_field rtl8139 3)")" ]
check "  passes traffic" reaches_peer
nic_bind rtl8139 || fail "bind rtl8139 again"

log "== restart: the same device and driver"
out=$(shadowctl -j restart dev "$dev")
rc=$?
log "  $out"
check "exit 0 (got $rc)" [ $rc -eq 0 ]
check "  e1000 -> e1000 on the same device" \
	jqt ".result == \"swapped\" and .errno == null and .from.bus_addr == .to.bus_addr" <<<"$out"
check "  same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  passes traffic" reaches_peer

log "== by driver name: the first unbound device 8139cp supports, and back"
nic_unbind rtl8139 || fail "unbind rtl8139"
# An MTU e1000 takes and 8139cp cannot: the lowest common one, said so.
ip link set dev "$dev" mtu 9000 || fail "mtu 9000 on e1000"
out=$(shadowctl -j swap dev "$dev" to 8139cp)
rc=$?
log "  $out"
check "exit 0 (got $rc)" [ $rc -eq 0 ]
check "  on 8139cp at ${nic_addr[rtl8139]}" \
	jqt ".to.driver == \"8139cp\" and .to.bus_addr == \"${nic_addr[rtl8139]}\"" <<<"$out"
max=$(ip -d -j link show dev "$dev" | jq '.[0].max_mtu')
check "  MTU 9000 lowered to 8139cp's maximum $max, and a note says so" \
	[ "$(cat "/sys/class/net/$dev/mtu")" == "$max" ]
check "  (the note)" jqt ".notes | any(test(\"mtu 9000 -> $max\"))" <<<"$out"
check "  the log keeps the 9000 asked" \
	jqt '[.[] | select(.key == "mtu")][0].mtu == 9000' <<<"$(shadowctl -j log show dev "$dev")"
out=$(shadowctl -j swap dev "$dev" to e1000)
rc=$?
log "  $out"
check "back to e1000: exit 0 (got $rc)" [ $rc -eq 0 ]
check "  on e1000, same ifindex" [ "$(iface_driver "$dev")" == e1000 -a \
	"$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  MTU 9000 back, as asked ($(cat "/sys/class/net/$dev/mtu"))" \
	[ "$(cat "/sys/class/net/$dev/mtu")" == 9000 ]
check "  (a note says so)" jqt ".notes | any(test(\"mtu $max -> 9000: as asked\"))" <<<"$out"
check "  passes traffic" reaches_peer
ip link set dev "$dev" mtu 1500

stream_stop
check "the TCP stream survived it all (sender exit $stream_rc)" [ "$stream_rc" -eq 0 ]
check "$stream_sent bytes sent, $stream_got received, intact: $stream_intact" \
	[ "$stream_sent" == "$stream_got" -a "$stream_intact" == yes ]
[[ $failures -eq 0 ]] || fail "$failures mismatches"
exit $KSFT_PASS
