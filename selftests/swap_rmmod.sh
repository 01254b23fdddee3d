#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_rmmod.sh: module unloads during a swap from e1000 to rtl8139
# (8139cp), each ending in a documented state:
#  - parked (the swap waits for the next device probed): the old driver
#    (e1000) and the new one (8139cp, its device unbound) hold no device,
#    so both unload, and the interface stays parked; the shadow's unload
#    is refused ("in use": a running swap pins it);
#  - 8139cp loaded again: the swap takes the device it probes and ends
#    swapped, same ifindex, traffic to the peer; e1000 stays unloaded;
#  - swapped back onto e1000 by its name (the shadow loads the module),
#    the shadow unloads and the interface stays on e1000, as the next test
#    expects the NICs.
# Not covered: an unload while the new driver probes (no knob holds a
# swap in binding; hold_register_ms holds only registrations the shadow
# does not absorb).

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

nic_find e1000 rtl8139
trap 'swap_cleanup e1000 rtl8139' EXIT
swap_start_on e1000 rtl8139
ifindex=$(cat "/sys/class/net/$dev/ifindex")

log "== parked"
shadowctl -j swap dev "$dev" timeout 120000 >/tmp/rmmod.json 2>/tmp/rmmod.err &
swap=$!
busywait 20000 parked || fail "$dev did not park (state $(state))"
# Neither driver holds a device now: both may go, and the swap waits on.
for m in e1000 8139cp; do
	out=$(modprobe -r "$m" 2>&1)
	check "parked: rmmod $m, which holds no device now (exit $?: $out)" [ ! -d "/sys/module/$m" ]
done
out=$(modprobe -r shadow 2>&1)
rc=$?
check "parked: rmmod shadow refused (exit $rc: $out)" [ $rc -ne 0 ]
check "parked:   shadow still loaded" [ -d /sys/module/shadow ]
check "parked: still parked" parked

log "== the new driver loaded again"
modprobe 8139cp || fail "modprobe 8139cp"
wait "$swap"
rc=$?
cat /tmp/rmmod.json /tmp/rmmod.err
check "the swap: exit 0 (got $rc)" [ $rc -eq 0 ]
check "  took the device 8139cp probed" jqt '.result == "swapped" and .to.driver == "8139cp"' /tmp/rmmod.json
check "  same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  passes traffic" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
check "e1000 stayed unloaded" [ ! -d /sys/module/e1000 ]

log "== back onto e1000, by its name (the shadow loads it)"
out=$(shadowctl -j swap dev "$dev" to e1000)
check "swapped onto e1000 (exit $?: $out)" jqt '.result == "swapped" and .to.driver == "e1000"' <<<"$out"
check "  e1000 loaded again" [ -d /sys/module/e1000 ]
check "  same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]

log "== after the swaps"
modprobe -r shadow
check "the shadow unloads (exit $?)" [ ! -d /sys/module/shadow ]
check "$dev is still there, on e1000" grep -q '^driver: e1000$' <(ethtool -i "$dev")
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
