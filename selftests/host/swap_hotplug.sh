#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A parked interface across PCI hot-plug, driven through the runner's QMP
# socket, on every pinned kernel: the guest parks its e1000 interface under
# a live TCP stream, the host unplugs the e1000 NIC (device_del) and plugs
# an rtl8139 on the same hub port (device_add; a virtio-blk disk plugged
# just before it must be left alone), and the guest checks the
# interface resumed on 8139cp with its identity and its stream; then the
# rtl8139 is unplugged under a second swap that times out (the interface
# stays parked), and an e1000 plugged for a third swap takes it
# (scripts/guest/swap-hotplug.sh).

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/qmp.sh"
. "$TOP/scripts/lib/kernels.sh"

# one KERNEL: 0 when the interface resumed on 8139cp.
one()
{
	local kver=$1 out=$TOP/build/check/host-swap-hotplug-$1 vm rc

	make -C "$TOP" --no-print-directory KVER="$kver" modules tools >/dev/null || return 1
	rm -rf "$out"
	"$TOP/scripts/vm" -k "$kver" -n e1000 -t 420 -o "$out" -- \
		bash /shadow/guest/swap-hotplug.sh 8139cp >/dev/null &
	vm=$!
	wait_line "$out/results.tap" '^READY' 120 &&
		qmp_unplug "$out/qmp.sock" nic1 &&
		wait_line "$out/results.tap" '^UNPLUGGED' 120 &&
		qmp_ok "$out/qmp.sock" '{"execute":"blockdev-add","arguments":{"driver":"null-co","node-name":"blk0","size":67108864}}' &&
		qmp_ok "$out/qmp.sock" '{"execute":"device_add","arguments":{"driver":"virtio-blk-pci","drive":"blk0","id":"hotblk"}}' &&
		wait_line "$out/results.tap" '^BLKSEEN' 120 &&
		qmp_ok "$out/qmp.sock" '{"execute":"device_add","arguments":{"driver":"rtl8139","netdev":"hp1","mac":"52:54:00:5d:00:b0","id":"hot1"}}' &&
		wait_line "$out/results.tap" '^READY2' 200 &&
		qmp_unplug "$out/qmp.sock" hot1 &&
		wait_line "$out/results.tap" '^WAITING3' 120 &&
		qmp_ok "$out/qmp.sock" '{"execute":"device_add","arguments":{"driver":"e1000","netdev":"hp1","mac":"52:54:00:5d:00:b1","id":"hot2"}}'
	rc=$?
	guest_outcome "$kver" "$out" $rc $vm || return 1
	grep -q '^SWAPPED across hot-plug onto 8139cp' "$out/results.tap" ||
		{ echo "FAIL: $kver: the parked interface did not resume on 8139cp"; return 1; }
	grep -q '^RESUMED from parked' "$out/results.tap" ||
		{ echo "FAIL: $kver: no resume from parked after the failed swap"; return 1; }
}

each_kernel one || exit 1
echo "a parked interface resumed on a hot-plugged NIC of another model, on every kernel"
