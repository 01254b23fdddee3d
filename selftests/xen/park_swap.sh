#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# park_swap.sh, in a PV domU (selftests/xen/swap_migrate.sh runs it): the
# guest half of a migration onto another NIC, by hand. shadow.ko shadows
# the passed-through NIC's driver; the interface gets 169.254.1.2/16 and
# reaches dom0. Then a swap with no target parks it: its driver lets go
# of the device, which dom0 may detach; whatever NIC appears next takes
# the interface. Says on the console, for dom0:
#   DOMU: READY IFACE DRIVER	shadowed, pinging dom0
#   DOMU: PARKED IFACE		parked: detach the device now
#   DOMU: SWAPPED RC JSON	shadowctl's outcome (RC 0: swapped)
#   DOMU: SAME | CHANGED DIFF	ifindex, MAC and address after the swap
# and then runs heartbeat.sh.

. /shadow/selftests/lib/lib.sh

# iface_on DRIVER: the interface a device bound to DRIVER carries.
iface_on()
{
	local i drv

	for i in /sys/class/net/*; do
		drv=$(readlink "$i/device/driver" 2>/dev/null) || continue
		[[ ${drv##*/} == "$1" ]] && { echo "${i##*/}"; return 0; }
	done
	return 1
}

state_is() { [[ $(shadowctl -j dev show dev "$1" | jq -r '.[0].state') == "$2" ]]; }

snapshot()
{
	echo "ifindex $(<"/sys/class/net/$1/ifindex")"
	echo "mac $(<"/sys/class/net/$1/address")"
	ip -4 -o addr show dev "$1" | awk '{ print "addr", $4 }'
}

modprobe shadow || fail "modprobe shadow"
# udev's part: load the driver of a PCI device that has none, then and
# after the migration.
( while :; do bash /shadow/selftests/lib/coldplug.sh; sleep 0.5; done ) &
busywait 60000 iface_on e1000 >/dev/null || fail "no interface on e1000"
dev=$(iface_on e1000)
ip addr add 169.254.1.2/16 dev "$dev" && ip link set "$dev" up || fail "configure $dev"
busywait 30000 ping -q -c 1 -W 1 169.254.1.1 >/dev/null || fail "no ping to dom0"
snapshot "$dev" >/tmp/before
echo "DOMU: READY $dev e1000"

shadowctl -j swap dev "$dev" timeout 600000 >/tmp/park.json 2>&1 &
park=$!
busywait 60000 state_is "$dev" parked || fail "$dev not parked"
echo "DOMU: PARKED $dev"
wait $park
echo "DOMU: SWAPPED $? $(tr -d '\n' </tmp/park.json)"
if diff -u /tmp/before <(snapshot "$dev") >/tmp/diff; then
	echo "DOMU: SAME"
else
	echo "DOMU: CHANGED $(tr '\n' ' ' </tmp/diff)"
fi
exec bash /shadow/selftests/xen/heartbeat.sh
