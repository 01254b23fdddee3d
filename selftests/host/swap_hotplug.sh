#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A parked interface across PCI hot-plug, driven through the runner's QMP
# socket: the guest parks its e1000 interface under a live TCP stream, the
# host unplugs the e1000 NIC (device_del) and plugs an rtl8139 on the same
# hub port (device_add), and the guest checks the interface resumed on
# 8139cp with its identity and its stream (scripts/guest/swap-hotplug.sh).

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/qmp.sh"
KVER=${KVER:-6.1}
OUT=$TOP/build/check/host-swap-hotplug-$KVER

make -C "$TOP" --no-print-directory KVER="$KVER" modules tools >/dev/null || exit 1
rm -rf "$OUT"
"$TOP/scripts/vm" -k "$KVER" -n e1000 -t 300 -o "$OUT" -- \
	bash /shadow/guest/swap-hotplug.sh 8139cp >/dev/null &
vm=$!

step()
{
	wait_line "$OUT/results.tap" "$1" 120 && qmp_ok "$OUT/qmp.sock" "$2"
}
step '^READY' '{"execute":"device_del","arguments":{"id":"nic1"}}' &&
step '^UNPLUGGED' '{"execute":"device_add","arguments":{"driver":"rtl8139","netdev":"hp1","mac":"52:54:00:5d:00:b0","id":"hot1"}}'
rc=$?
wait $vm
status=$?
cat "$OUT/results.tap"
[[ $rc -eq 0 ]] || { echo "FAIL: QMP step failed"; exit 1; }
[[ $status -eq 0 ]] || { echo "FAIL: guest side failed (scripts/vm exit $status)"; exit 1; }
grep -q '^SWAPPED across hot-plug onto 8139cp' "$OUT/results.tap" ||
	{ echo "FAIL: the parked interface did not resume on 8139cp"; exit 1; }
echo "a parked interface resumed on a hot-plugged NIC of another model"
