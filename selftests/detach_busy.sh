#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# detach_busy.sh: the driver unbinds while an MTU change sleeps inside the
# shadow's wrapper under RTNL (debugfs hold_change_mtu_ms stands in for
# e1000's own reset). The shadow must stop shadowing the interface only
# once that call has left, not free the state it is still using. Before
# the fix the unregister hook detached without RTNL and the wrapper then
# logged into the driver's read-only table.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

nic_find e1000
trap 'swap_cleanup e1000' EXIT
swap_start_on e1000
echo 3000 >/sys/kernel/debug/shadow/hold_change_mtu_ms || fail "no hold_change_mtu_ms knob"
ip link set dev "$dev" mtu 2000 &
mtu=$!
sleep 1
nic_unbind e1000 || fail "unbind e1000"
wait "$mtu"
check "the MTU change returned (exit $?)" true
check "the interface went with its driver" [ ! -e "/sys/class/net/$dev" ]
check "nothing shadowed is left" \
	[ "$(shadowctl -j dev show | jq length)" -eq 0 ]
nic_bind e1000 || fail "bind e1000 again"
check "e1000 comes back shadowed" \
	busywait 10000 bash -c "shadowctl -j dev show | jq -e 'length == 1' >/dev/null"
check "the shadow unloads" modprobe -r shadow
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
