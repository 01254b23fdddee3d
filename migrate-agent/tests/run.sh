#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# shadowctl's host tests: the decoder against messages built as the kernel
# sends them (decode_test), genl.c against a fake family (genl_test), swap
# and restart against a fake kernel (swap_test), and the command line
# against this host, where the "shadow" family does not exist. Prints "ok N - name" or
# "not ok N - name" per test and exits non-zero when any failed. No kernel
# module is loaded and none is needed.

set -o pipefail
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# O, BIN and SANITIZE as the Makefile takes them (selftests/host/
# sanitizers.sh: an ASan and UBSan build in a tree of its own).
export O=${O:-$TOP/build/migrate-agent} BIN=${BIN:-$TOP/build/bin}
SHADOWCTL=$BIN/shadowctl
# valgrind cannot run what ASan built
VALGRIND=valgrind NO_VALGRIND="no valgrind"
[[ ${SANITIZE:-0} == 1 ]] && VALGRIND=none NO_VALGRIND="an ASan build"
. "$TOP/scripts/lib/tap.sh"

# expect_rc RC CMD...: CMD exits RC; its stdout and stderr are kept in
# $TMP/out and $TMP/err.
expect_rc()
{
	local want=$1 rc=0
	shift
	"$@" > "$TMP/out" 2> "$TMP/err" || rc=$?
	echo "\$ $*  (exit $rc, want $want)"
	sed 's/^/stdout: /' "$TMP/out"
	sed 's/^/stderr: /' "$TMP/err"
	[[ $rc == "$want" ]]
}

t_build()
{
	make -s -C "$TOP/migrate-agent" test
}

t_help()
{
	expect_rc 0 "$SHADOWCTL" -h
	grep -q '^Usage: shadowctl' "$TMP/out"
	expect_rc 0 "$SHADOWCTL" --help
	expect_rc 0 "$SHADOWCTL" help
	grep -q 'log show dev IFNAME' "$TMP/out"
	grep -q 'swap dev IFNAME \[to PCI_ADDR|DRIVER\] \[timeout MS\]' "$TMP/out"
	grep -q 'restart dev IFNAME \[timeout MS\]' "$TMP/out"
}

t_version()
{
	expect_rc 0 "$SHADOWCTL" --version
	grep -Eq '^shadowctl [^ ]+$' "$TMP/out"
	expect_rc 0 "$SHADOWCTL" -V
}

t_unknown_command()
{
	expect_rc 1 "$SHADOWCTL" frobnicate
	grep -q 'unknown object "frobnicate"' "$TMP/err"
	grep -q '^Usage: shadowctl' "$TMP/err"
	[[ ! -s $TMP/out ]]
}

t_usage_errors()
{
	expect_rc 1 "$SHADOWCTL"
	expect_rc 1 "$SHADOWCTL" dev frob
	grep -q '^Usage: shadowctl' "$TMP/err"
	expect_rc 1 "$SHADOWCTL" log show
	grep -q 'missing "dev IFNAME"' "$TMP/err"
	expect_rc 1 "$SHADOWCTL" dev attach
	expect_rc 1 "$SHADOWCTL" dev show dev
	grep -q '"dev" needs an IFNAME' "$TMP/err"
	expect_rc 1 "$SHADOWCTL" dev show dev eth0 extra
	expect_rc 1 "$SHADOWCTL" dev show dev 0123456789abcdefXYZ
	expect_rc 1 "$SHADOWCTL" monitor now
	expect_rc 1 "$SHADOWCTL" -c 0 monitor
	expect_rc 1 "$SHADOWCTL" --no-such-option dev show
	expect_rc 1 "$SHADOWCTL" ""
}

t_swap_usage_errors()
{
	expect_rc 1 "$SHADOWCTL" swap
	grep -q 'missing "dev IFNAME"' "$TMP/err"
	grep -q '^Usage: shadowctl' "$TMP/err"
	expect_rc 1 "$SHADOWCTL" swap timeout 100
	grep -q 'missing "dev IFNAME"' "$TMP/err"
	expect_rc 1 "$SHADOWCTL" restart
	expect_rc 1 "$SHADOWCTL" swap dev
	grep -q '"dev" needs an IFNAME' "$TMP/err"
	local ms
	for ms in 0 -1 abc 12x 1.5 " 7" 4294967296; do
		expect_rc 1 "$SHADOWCTL" swap dev lo timeout "$ms"
		grep -qF "bad timeout MS (whole milliseconds, 1 or more): \"$ms\"" "$TMP/err"
	done
	expect_rc 1 "$SHADOWCTL" swap dev lo timeout
	grep -q '"timeout" needs MS' "$TMP/err"
	expect_rc 1 "$SHADOWCTL" restart dev lo timeout 0
	expect_rc 1 "$SHADOWCTL" restart dev lo to X
	grep -q 'restart binds the interface.s own device again; it takes no "to"' "$TMP/err"
	expect_rc 1 "$SHADOWCTL" swap dev lo to 'X!'
	grep -q 'neither a PCI address (\[DOMAIN:\]BUS:DEV.FN) nor a driver name: "X!"' "$TMP/err"
	# A driver name goes to the kernel, which this host does not have.
	expect_rc 3 "$SHADOWCTL" swap dev lo to 8139cp
	expect_rc 1 "$SHADOWCTL" swap dev lo to 0000:00:05.8
	expect_rc 1 "$SHADOWCTL" swap dev lo to
	grep -q '"to" needs a PCI_ADDR or DRIVER' "$TMP/err"
	expect_rc 1 "$SHADOWCTL" swap dev lo to 0000:00:05.0 to 0000:00:06.0
	grep -q 'given twice: "to"' "$TMP/err"
	expect_rc 1 "$SHADOWCTL" swap dev lo eth1
	grep -q 'unexpected argument "eth1"' "$TMP/err"
	[[ ! -s $TMP/out ]]
}

