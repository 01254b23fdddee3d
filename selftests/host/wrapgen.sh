#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# wrapgen: build it, run its tests (wrapgen/tests/run.sh: prototypes from
# the real headers, a changed header, a second class, spec errors,
# determinism, the audit, the taps building with W=1), and check that the
# committed taps (taps/gen/) match a fresh run for every pinned kernel,
# which leaves no scratch directory behind, and that taps/blk.spec
# classifies every import of the disk drivers (scripts/disks.conf) on
# every pinned kernel: a new kernel's new import fails here.
# Exit 0 pass, 1 fail, 4 skip (no libclang or no kernel headers).

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"

[[ -f /usr/lib/llvm-14/include/clang-c/Index.h ]] ||
	{ echo "SKIP: no libclang-14-dev"; exit 4; }
while read -r name abi _; do
	[[ -f $(kernel_kdir "$abi")/Makefile ]] ||
		{ echo "SKIP: no headers for $name (scripts/setup)"; exit 4; }
done < <(kernel_list)

make -s -C "$TOP/wrapgen" || { echo "FAIL: wrapgen does not build"; exit 1; }
"$TOP/wrapgen/tests/run.sh" || { echo "FAIL: wrapgen/tests/run.sh"; exit 1; }
# Its scratch directory goes with it (TMPDIR: a directory of this test's).
scratch=$(mktemp -d)
TMPDIR=$scratch "$TOP/scripts/regen-taps" --check ||
	{ echo "FAIL: taps/gen differs from a fresh scripts/regen-taps"; rm -rf "$scratch"; exit 1; }
left=$(ls -A "$scratch")
rm -rf "$scratch"
[[ -z $left ]] || { echo "FAIL: scripts/regen-taps --check left $left behind"; exit 1; }
"$TOP/scripts/audit-taps" -c blk --strict ||
	{ echo "FAIL: scripts/audit-taps -c blk --strict"; exit 1; }
echo "wrapgen: tests pass, taps/gen up to date, disk drivers' imports all classified"
