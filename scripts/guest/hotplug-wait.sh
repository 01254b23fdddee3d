#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of selftests/host/qmp_hotplug.sh: say READY, wait for the host
# to unplug the NIC with MAC $1, say UNPLUGGED, wait for a NIC with MAC $2
# to be hot-plugged, bind its driver as udev would, and pass traffic to the
# peer over it.

. /shadow/selftests/lib/lib.sh

old=$1 new=$2
gone() { ! iface_by_mac "$old" >/dev/null; }
arrived() { bash /shadow/selftests/lib/coldplug.sh; iface_by_mac "$new" >/dev/null; }

iface_by_mac "$old" >/dev/null || fail "no NIC with $old to start with"
echo READY
busywait 60000 gone || fail "$old was not unplugged"
echo UNPLUGGED
busywait 60000 arrived || fail "no NIC with $new arrived"
dev=$(iface_by_mac "$new")
echo "ARRIVED $dev driver $(iface_driver "$dev")"
ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up ||
	fail "cannot configure $dev"
busywait 15000 carrier_up "$dev" || fail "$dev has no carrier"
busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "peer unreachable over $dev"
echo "TRAFFIC over hot-plugged $dev"
