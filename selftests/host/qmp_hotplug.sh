#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The runner's QMP socket drives PCI hot-plug in a live guest: unplug the
# rtl8139 NIC (device_del), plug a virtio-net NIC with a new MAC onto the
# same hub port (device_add), and check in the guest that the old interface
# went away and the new one is bound and passes traffic to the peer.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/qmp.sh"
OUT=$TOP/build/check/host-hotplug
OLD=52:54:00:5d:00:02 NEW=52:54:00:5d:00:a0

make -C "$TOP" --no-print-directory modules >/dev/null || exit 1
rm -rf "$OUT"
"$TOP/scripts/vm" -n e1000,rtl8139 -t 300 -o "$OUT" -- \
	bash /shadow/guest/hotplug-wait.sh "$OLD" "$NEW" >/dev/null &
vm=$!

wait_line "$OUT/results.tap" '^READY' 120 &&
	qmp_unplug "$OUT/qmp.sock" nic2 &&
	wait_line "$OUT/results.tap" '^UNPLUGGED' 120 &&
	qmp_ok "$OUT/qmp.sock" "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"virtio-net-pci\",\"netdev\":\"hp2\",\"mac\":\"$NEW\",\"id\":\"hot1\"}}"
rc=$?
wait $vm
status=$?
cat "$OUT/results.tap"
[[ $rc -eq 0 ]] || { echo "FAIL: QMP step failed"; exit 1; }
[[ $status -eq 0 ]] || { echo "FAIL: guest side failed (scripts/vm exit $status)"; exit 1; }
grep -q '^ARRIVED .* driver virtio_net' "$OUT/results.tap" ||
	{ echo "FAIL: hot-plugged NIC not driven by virtio_net"; exit 1; }
echo "hot-unplug of rtl8139 and hot-plug of virtio-net through QMP work"
