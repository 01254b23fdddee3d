# SPDX-License-Identifier: GPL-2.0
#
# For host tests that boot a guest of their own on each kernel (a second
# vCPU, other NICs, QEMU devices of their own) to run one in-guest test.
# Sourced after scripts/lib/kernels.sh, with TOP set.

# guest_test NAME KVER VMARG... -- CMD...: build the modules and tools for
# KVER, boot it with scripts/vm and the VMARGs, run CMD in the guest, and
# print the guest's TAP under "== KVER". Fails when the guest run did.
# Artifacts: build/check/host-NAME-KVER.
guest_test()
{
	local name=$1 kver=$2 out status

	shift 2
	out=$TOP/build/check/host-$name-$kver
	make -C "$TOP" --no-print-directory KVER="$kver" modules tools >/dev/null || return 1
	rm -rf "$out"
	"$TOP/scripts/vm" -k "$kver" -o "$out" "$@" >/dev/null
	status=$?
	echo "== $kver"
	cat "$out/results.tap"
	[[ $status -eq 0 ]] || { echo "FAIL: $kver: scripts/vm exit $status"; return 1; }
}
