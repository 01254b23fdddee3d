#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of selftests/host/swap_unplug.sh: the new NIC is unplugged
# while the swap onto it waits for its link (the host has set its link
# down, and link_wait_ms is long). The driver unregisters the interface
# while the swap still runs on it: the swap must end, say so, and leave no
# state behind, and the guest must survive it. Before the shadow's device
# state had a reference count, the detach freed it under the running swap.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

state() { shadowctl -j dev show dev "$dev" 2>/dev/null | jq -r '.[0].state' 2>/dev/null; }

nic_find rtl8139 e1000
swap_start_on rtl8139 e1000
echo 20000 >/sys/module/shadow/parameters/link_wait_ms || fail "link_wait_ms"
echo READY
sleep 3		# the host sets e1000's link down meanwhile
shadowctl -j swap dev "$dev" to "${nic_addr[e1000]}" >/tmp/swap.json 2>/tmp/swap.err &
swap=$!
replaying() { [[ $(state) == replaying ]]; }
busywait 30000 replaying || fail "the swap did not reach the link wait (state $(state))"
echo REPLAYING
wait "$swap"
rc=$?
cat /tmp/swap.json /tmp/swap.err
check "the swap ends: exit 6 (got $rc)" [ $rc -eq 6 ]
check "  failed, saying the interface went with its new device" \
	jqt '.result == "failed" and (.reason | test("unregistered during the swap"))' /tmp/swap.json
check "the interface is gone with its device" [ ! -e "/sys/class/net/$dev" ]
check "nothing shadowed is left" [ "$(shadowctl -j dev show | jq length)" -eq 0 ]
check "the shadow unloads" modprobe -r shadow
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures mismatches"
echo "SURVIVED an unplug during the link wait"
