#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# passive_datapath.sh MODEL: passive mode leaves the data path alone. With
# MODEL's driver probed under the shadow and its interface shadowed, TCP at
# full speed to the peer and back (iperf3) must not run a single call
# through the shadow's wrappers: the count of calls through them all
# (debugfs "calls", tables and driver->kernel taps alike) stays still while
# tens of thousands of packets pass.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

MODEL=${1:?usage: passive_datapath.sh MODEL}
CALLS=/sys/kernel/debug/shadow/calls

nic_find "$MODEL"
trap 'swap_cleanup "$MODEL"' EXIT
calls() { awk '$1 == "net" { print $2 }' "$CALLS"; }
packets()
{
	local s=/sys/class/net/$dev/statistics

	echo $(($(<"$s/rx_packets") + $(<"$s/tx_packets")))
}

swap_start_on "$MODEL"
shadowed() { shadowctl -j dev show dev "$dev" | jq -e '.[0].state == "passive"' >/dev/null; }
check "$dev is shadowed" shadowed
# Let the control path settle first: IPv6 joins its multicast groups once
# duplicate address detection is done (ndo_set_rx_mode, not a packet).
settled() { ! ip -6 addr show dev "$dev" | grep -q tentative; }
busywait 10000 settled || fail "IPv6 addresses of $dev still tentative"
sleep 1
before=$(calls)
cp "$CALLS" /tmp/calls.before
p0=$(packets)
iperf3 -c "$PEER_IP" -t 2 >/dev/null && iperf3 -c "$PEER_IP" -t 2 -R >/dev/null ||
	fail "iperf3 to the peer failed"
moved=$(($(packets) - p0))
after=$(calls)
log "$MODEL: $moved packets, $((after - before)) calls through the shadow ($before -> $after)"
check "tens of thousands of packets passed ($moved)" [ "$moved" -gt 10000 ]
check "no call went through the shadow meanwhile" [ "$after" -eq "$before" ]
[[ $after -eq $before ]] || diff /tmp/calls.before "$CALLS"
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
