#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the guest: show the NIC topology the runner plugged in
# and pass traffic to the peer over each NIC model in turn. Until the swap
# exists (see the active-mode issue) this is what the suite can show: the
# real Debian drivers on every emulated NIC, on one hub, with a peer.

. /shadow/selftests/lib/lib.sh

echo "== kernel $(uname -r)"
echo "== NICs (QEMU model, interface, driver, PCI address)"
while read -r model driver mac role; do
	dev=$(iface_by_mac "$mac" || iface_by_mac "$mac" "$PEER_NS") || dev=-
	bus=$(basename "$(readlink /sys/class/net/"$dev"/device 2>/dev/null)" 2>/dev/null)
	printf '%-16s %-6s %-10s %-14s %s\n' "$model" "$dev" "$driver" "${bus:--}" "$role"
done <"$NICS_FILE"
echo "== peer namespace"
peer ip -br addr show

echo "== traffic to the peer ($PEER_IP), one NIC at a time"
while read -r model driver mac role; do
	[[ $role == test ]] || continue
	bash /shadow/selftests/nic_traffic.sh "$model" | grep -e iperf3 -e FAIL
done <"$NICS_FILE"
