#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In-guest test runner, after the kernel's kselftest/runner.sh: runs each
# test given as an argument ("script [args]") under a timeout and prints
# TAP 13. Test output is prefixed with "# "; exit 4 is a skip, 124 a
# timeout. A test may have its own limit in settings (timeout.SCRIPT=N),
# scaled on a debug kernel.
# Exits non-zero when any test failed.

. /shadow/selftests/lib/lib.sh

TIMEOUT=$(sed -n 's/^timeout=//p' /shadow/selftests/settings)
# A debug kernel (scripts/debug-kernel: KASAN, lockdep) runs a few times
# slower under TCG; its limits scale.
SCALE=1
[[ $(uname -r) == *-debug ]] && SCALE=${DEBUG_TIMEOUT_SCALE:-4}

# prefix: "# " before every line, as it comes (busybox sed cannot -u).
prefix()
{
	local line

	while IFS= read -r line; do
		echo "# $line"
	done
}

main()
{
	local n=0 failed=0 spec rc limit start

	echo "TAP version 13"
	echo "1..$#"
	for spec in "$@"; do
		n=$((n + 1))
		echo "# selftests: $spec"
		# shellcheck disable=SC2086 # spec is "script args" on purpose
		limit=$(sed -n "s/^timeout\.${spec%% *}=//p" /shadow/selftests/settings)
		limit=$((${limit:-$TIMEOUT} * SCALE))
		start=$(now_ms)
		(cd /shadow/selftests && timeout "$limit" bash $spec 2>&1) |
			prefix
		rc=${PIPESTATUS[0]}
		# Where a lane's time goes: scripts/check shows these lines.
		echo "# time: $spec $((($(now_ms) - start) / 1000)) s"
		case $rc in
		0) echo "ok $n $spec" ;;
		"$KSFT_SKIP") echo "ok $n $spec # SKIP" ;;
		124) echo "not ok $n $spec # TIMEOUT ${limit}s"; failed=1 ;;
		*) echo "not ok $n $spec # exit=$rc"; failed=1 ;;
		esac
	done
	return $failed
}

main "$@"
