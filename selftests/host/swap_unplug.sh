#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The new NIC is unplugged (QMP device_del) while a swap onto it waits for
# its link, on every pinned kernel: the guest swaps its interface from
# rtl8139 onto an e1000 whose link the host has set down, and the host
# unplugs the e1000 during the link wait (scripts/guest/swap-unplug.sh).

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/qmp.sh"
. "$TOP/scripts/lib/kernels.sh"

one()
{
	local kver=$1 out=$TOP/build/check/host-swap-unplug-$1 vm rc

	make -C "$TOP" --no-print-directory KVER="$kver" modules tools >/dev/null || return 1
	rm -rf "$out"
	"$TOP/scripts/vm" -k "$kver" -n rtl8139,e1000 -t 300 -o "$out" -- \
		bash /shadow/guest/swap-unplug.sh >/dev/null &
	vm=$!
	wait_line "$out/results.tap" '^READY' 120 &&
		qmp_ok "$out/qmp.sock" '{"execute":"set_link","arguments":{"name":"nic2","up":false}}' &&
		wait_line "$out/results.tap" '^REPLAYING' 120 &&
		qmp_ok "$out/qmp.sock" '{"execute":"device_del","arguments":{"id":"nic2"}}'
	rc=$?
	guest_outcome "$kver" "$out" $rc $vm || return 1
	grep -q '^SURVIVED an unplug during the link wait' "$out/results.tap" ||
		{ echo "FAIL: $kver: no clean end after the unplug"; return 1; }
}

each_kernel one || exit 1
echo "a NIC unplugged during the swap's link wait ends the swap cleanly, on every kernel"
