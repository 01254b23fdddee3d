#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completions of shadowctl and migrate-agent
# (migrate-agent/completion/), driven as bash drives them (COMP_WORDS,
# COMP_CWORD, COMPREPLY) on this host: objects, commands and keywords in
# their places, interface names after "dev" (the host's own, from
# /sys/class/net), options per subcommand and NIC models.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
failed=0

. "$TOP/migrate-agent/completion/shadowctl" || exit 1
. "$TOP/migrate-agent/completion/migrate-agent" || exit 1

# expect FUNCTION "WANT" WORD...: completing the last WORD gives WANT.
expect()
{
	local fn=$1 want=$2 got

	shift 2
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	"$fn"
	got="${COMPREPLY[*]}"
	if [[ $got == "$want" ]]; then
		echo "ok: ${*@Q} -> [$got]"
	else
		echo "FAIL: ${*@Q} -> [$got], want [$want]"
		failed=1
	fi
}

ifaces=$(cd /sys/class/net && printf '%s ' *)
ifaces=${ifaces% }
expect _shadowctl "swap" shadowctl sw
expect _shadowctl "dev log obj disk monitor swap restart help" shadowctl ""
expect _shadowctl "show attach detach" shadowctl -j dev ""
expect _shadowctl "show" shadowctl disk ""
expect _shadowctl "disk" shadowctl di
expect _shadowctl "dev" shadowctl dev show ""
expect _shadowctl "$ifaces" shadowctl dev show dev ""
expect _shadowctl "lo" shadowctl -p swap dev l
expect _shadowctl "dev to timeout" shadowctl swap dev lo ""
expect _shadowctl "" shadowctl swap dev lo timeout ""
expect _shadowctl "monitor" shadowctl -c 3 mon
expect _shadowctl "--json" shadowctl --j
expect _migrate_agent "migrate" migrate-agent mi
expect _migrate_agent "--to-model --to-mac" migrate-agent -j migrate --to-m
expect _migrate_agent "e1000 e1000e" migrate-agent migrate --to-model e1
expect _migrate_agent "--xenstore" migrate-agent guest --x
expect _migrate_agent "--channel --xen" migrate-agent status ""
[[ $failed -eq 0 ]] || exit 1
echo "the bash completions complete"
