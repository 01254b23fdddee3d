# SPDX-License-Identifier: GPL-2.0
#
# Host unit-test runners (wrapgen/tests, migrate-agent/tests): one TAP line
# per test, the failing test's output after it. Source it, then call
# "run NAME FUNCTION [ARGS]" per test and print "1..$N" at the end; TMP is the
# runner's scratch directory, removed at exit.

N=0
FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

report()
{
	local rc=$1 name=$2
	N=$((N + 1))
	if [[ $rc == 0 ]]; then
		echo "ok $N - $name"
	else
		echo "not ok $N - $name"
		FAILED=$((FAILED + 1))
		[[ -s $TMP/log ]] && sed 's/^/# /' "$TMP/log"
	fi
	: > "$TMP/log"
}

# run NAME FUNCTION [ARGS]: one test, its output kept for a failure report.
run()
{
	local name=$1
	shift
	( set -e; "$@" ) > "$TMP/log" 2>&1
	report $? "$name"
}
