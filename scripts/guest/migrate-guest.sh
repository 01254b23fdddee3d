#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The migrating guest of selftests/host/migrate_qemu.sh. Its e1000 NIC is
# shadowed and carries, to the peer outside (scripts/guest/migrate-peer.sh),
# a TCP stream and a sequenced UDP stream; it has an MTU, a route and a
# VLAN the user set. migrate-agent's guest side serves the virtio-serial
# port, and the host migrates the guest, QEMU process to QEMU process, onto
# each NIC driver given in order. The guest checks after each one that the
# interface kept its identity and state and reaches the peer, and in the
# end what it sent, for the host to compare with what the peer received.
#
#   migrate-guest.sh DRIVER...
#
# The first request on the port is left unanswered: the host tests a guest
# that does not answer, then the daemon starts (AGENT-UP).

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

(($# > 0)) || fail "usage: migrate-guest.sh DRIVER..."
RATE_KBIT=2000
MTU=1400

port_dev()
{
	local p

	for p in /sys/class/virtio-ports/*; do
		[[ $(<"$p/name") == org.shadow.migrate.0 ]] && { echo "/dev/${p##*/}"; return 0; }
	done
	return 1
}

snapshot()
{
	echo "ifindex $(<"/sys/class/net/$dev/ifindex")"
	echo "mac $(<"/sys/class/net/$dev/address")"
	echo "mtu $(<"/sys/class/net/$dev/mtu")"
	ip -4 -o addr show dev "$dev" | awk '{ print "addr", $4 }'
	# "linkdown" is the carrier of the moment, not configuration
	ip route show dev "$dev" | sed 's/ linkdown//; s/^/route /'
	ip -d -o link show dev "$dev.42" | grep -o 'vlan protocol 802.1Q id 42'
}

nic_find e1000
swap_start_on e1000
ip link set "$dev" mtu $MTU || fail "mtu $MTU"
ip route add 198.51.100.0/24 via "$PEER_IP" dev "$dev" || fail "route"
ip link add link "$dev" name "$dev.42" type vlan id 42 || fail "vlan"
# e1000 resets on an MTU change: let its link come back first
busywait 15000 carrier_up "$dev" || fail "no carrier after the MTU change"
snapshot >/tmp/before
port=$(port_dev) || fail "no virtio-serial port org.shadow.migrate.0"

outside_start 200
echo READY

# The host's first request goes unanswered on purpose.
until [[ -n $(dd if="$port" bs=4096 count=1 2>/dev/null | head -c 1) ]]; do
	sleep 0.2
done
migrate-agent guest >/tmp/agent.log 2>&1 &
echo AGENT-UP

# udev's part on a real system: load the driver of a NIC that appears.
( while :; do bash /shadow/selftests/lib/coldplug.sh; sleep 0.3; done ) &
coldplug=$!

for want in "$@"; do
	busywait 600000 bash -c "[[ \$(readlink /sys/class/net/$dev/device/driver) == */$want ]] &&
		! ethtool -i $dev | grep -q '^driver: shadow'" ||
		fail "$dev never came back on $want (driver $(iface_driver "$dev"))"
	check "on $want: same identity and state" diff -u /tmp/before <(snapshot)
	check "on $want: the peer answers" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
	echo "ARRIVED $want"
done
kill "$coldplug"
# the host's --verify ping comes after the arrival: stay up well past it
sleep 20
outside_stop
check "the TCP stream's sender never failed" [ $? -eq 0 ]
cat /tmp/agent.log
[[ $failures -eq 0 ]] || fail "$failures mismatches"
echo "MIGRATED onto $*"