t_no_family()
{
	expect_rc 3 "$SHADOWCTL" dev show
	grep -qx 'shadowctl: shadow.ko is not loaded (no generic netlink family "shadow")' "$TMP/err"
	[[ ! -s $TMP/out ]]
	local cmd
	for cmd in "dev show eth0" "dev attach dev eth0" "dev detach dev eth0" \
		"log show dev eth0" "obj show" "monitor" "swap dev lo" \
		"swap lo to 00:05.0" "swap timeout 5000 dev lo to 0000:00:05.0" \
		"restart dev lo" "restart dev lo timeout 100"; do
		# shellcheck disable=SC2086
		expect_rc 3 "$SHADOWCTL" $cmd
	done
}

t_no_family_json()
{
	expect_rc 3 "$SHADOWCTL" -j dev show
	python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
assert e["errno"] == 2, e
assert "shadow.ko is not loaded" in e["error"], e
' "$TMP/out"
	grep -q 'shadow.ko is not loaded' "$TMP/err"
}

t_prefixes()
{
	# unique prefixes reach the kernel part, which fails with 3 here
	expect_rc 3 "$SHADOWCTL" d s
	expect_rc 3 "$SHADOWCTL" dev
	expect_rc 3 "$SHADOWCTL" l sh eth0
	expect_rc 3 "$SHADOWCTL" o
	expect_rc 3 "$SHADOWCTL" mon
	expect_rc 3 "$SHADOWCTL" dev att eth0
	expect_rc 3 "$SHADOWCTL" s dev lo
	expect_rc 3 "$SHADOWCTL" r lo
	expect_rc 0 "$SHADOWCTL" h
	expect_rc 0 "$SHADOWCTL" dev help
}

t_valgrind_cli()
{
	local vg=(valgrind -q --error-exitcode=99 --leak-check=full)
	expect_rc 3 "${vg[@]}" "$SHADOWCTL" -j dev show eth0
	expect_rc 3 "${vg[@]}" "$SHADOWCTL" log show dev eth0
	expect_rc 3 "${vg[@]}" "$SHADOWCTL" -j swap dev lo to 00:05.0
	expect_rc 1 "${vg[@]}" "$SHADOWCTL" restart dev lo to 00:05.0
	expect_rc 1 "${vg[@]}" "$SHADOWCTL" dev frob
	expect_rc 0 "${vg[@]}" "$SHADOWCTL" help
}

run "build shadowctl and decode_test" t_build
[[ -x $SHADOWCTL ]] || { echo "Bail out! no build"; exit 1; }

# the unit tests' own lines, numbered here
for t in decode_test genl_test swap_test; do
	"$O/$t" > "$TMP/unit" 2>&1
	unit_rc=$?
	before=$FAILED
	while IFS= read -r line; do
		case $line in
		"ok - "*) report 0 "${t%_test}: ${line#ok - }" ;;
		"not ok - "*) report 1 "${t%_test}: ${line#not ok - }" ;;
		*) echo "$line" >> "$TMP/log" ;;
		esac
	done < "$TMP/unit"
	[[ $unit_rc == 0 || $FAILED -gt $before ]] ||
		report 1 "$t exit status $unit_rc"
done

for t in decode_test genl_test swap_test; do
	if command -v "$VALGRIND" > /dev/null; then
		run "$t under valgrind" valgrind -q --error-exitcode=99 \
			--leak-check=full "$O/$t"
	else
		echo "ok $((N += 1)) - $t under valgrind # SKIP $NO_VALGRIND"
	fi
done

run "shadowctl -h, --help and help exit 0" t_help
run "shadowctl --version prints a version" t_version
run "an unknown command exits 1 with usage" t_unknown_command
run "usage errors exit 1" t_usage_errors
run "swap and restart usage errors exit 1" t_swap_usage_errors
if [[ -d /sys/module/shadow ]]; then
	for t in "no family: exit 3" "no family: JSON error" "prefixes"; do
		echo "ok $((N += 1)) - $t # SKIP shadow.ko is loaded here"
	done
else
	run "no shadow family: exit 3, plain message" t_no_family
	run "no shadow family under -j: JSON error object" t_no_family_json
	run "unique prefixes of objects and verbs" t_prefixes
fi
if command -v "$VALGRIND" > /dev/null; then
	run "shadowctl under valgrind" t_valgrind_cli
fi

echo "1..$N"
[[ $FAILED == 0 ]]
