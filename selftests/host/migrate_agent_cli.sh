#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# migrate-agent's command line without a guest: help and version, usage
# errors (exit 1), and a refusal (exit 2, with the JSON outcome) when the
# source QMP socket is not there, before anything is touched.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
AGENT=$TOP/build/bin/migrate-agent
failures=0

make -C "$TOP" --no-print-directory tools >/dev/null || exit 1
# expect STATUS DESCRIPTION ARGS...: run the agent, compare its exit status.
expect()
{
	local want=$1 what=$2 rc
	shift 2

	"$AGENT" "$@" >/tmp/ma-cli.out 2>/tmp/ma-cli.err
	rc=$?
	if [[ $rc -eq $want ]]; then
		echo "ok: $what (exit $rc)"
	else
		echo "FAIL: $what: exit $rc, not $want"
		cat /tmp/ma-cli.out /tmp/ma-cli.err
		failures=$((failures + 1))
	fi
}

expect 0 "-h" -h
grep -q '^usage: migrate-agent' /tmp/ma-cli.out || { echo "FAIL: no usage text"; failures=$((failures + 1)); }
expect 0 "--version" --version
expect 1 "no command"
expect 1 "an unknown command" frobnicate
expect 1 "an unknown option" --frobnicate migrate
expect 1 "migrate without its sockets" migrate
expect 1 "a timeout that is no number" migrate --park-timeout soon a b
expect 1 "status without --channel" status
expect 1 "migrate --xen without --to-nic" migrate --xen dom localhost
expect 1 "arrive without --xen" arrive --to-nic 0000:00:06.0 dom
expect 1 "arrive without --to-nic" arrive --xen dom
expect 2 "arrive outside dom0" arrive --xen --to-nic 0000:00:06.0 dom
expect 1 "migrate --xen with QEMU's options" migrate --xen --to-nic 0000:00:06.0 \
	--to-model e1000 dom localhost
expect 1 "status --xen without DOMAIN" status --xen
# This host is no dom0: libxl cannot open, and the agent refuses, untouched.
expect 2 "migrate --xen outside dom0" -j migrate --xen --to-nic 0000:00:06.0 dom localhost
jq -e 'select(.event == "end") | .result == "refused" and .state == "untouched" and (.reason | test("toolstack"))' \
	/tmp/ma-cli.out >/dev/null && echo "ok:   refused, untouched, saying why" ||
	{ echo "FAIL: no refusal in the JSON outcome"; cat /tmp/ma-cli.out; failures=$((failures + 1)); }
expect 6 "guest --xenstore outside a Xen guest" guest --xenstore
expect 2 "a source that is not there" -j migrate --channel /nonexistent/a \
	--to-channel /nonexistent/b --uri unix:/nonexistent/m --to-model e1000 \
	/nonexistent/src.qmp /nonexistent/dst.qmp
jq -e 'select(.event == "end") | .result == "refused" and .state == "untouched" and (.reason | test("connect"))' \
	/tmp/ma-cli.out >/dev/null && echo "ok:   refused, untouched, saying why" ||
	{ echo "FAIL: no refusal in the JSON outcome"; cat /tmp/ma-cli.out; failures=$((failures + 1)); }
rm -f /tmp/ma-cli.out /tmp/ma-cli.err
[[ $failures -eq 0 ]] || exit 1
echo "migrate-agent's command line behaves"
