#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_requests.sh: requests that must be refused, and what each caller may
# see, with e1000 under the shadow and rtl8139 unbound.
#  - A second swap asked while the first waits parked for its device (a
#    migration agent retrying does this) is refused with EBUSY; the first
#    then takes the next device probed and ends swapped. Before the fix the
#    second request rewrote the running swap and re-queued its work, which
#    the first run then freed.
#  - Loading a driver module by name needs CAP_SYS_MODULE besides
#    CAP_NET_ADMIN (the kernel's own rule since CVE-2011-1019): a caller
#    without it is refused and no module is loaded.
#  - The device list is per network namespace: another namespace does not
#    see this one's interface; the log and object dumps need admin rights
#    (an unprivileged user gets EPERM) and show only the caller's namespace.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

nic_find e1000 rtl8139
trap 'swap_cleanup e1000 rtl8139; modprobe -r dummy 2>/dev/null' EXIT
swap_start_on e1000 rtl8139
ifindex=$(cat "/sys/class/net/$dev/ifindex")

log "== a second request while the first waits parked"
shadowctl -j swap dev "$dev" timeout 60000 >/tmp/first.json 2>/tmp/first.err &
first=$!
busywait 20000 parked || fail "$dev did not park (state $(state))"
out=$(shadowctl -j dev show dev "$dev")
check "dev show names the swap that waits ($out)" jqt '.[0].state == "parked" and (.[0].swap | type) == "number"' <<<"$out"
seq=$(jq '.[0].swap' <<<"$out")
out=$(shadowctl swap dev "$dev" to "${nic_addr[rtl8139]}" timeout 5000 2>&1)
rc=$?
log "  $out"
check "refused: exit 2 (got $rc)" [ $rc -eq 2 ]
check "  the refusal says a swap is running" grep -q 'a swap of this interface is running' <<<"$out"
out=$(shadowctl restart dev "$dev" 2>&1)
check "a restart meanwhile is refused too ($out)" [ $? -eq 2 ]
check "  still parked" parked
nic_bind rtl8139 || fail "bind rtl8139"
wait "$first"
rc=$?
cat /tmp/first.json /tmp/first.err
check "the first swap: exit 0 (got $rc)" [ $rc -eq 0 ]
check "  onto 8139cp, as the device it waited for" \
	jqt '.result == "swapped" and .to.driver == "8139cp"' /tmp/first.json
check "  it was the swap dev show named ($seq)" jqt --argjson s "${seq:-0}" '.seq == $s' /tmp/first.json
out=$(shadowctl -j dev show dev "$dev")
check "  dev show names no swap now ($out)" jqt '.[0].state == "passive" and .[0].swap == null' <<<"$out"
check "  same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  passes traffic" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
out=$(shadowctl -j swap dev "$dev" to "${nic_addr[e1000]}")
check "and back onto e1000 ($out)" jqt '.result == "swapped" and .to.driver == "e1000"' <<<"$out"

log "== loading a module by name needs CAP_SYS_MODULE"
modprobe -r dummy 2>/dev/null
nosysmod=(setpriv --bounding-set=-sys_module --inh-caps=-sys_module --)
out=$("${nosysmod[@]}" shadowctl swap dev "$dev" to dummy 2>&1)
rc=$?
log "  $out"
check "without CAP_SYS_MODULE: exit 2 (got $rc)" [ $rc -eq 2 ]
check "  the refusal names CAP_SYS_MODULE" grep -q CAP_SYS_MODULE <<<"$out"
check "  the module was not loaded" [ ! -e /sys/module/dummy ]
check "  still on e1000, passive" \
	jqt '.[0].state == "passive" and .[0].driver == "e1000"' <<<"$(shadowctl -j dev show dev "$dev")"
out=$(shadowctl -j swap dev "$dev" to dummy)
rc=$?
log "  $out"
check "with it: the module is loaded (exit $rc), not a PCI driver: rolled back" \
	[ -e /sys/module/dummy ] && jqt '.result == "rolled-back" and (.reason | test("no PCI driver dummy"))' <<<"$out"

log "== what each namespace and user sees"
ip netns add other || fail "ip netns add other"
trap 'ip netns del other; swap_cleanup e1000 rtl8139; modprobe -r dummy 2>/dev/null' EXIT
check "this namespace lists $dev" \
	jqt --arg d "$dev" 'any(.[]; .ifname == $d)' <<<"$(shadowctl -j dev show)"
out=$(ip netns exec other shadowctl -j dev show)
check "another namespace lists none of this one's interfaces ($out)" \
	jqt --argjson i "$ifindex" --arg d "$dev" 'all(.[]; .ifname != $d and .ifindex != $i)' <<<"$out"
out=$(ip netns exec other shadowctl -j obj show)
check "  and none of their objects ($(jq length <<<"$out" 2>/dev/null) shown)" \
	jqt --arg a "${nic_addr[e1000]}" 'all(.[]; .bus_addr != $a)' <<<"$out"
check "this namespace sees the e1000's objects" \
	jqt --arg a "${nic_addr[e1000]}" 'any(.[]; .bus_addr == $a)' <<<"$(shadowctl -j obj show)"
out=$(su -s /bin/bash nobody -c "/shadow/bin/shadowctl log show dev $dev" 2>&1)
rc=$?
check "unprivileged log dump refused: exit 2 (got $rc; $out)" [ $rc -eq 2 ]
out=$(su -s /bin/bash nobody -c "/shadow/bin/shadowctl obj show" 2>&1)
rc=$?
check "unprivileged object dump refused: exit 2 (got $rc; $out)" [ $rc -eq 2 ]
out=$(su -s /bin/bash nobody -c "/shadow/bin/shadowctl -j dev show dev $dev" 2>&1)
check "the device list stays open to anyone ($out)" jqt '.[0].state == "passive"' <<<"$out"

check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
