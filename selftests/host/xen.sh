#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Xen tests: Xen 4.17.5 under QEMU (q35, emulated VT-d) with a PV
# dom0, one boot per test of selftests/xen/ (testbed.sh on the first
# pinned kernel when XEN_TESTBED=1, agent_migrate.sh on each):
#  - testbed.sh: a PV domU boots and live-migrates to localhost twice
#    with its uptime going on; another drives a passed-through e1000 and
#    reaches dom0; xl migrate refuses while that device is attached;
#  - agent_migrate.sh: migrate-agent's Xen back end live-migrates a PV
#    domU running shadow.ko from a passed-through e1000 onto an rtl8139
#    and back, keeping its interface; a guest that does not answer, a
#    missing destination NIC and a failing migration end where
#    migrate-agent.8 says.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"
. "$TOP/scripts/lib/xen.sh"

# The agent on every kernel, dom0 and domU alike; the test bed itself on
# the first kernel with XEN_TESTBED=1 (make check leaves it out: each
# agent run boots the same domU, passes the e1000 through and migrates,
# and the run fits CI's time that way).
runs=()
[[ ${XEN_TESTBED:-0} == 1 ]] && runs+=("$(kernel_list | awk 'NR == 1 { print $2 }'):testbed")
for abi in $(kernel_list | awk '{ print $2 }'); do
	make -C "$TOP" --no-print-directory KVER="$abi" modules tools >/dev/null || exit 1
	runs+=("$abi:agent_migrate")
done
failed=0
for run in "${runs[@]}"; do
	abi=${run%%:*}
	t=${run#*:}
	out=$TOP/build/check/host-xen-$t-$abi
	rm -rf "$out"
	start=$SECONDS
	"$TOP/scripts/xen-vm" -k "$abi" -t 900 -o "$out" -- \
		bash "/shadow/selftests/xen/$t.sh" >/dev/null
	status=$?
	echo "== $t.sh on $abi ($((SECONDS - start)) s)"
	cat "$out/results.tap"
	[[ -s $out/known-warnings ]] &&
		echo "known guest warning (pcifront, scripts/xen-vm): $(wc -l <"$out/known-warnings")"
	if [[ $status -ne 0 ]]; then
		echo "FAIL: $t.sh on $abi: scripts/xen-vm exit $status (see $out/console.log)"
		failed=1
	fi
done
[[ $failed -eq 0 ]] || exit 1
echo "under Xen $XEN_HV_VERSION: plain live migrations, passthrough, and a migration onto another NIC model"
