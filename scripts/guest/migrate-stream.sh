#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of selftests/host/qmp_migrate.sh: bring up the e1000 NIC, say
# READY, then keep a 20 packets/s ping stream to the peer running for 15 s
# while the host live-migrates the guest, and report what it saw. The end
# of this output, and the exit status, reach the host through the
# destination QEMU's results port.

. /shadow/selftests/lib/lib.sh

mac=$(nic_field e1000 3)
dev=$(iface_by_mac "$mac") || fail "no e1000 NIC"
ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up ||
	fail "cannot configure $dev"
busywait 15000 carrier_up "$dev" || fail "$dev has no carrier"
busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "peer unreachable"
echo READY
out=$(ping -q -c 300 -i 0.05 -W 1 "$PEER_IP") || fail "ping stream failed"
echo "$out" | tail -n 2
received=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
(( received >= 290 )) || fail "only $received of 300 replies across the migration"
echo "STREAM ok: $received of 300"
