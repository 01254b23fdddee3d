#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# passive_log.sh MODEL: passive mode on the driver of one QEMU NIC model.
# Load the shadow, rebind the NIC so its driver probes under the shadow,
# change MTU, MAC, up, promisc, allmulti, VLANs and every ethtool setting
# the driver accepts, then check that `shadowctl -j log show` says what
# ip and ethtool report, that the tracked objects match the driver's real
# IRQs and return to zero when it unbinds, that an unprivileged change is
# refused, and that rmmod shadow leaves the NIC working.

. /shadow/selftests/lib/lib.sh

MODEL=${1:?usage: passive_log.sh MODEL}
want=$(nic_field "$MODEL" 2)
mac=$(nic_field "$MODEL" 3)
[[ -n $mac ]] || skip "model $MODEL is not plugged into this guest"
dev=$(iface_by_mac "$mac") || fail "no interface for $MODEL"
devpath=$(readlink -f "/sys/class/net/$dev/device")
busaddr=${devpath##*/}
drvpath=$(readlink -f "$devpath/driver")
NEWMAC=52:54:00:aa:bb:cc

logq() { jq -e "$1" <<<"$LOG" >/dev/null; }
objs() { shadowctl -j obj show dev "$dev" | jq "[.[] | select(.type == \"$1\")] | length"; }

rebind()
{
	echo "$busaddr" >"$drvpath/unbind" || return 1
	echo "$busaddr" >"$drvpath/bind" || return 1
	busywait 10000 iface_by_mac "$mac" >/dev/null
}

# Whatever happens, leave the NIC bound and the shadow unloaded for the
# tests that follow.
cleanup()
{
	ip link del vl10 2>/dev/null
	ip link del vl20 2>/dev/null
	[[ -e $devpath/driver ]] || echo "$busaddr" >"$drvpath/bind" 2>/dev/null
	modprobe -r shadow 2>/dev/null
}
trap cleanup EXIT

lsmod | grep -q '^shadow ' && fail "shadow already loaded"
modprobe shadow || fail "modprobe shadow failed"
shadowctl -j -c 1 monitor >/tmp/events.json 2>&1 &
monitor=$!
sleep 0.5
rebind || fail "cannot rebind $busaddr to $want"
dev=$(iface_by_mac "$mac")
shadowctl -j dev show dev "$dev" |
	jq -e ".[0].attached == true and .[0].driver == \"$want\"" >/dev/null ||
	fail "$dev not shadowed from registration: $(shadowctl dev show dev "$dev")"
DEV=$(shadowctl -j dev show dev "$dev")
check "its allocation can host $want itself: $DEV" \
	jq -e ".[0].priv_size >= 16384 and (.[0].can_host | index(\"$want\")) != null" <<<"$DEV"
busywait 10000 bash -c "! kill -0 $monitor 2>/dev/null"
check "attach event on the multicast group: $(cat /tmp/events.json)" \
	jq -e -s ".[0].ifname == \"$dev\"" /tmp/events.json
kill $monitor 2>/dev/null

TRACING=/sys/kernel/tracing
echo > "$TRACING/trace"
echo 1 > "$TRACING/events/shadow/enable" || fail "no shadow tracepoints"

# The changes. ethtool settings are tried; the ones the driver accepts must
# then be in the log.
ip link set "$dev" mtu 1400 || fail "mtu"
ip link set "$dev" address "$NEWMAC" || fail "address"
ip link set "$dev" up || fail "up"
ip link set "$dev" promisc on && ip link set "$dev" allmulticast on || fail "promisc/allmulti"
ip link add link "$dev" name vl10 type vlan id 10 &&
	ip link add link "$dev" name vl20 type vlan id 20 || fail "vlan"
ip link del vl20
# Address lists are kernel state: the shadow logs no list, but it must see
# the driver asked to reprogram its filter (ndo_set_rx_mode).
before=$(grep -c "shadow_log: dev=$dev key=3 " "$TRACING/trace")
ip maddr add 01:00:5e:01:02:03 dev "$dev" || fail "cannot join a multicast group"
tried() { "$@" >/dev/null 2>&1 && echo yes; }
set_msglvl=$(tried ethtool -s "$dev" msglvl 0x3)
ring_rx=$(ethtool -g "$dev" 2>/dev/null | awk '/^Pre-set/ { p = 1 } p && /^RX:/ { print int($2 / 2); exit }')
set_ring=$([[ -n $ring_rx && $ring_rx -gt 0 ]] && tried ethtool -G "$dev" rx "$ring_rx")
set_coal=$(tried ethtool -C "$dev" rx-usecs 30)
set_pause=$(tried ethtool -A "$dev" autoneg off rx off tx off)
# GRO is never fixed, and any change of features reaches ndo_set_features.
set_feat=$(ethtool -k "$dev" | grep -q '^generic-receive-offload: on' &&
	   tried ethtool -K "$dev" gro off)
sleep 0.5

LOG=$(shadowctl -j log show dev "$dev") || fail "shadowctl log show failed"
log "log: $(shadowctl log show dev "$dev" | tr '\n' ';')"
IP=$(ip -j link show dev "$dev")

mtu=$(jq '.[0].mtu' <<<"$IP")
if [[ $want == virtio_net ]]; then
	# virtio_net has no ndo_change_mtu: the kernel sets the MTU alone.
	check "no MTU asked of virtio_net" logq '[.[] | select(.key == "mtu")] | length == 0'
else
	check "mtu $mtu" logq "[.[] | select(.key == \"mtu\")][0].mtu == $mtu"
fi
addr=$(jq -r '.[0].address' <<<"$IP")
check "address $addr" logq "[.[] | select(.key == \"mac\")][0].address == \"$addr\""
check "up" logq '[.[] | select(.key == "up")][0].up == true'
check "promisc and allmulti" \
	logq '[.[] | select(.key == "rx_flags")][-1] | .promisc == true and .allmulti == true'
if ethtool -k "$dev" | grep -q '^rx-vlan-filter: on'; then
	check "VLAN set {10} (20 removed)" \
		logq '[.[] | select(.key == "vlan" and .vid != 0) | .vid] == [10]'
else
	check "no VLAN filter asked (driver has none)" \
		logq '[.[] | select(.key == "vlan")] | length == 0'
fi
if [[ $set_msglvl ]]; then
	lvl=$(ethtool "$dev" | awk '/Current message level/ { gsub(/[()]/, "", $5); print $5; exit }')
	check "msglevel $lvl" logq "[.[] | select(.key == \"msglevel\")][0].msglevel == $lvl"
fi
if [[ $set_ring ]]; then
	rx=$(ethtool -g "$dev" | awk '/^Current/ { c = 1 } c && /^RX:/ { print $2; exit }')
	check "ring rx $rx" logq "[.[] | select(.key == \"ring\")][0].rx == $rx"
fi
if [[ $set_coal ]]; then
	us=$(ethtool -c "$dev" | awk '/^rx-usecs:/ { print $2; exit }')
	check "coalesce rx-usecs $us" \
		logq "[.[] | select(.key == \"coalesce\")][0].rx_coalesce_usecs == $us"
fi
if [[ $set_pause ]]; then
	# What was asked: e1000e's watchdog may renegotiate what -a reports.
	check "pause as asked (autoneg, rx, tx off; ethtool -a now: $(ethtool -a "$dev" |
		awk '/^(Autonegotiate|RX|TX):/ { printf "%s %s ", $1, $2 }'))" \
		logq '[.[] | select(.key == "pause")][0] | .autoneg == false and .rx == false and .tx == false'
