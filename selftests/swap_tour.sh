#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_tour.sh MODEL MODEL...: active mode. One interface starts on the
# first model's NIC and is swapped, driver and device, to each next model's
# NIC in turn, under a live TCP transfer to the peer whose bytes are checked
# end to end. After every swap: same ifindex, name, MAC, MTU (1400, set at
# the start), addresses, routes, VLAN device and multicast membership; the
# RX ring size set at the start, or a note saying why not; the expected
# driver under it; the peer answering through the new driver (before a
# leg onto a model whose QEMU device ignores a programmed MAC,
# $MAC_FILTER_MODELS, the interface takes that NIC's own MAC, as a user
# would, and the swap carries it; the first MAC comes back at the end);
# statistics that did not go backwards; the new driver handed no packet
# validated for the old one (longer than the MTU without TSO, paged without
# scatter-gather); nothing tracked
# left on the NIC it left; the shadow passive again. At the end: the
# transfer arrived intact over the one connection, no kernel warning,
# rmmod shadow works, and the interface then unregisters cleanly.
# A tour should end where it started, so later tests find their NICs.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

(($# >= 2)) || { echo "usage: swap_tour.sh MODEL MODEL..." >&2; exit 2; }
TOUR=("$@")
RATE_KBIT=${RATE_KBIT:-2000}	# the stream's rate
SWAP_TIMEOUT_MS=20000

nic_find "${TOUR[@]}"
first=${TOUR[0]}
mac=$(nic_field "$first" 3)

cleanup()
{
	xmit_watch_stop 2>/dev/null
	ip link del vl10 2>/dev/null
	swap_cleanup "$first"
}
trap cleanup EXIT

swap_start_on "${TOUR[@]}"
warns=$(warn_count)
ip link add link "$dev" name vl10 type vlan id 10 || fail "vlan"
ip maddr add 01:00:5e:01:02:03 dev "$dev" || fail "multicast group"
# Logged state to carry: an MTU every model takes, and an RX ring size
# where the first driver has one (then each driver must take it or say
# in a note that it cannot).
ip link set dev "$dev" mtu 1400 || fail "mtu 1400"
RING=
ethtool -G "$dev" rx 128 2>/dev/null && RING=128
log "logged: mtu 1400${RING:+, rx ring $RING}"
# A ring change resets some NICs (e1000): the baseline waits for the link.
busywait 15000 carrier_up "$dev" || fail "no carrier on $dev after the ring change"
busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "no ping after the ring change"
xmit_watch_start "$dev" || fail "no net_dev_start_xmit tracepoint"

# leg_traffic: the new driver receives: a ping answered and rx_packets up.
leg_traffic()
{
	local rx0

	rx0=$(<"/sys/class/net/$dev/statistics/rx_packets")
	busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null &&
		(($(<"/sys/class/net/$dev/statistics/rx_packets") > rx0))
}

snapshot()
{
	cat "/sys/class/net/$dev/ifindex" "/sys/class/net/$dev/address" \
	    "/sys/class/net/$dev/mtu"
	ip -4 -o addr show dev "$dev" | awk '{ print $4 }'
	ip route show dev "$dev"
	ip -d link show vl10 | grep -o 'vlan protocol 802.1Q id 10'
	ip maddr show dev "$dev" | grep -o '01:00:5e:01:02:03'
}
before=$(snapshot)
ifindex=$(cat "/sys/class/net/$dev/ifindex")
log "interface $dev (ifindex $ifindex) on ${nic_driver[$first]} ${nic_addr[$first]}"

stream_start
sleep 1

# set_mac MAC: the interface takes MAC (logged, carried by the swaps),
# down and up again where its driver cannot change it live (tulip); the
# peer forgets the old one, and the snapshot has the new one.
set_mac()
{
	[[ $(<"/sys/class/net/$dev/address") == "$1" ]] && return
	log "  the interface takes MAC $1"
	if ! ip link set dev "$dev" address "$1" 2>/dev/null; then
		ip link set dev "$dev" down && ip link set dev "$dev" address "$1" &&
			ip link set dev "$dev" up || fail "MAC $1"
		busywait 15000 carrier_up "$dev" || fail "no carrier after the MAC change"
	fi
	peer ip neigh flush to "$LOCAL_IP"
	before=$(snapshot)
}

rx_before=$(cat "/sys/class/net/$dev/statistics/rx_bytes")
tx_before=$(cat "/sys/class/net/$dev/statistics/tx_bytes")
for ((i = 1; i < ${#TOUR[@]}; i++)); do
	from=${TOUR[i - 1]} to=${TOUR[i]}
	# Its QEMU device filters on its own MAC (README): give it that one.
	[[ " $MAC_FILTER_MODELS " == *" $to "* ]] && set_mac "$(nic_field "$to" 3)"
	log "swap $i: ${nic_driver[$from]} ${nic_addr[$from]} -> ${nic_driver[$to]} ${nic_addr[$to]}"
	xmit_watch_clear
	out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$to]}" timeout $SWAP_TIMEOUT_MS)
	rc=$?
	log "  $out"
	check "swap $i exit status 0 (got $rc)" [ $rc -eq 0 ]
	check "swap $i result swapped" jqt '.result == "swapped" and .errno == null' <<<"$out"
	seq=$(jq -r .seq <<<"$out")
	unfit=$(xmit_unfit "$seq")
	grep -o "shadow_requeued: dev=$dev swap=$seq .*" "$XMIT_TRACING/trace" | sed 's/^/  /'
	check "  ${nic_driver[$to]} was handed nothing it cannot take ($unfit packets over $xmit_max bytes without TSO, or paged without SG)" \
		[ "$unfit" -eq 0 ]
	[[ $unfit -eq 0 ]] || grep -m 3 net_dev_start_xmit "$XMIT_TRACING/trace"
	check "  the event names both PCI addresses" \
		jqt ".from.bus_addr == \"${nic_addr[$from]}\" and .to.bus_addr == \"${nic_addr[$to]}\"" <<<"$out"
	check "now on ${nic_driver[$to]}" [ "$(iface_driver "$dev")" == "${nic_driver[$to]}" ]
	now=$(snapshot)
	check "ifindex, MAC, MTU, addresses, routes, VLAN, multicast unchanged" \
		[ "$now" == "$before" ]
	[[ $now == "$before" ]] || diff <(echo "$before") <(echo "$now")
	if [[ -n $RING ]] && rx_ring=$(ethtool -g "$dev" 2>/dev/null |
		awk '/^Current/ { c = 1 } c && /^RX:/ { print $2; exit }') && [[ -n $rx_ring ]] &&
	   ! jqt '.notes | any(test("ring"))' <<<"$out"; then
		check "rx ring $RING carried (ethtool -g: $rx_ring)" [ "$rx_ring" == "$RING" ]
	fi
	check "  traffic flows on ${nic_driver[$to]}: the peer answers, frames arrive" leg_traffic
	check "shadow passive again" \
		jqt '.[0].state == "passive"' <<<"$(shadowctl -j dev show dev "$dev")"
	rx=$(cat "/sys/class/net/$dev/statistics/rx_bytes")
	tx=$(cat "/sys/class/net/$dev/statistics/tx_bytes")
	check "statistics monotonic: rx_bytes $rx_before -> $rx, tx_bytes $tx_before -> $tx" \
		[ "$rx" -ge "$rx_before" -a "$tx" -ge "$tx_before" ]
	rx_before=$rx tx_before=$tx
	left=$(shadowctl -j obj show | jq "[.[] | select(.bus_addr == \"${nic_addr[$from]}\")] | length")
	if [[ ${nic_addr[$from]} != "${nic_addr[$to]}" ]]; then
		check "nothing tracked left on ${nic_addr[$from]}" [ "$left" -eq 0 ]
		[[ $left -eq 0 ]] || shadowctl obj show
	fi
done

# The first MAC again: later tests find the NIC by it.
set_mac "$mac"
stream_stop
check "the TCP stream survived every swap (sender exit $stream_rc)" [ "$stream_rc" -eq 0 ]
check "$stream_sent bytes sent, $stream_got received" [ "$stream_sent" == "$stream_got" ]
check "and intact (MD5)" [ "$stream_intact" == yes ]
check "no kernel warning" [ "$(warn_count)" -eq "$warns" ]
check "one netdev tracked for $dev" \
	[ "$(shadowctl -j obj show dev "$dev" | jq '[.[] | select(.type == "netdev")] | length')" -eq 1 ]
modprobe -r shadow
check "rmmod shadow after the tour" [ $? -eq 0 ]
check "$dev still passes traffic" busywait 10000 ping -q -c 1 -W 1 "$PEER_IP"
# The swapped interface must unregister cleanly (sysfs as registered).
nic_unbind "${TOUR[-1]}"
check "the swapped interface unregistered with its driver" \
	[ -z "$(iface_by_mac "$mac")" -a "$(warn_count)" -eq "$warns" ]

[[ $failures -eq 0 ]] || fail "$failures mismatches on the tour ${TOUR[*]}"
exit $KSFT_PASS
