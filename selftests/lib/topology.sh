#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's test topology at boot (see the drawing in lib.sh): the
# peer NIC goes into its own namespace with an iperf3 server; the NICs under
# test stay down in the root namespace until a test takes one.

set -e -o pipefail
. /shadow/selftests/lib/lib.sh

up()
{
	local model driver mac role dev

	ip link set lo up
	while read -r model driver mac role; do
		if ! busywait 20000 iface_by_mac "$mac" >/dev/null; then
			echo "topology: no interface for $model ($mac)"
			[[ $role == peer ]] && return 1
			continue
		fi
		dev=$(iface_by_mac "$mac")
		echo "topology: $model $mac -> $dev, driver $(iface_driver "$dev" || echo none), $role"
		[[ $role == peer ]] || continue
		ip netns add "$PEER_NS"
		ip link set "$dev" netns "$PEER_NS"
		peer ip link set lo up
		peer ip addr add "$PEER_IP/$PREFIX" dev "$dev"
		peer ip link set "$dev" up
		peer iperf3 -s -D -B "$PEER_IP" --logfile /tmp/iperf3-peer.log
	done <"$NICS_FILE"
}

case ${1:-} in
up) up ;;
*) echo "usage: topology.sh up" >&2; exit 2 ;;
esac
