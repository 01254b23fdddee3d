#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM runner must fail a run in which the guest kernel warns, even when
# the guest command itself would have succeeded: boot the default kernel
# with one NIC, load a module that WARNs on demand, and expect scripts/vm to
# exit 2 and name the warning. Also checks the converse on the same module
# loaded without the trigger, so the test cannot pass by always failing.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/check/host-warn

make -C "$TOP" --no-print-directory modules >/dev/null || exit 1

"$TOP/scripts/vm" -n e1000 -t 300 -o "$OUT/quiet" -- \
	bash -c 'modprobe shadow_selftest_warn && rmmod shadow_selftest_warn && echo loaded-quietly'
rc=$?
[[ $rc -eq 0 ]] || { echo "FAIL: quiet load made scripts/vm exit $rc"; exit 1; }

"$TOP/scripts/vm" -n e1000 -t 300 -o "$OUT/warn" -- \
	bash -c 'modprobe shadow_selftest_warn trigger=1; echo survived the warning'
rc=$?
[[ $rc -eq 2 ]] || { echo "FAIL: a WARN made scripts/vm exit $rc, expected 2"; exit 1; }
grep -q 'deliberate warning asked for by a selftest' "$OUT/warn/console.log" ||
	{ echo "FAIL: the warning is not in the guest console log"; exit 1; }
grep -q 'survived the warning' "$OUT/warn/results.tap" &&
	{ echo "FAIL: the guest went on after the WARN (panic_on_warn ignored)"; exit 1; }
echo "a WARN ends the guest and fails the run (exit $rc)"
