#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A NIC hot-unplugged through QMP (device_del) in each phase of a swap, on
# every pinned kernel: the guest (scripts/guest/swap-device-del.sh) holds
# each swap in a phase and says which NIC to unplug, and when to plug it
# back (device_add, the same model, back end, MAC and slot); it checks how
# each case ended. selftests/swap_phases.sh covers the same phases with
# the PCI core's own removal; this is the path a hypervisor's unplug takes
# (an ACPI eject the guest carries out while the swap holds the device).

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/qmp.sh"
. "$TOP/scripts/lib/kernels.sh"
CASES=5

# asked OUT REQUEST: the guest asked for REQUEST (false: it failed first).
asked()
{
	wait_line "$1/results.tap" "^$2 |^FAIL" 300 && ! grep -q '^FAIL' "$1/results.tap"
}

# steps OUT: answer the guest's requests, case by case.
steps()
{
	local out=$1 sock=$1/qmp.sock n id model netdev mac slot

	for ((n = 1; n <= CASES; n++)); do
		asked "$out" "UNPLUG $n" || return 1
		read -r _ _ id < <(grep "^UNPLUG $n " "$out/results.tap")
		qmp_unplug "$sock" "$id" || return 1
		asked "$out" "PLUG $n" || return 1
		read -r _ _ id model netdev mac slot < <(grep "^PLUG $n " "$out/results.tap")
		qmp_ok "$sock" "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"$model\",\"netdev\":\"$netdev\",\"mac\":\"$mac\",\"id\":\"$id\",\"bus\":\"pci.0\",\"addr\":\"$slot\"}}" ||
			return 1
	done
}

one()
{
	local kver=$1 out=$TOP/build/check/host-swap-device-del-$1 vm rc

	make -C "$TOP" --no-print-directory KVER="$kver" modules tools >/dev/null || return 1
	rm -rf "$out"
	"$TOP/scripts/vm" -k "$kver" -n e1000,rtl8139 -t 900 -o "$out" -- \
		bash /shadow/guest/swap-device-del.sh >/dev/null &
	vm=$!
	steps "$out"
	rc=$?
	guest_outcome "$kver" "$out" $rc $vm || return 1
	grep -q '^SURVIVED device_del in every phase' "$out/results.tap" ||
		{ echo "FAIL: $kver: the cases did not all end"; return 1; }
}

each_kernel one || exit 1
echo "a NIC unplugged through QMP in every phase of a swap ends in a documented state, on every kernel"
