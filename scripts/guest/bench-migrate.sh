#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of scripts/bench-migrate: carry a TCP stream and a 1000/s
# sequenced UDP stream to the peer outside while the host migrates this
# guest, then stop both and report what was sent.
#
#   bench-migrate.sh shadow     e1000 under shadow.ko, migrate-agent's guest
#                               side; ends once 8139cp drives the interface
#   bench-migrate.sh plain      virtio-net; ends 20 s after READY
#   bench-migrate.sh failover   net_failover over a virtio-net standby and an
#                               e1000e primary; ends 30 s after READY

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

mode=${1:?usage: bench-migrate.sh shadow|plain|failover}
RATE_KBIT=2000
MAC=52:54:00:5d:00:01

# failover_master: the net_failover interface (its slaves share its MAC).
failover_master()
{
	local d

	for d in /sys/class/net/*; do
		[[ $(ethtool -i "${d##*/}" 2>/dev/null) == *"driver: net_failover"* ]] &&
			{ echo "${d##*/}"; return 0; }
	done
	return 1
}
primary_up()
{
	local d

	for d in /sys/class/net/*; do
		[[ $(readlink "$d/device/driver") == */e1000e ]] && carrier_up "${d##*/}" && return 0
	done
	return 1
}
configure()
{
	ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up || fail "configure $dev"
	busywait 15000 carrier_up "$dev" || fail "no carrier on $dev"
	busywait 15000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "no ping to the peer"
}

# udev's part on a real system: load the driver of a NIC that appears
# (the shadow's destination NIC; failover's primary, which QEMU plugs only
# once the guest has taken the standby, and plugs again after migrating)
( while :; do bash /shadow/selftests/lib/coldplug.sh; sleep 0.3; done ) &
case $mode in
shadow)
	nic_find e1000
	swap_start_on e1000
	migrate-agent guest >/tmp/agent.log 2>&1 &
	;;
plain)
	dev=$(iface_by_mac "$MAC") || fail "no virtio-net interface"
	configure
	;;
failover)
	busywait 20000 failover_master >/dev/null || fail "no net_failover interface"
	dev=$(failover_master)
	configure
	busywait 30000 primary_up || fail "the primary never had link"
	;;
*) fail "unknown mode $mode" ;;
esac

outside_start 1000
echo READY
case $mode in
shadow)
	busywait 300000 bash -c "[[ \$(readlink /sys/class/net/$dev/device/driver) == */8139cp ]] &&
		! ethtool -i $dev | grep -q '^driver: shadow'" || fail "never on 8139cp"
	sleep 5
	;;
plain) sleep 20 ;;
failover)
	# QEMU unplugs the primary before the migration and plugs it back
	# after; TESTBED.md saw link again 5.6 s after the unplug
	sleep 30
	primary_up && echo "PRIMARY back" || echo "PRIMARY missing"
	;;
esac
outside_stop || fail "the TCP stream's sender failed"
echo "ENDED $mode"