fi
if [[ $set_feat ]]; then
	check "features asked" logq '[.[] | select(.key == "features")] | length >= 1'
fi
log "ethtool accepted: msglvl=${set_msglvl:-no} ring=${set_ring:-no} coalesce=${set_coal:-no} pause=${set_pause:-no} features=${set_feat:-no}"

echo 0 > "$TRACING/events/shadow/enable"
check "tracepoints saw the logged changes" grep -q "shadow_log: dev=$dev key=" "$TRACING/trace"
check "joining 01:00:5e:01:02:03 reached the driver's rx mode" \
	[ "$(grep -c "shadow_log: dev=$dev key=3 " "$TRACING/trace")" -gt "$before" ]
check "the group is in the kernel's list" \
	grep -q '01:00:5e:01:02:03' <(ip maddr show dev "$dev")

# Objects: the driver's real IRQs, NAPI and netdev.
check "one netdev tracked" [ "$(objs netdev)" -eq 1 ]
check "NAPI tracked" [ "$(objs napi)" -ge 1 ]
for irq in $(shadowctl -j obj show dev "$dev" | jq '.[] | select(.type == "irq") | .id'); do
	check "IRQ $irq is in /proc/interrupts for $dev" \
		grep -q -E "^ *$irq:.*($dev|$want)" /proc/interrupts
done
if [[ $want != virtio_net ]]; then	# virtio_pci owns virtio's IRQs and rings
	check "IRQ tracked" [ "$(objs irq)" -ge 1 ]
	check "DMA tracked" [ "$(objs dma_coherent)" -ge 1 ]
fi

out=$(su -s /bin/bash nobody -c "/shadow/bin/shadowctl dev detach dev $dev" 2>&1)
check "unprivileged detach refused ($out)" [ $? -eq 2 ]
check "the refusal says why" grep -q -i 'not permitted' <<<"$out"

ip link del vl10
echo "$busaddr" >"$drvpath/unbind" || fail "unbind"
left=$(shadowctl -j obj show | jq -c "[.[] | select(.bus_addr == \"$busaddr\")]")
check "no object left after unbind: $left" [ "$(jq length <<<"$left")" -eq 0 ]
echo "$busaddr" >"$drvpath/bind" || fail "bind"
busywait 10000 iface_by_mac "$mac" >/dev/null || fail "no interface after rebind"

modprobe -r shadow || fail "rmmod shadow"
dev=$(iface_by_mac "$mac")
ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up || fail "configure after rmmod"
busywait 15000 carrier_up "$dev" && busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null
check "$dev passes traffic after rmmod shadow" [ $? -eq 0 ]
ip addr flush dev "$dev"
ip link set "$dev" down
peer ip neigh flush all

[[ $failures -eq 0 ]] || fail "$failures mismatches for $MODEL ($want)"
exit $KSFT_PASS
