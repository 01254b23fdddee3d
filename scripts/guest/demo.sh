#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the guest: one interface, a live TCP stream to the peer,
# and its driver swapped under it e1000 -> 8139cp -> virtio_net -> e1000
# (three different NIC models). Per swap: what shadowctl reports (phases,
# the drivers' share and the shadow's own, what was not carried over) and
# what the peer saw of a 1000 packets/s UDP stream (longest gap, losses).
# At the end: the TCP connection's fate.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

TOUR=(e1000 rtl8139 virtio-net-pci e1000)

echo "== kernel $(uname -r)"
nic_find "${TOUR[@]}"
echo "== NICs: QEMU model, PCI address, driver"
for model in e1000 rtl8139 virtio-net-pci; do
	printf '   %-16s %s %s\n' "$model" "${nic_addr[$model]}" "${nic_driver[$model]}"
done
swap_start_on "${TOUR[@]}"
echo "== $dev: $(ip -br addr show dev "$dev") on $(iface_driver "$dev"), ifindex $(cat "/sys/class/net/$dev/ifindex")"

RATE_KBIT=8000
stream_start
sleep 1

for ((i = 1; i < ${#TOUR[@]}; i++)); do
	to=${TOUR[i]}
	echo "== swap $i: $(iface_driver "$dev") -> ${nic_driver[$to]} (${nic_addr[$to]})," \
		"under a $((RATE_KBIT / 1000)) Mbit/s TCP stream and a 1000/s UDP stream"
	gap_start
	shadowctl swap dev "$dev" to "${nic_addr[$to]}" | sed 's/^/   /'
	gap_stop
	jq -r '"   the peer saw: longest gap \(.max_gap_ms) ms, \(.lost) of \(.received + .lost) datagrams lost"' /tmp/gap.json
	echo "   $dev: $(ip -br addr show dev "$dev"), ifindex $(cat "/sys/class/net/$dev/ifindex"), MAC $(cat "/sys/class/net/$dev/address")"
done

stream_stop
echo "== the TCP connection across the three swaps: sender exit $stream_rc," \
	"$stream_sent bytes sent, $stream_got received, intact (MD5): $stream_intact"
ip link set "$dev" down
ip addr flush dev "$dev"
modprobe -r shadow
nic_rebind_all
