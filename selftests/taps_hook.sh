#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generated driver->kernel taps hook, see a shadowed driver's calls and
# only those, and unhook completely: load shadow.ko before e1000, check that
# ftrace redirects the tapped functions (enabled_functions), that e1000's
# probe, open and removal go through the taps (debugfs call counts) while a
# veth pair created by the kernel's own code does not, that e1000 still
# passes traffic, and that after rmmod shadow no hook is left and e1000
# works as before.

. /shadow/selftests/lib/lib.sh

TRACING=/sys/kernel/tracing
TAPS=/sys/kernel/debug/shadow/taps

mac=$(nic_field e1000 3)
[[ -n $mac ]] || skip "no e1000 NIC in this guest"
[[ -r $TRACING/enabled_functions ]] || skip "no tracefs"

calls() { awk -v f="$1" '$2 == f { print $5 }' "$TAPS"; }
# The taps, and apart from them the shield's redirect of dev_get_stats
# (shadow/net_shield.c), which is no tap.
hooked() { grep '\[shadow\]' "$TRACING/enabled_functions" | grep -vc '^dev_get_stats '; }
shield_hooked() { grep -q '^dev_get_stats .*\[shadow\]' "$TRACING/enabled_functions"; }
up_and_ping()
{
	local dev

	dev=$(iface_by_mac "$mac") || return 1
	ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up || return 1
	busywait 15000 carrier_up "$dev" || return 1
	busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || return 1
	ip addr flush dev "$dev"
	ip link set "$dev" down
	peer ip neigh flush all
}

modprobe -r e1000 || fail "cannot unload e1000"
modprobe shadow || fail "modprobe shadow failed"
n=$(hooked)
total=$(wc -l <"$TAPS")
log "shadow loaded: $n functions redirected by ftrace, $total taps listed"
(( n > 0 && n == $(grep -c ' hooked ' "$TAPS") )) ||
	fail "enabled_functions shows $n shadow hooks, debugfs $(grep -c ' hooked ' "$TAPS")"
grep ' unhooked ' "$TAPS" | sed 's/^/not traceable here: /'
shield_hooked || fail "dev_get_stats is not redirected (the shield's statistics)"
for f in register_netdev alloc_etherdev_mqs request_threaded_irq free_netdev; do
	grep -q "^net $f hooked " "$TAPS" || fail "$f is not hooked"
done

modprobe e1000 || fail "modprobe e1000 under the shadow failed"
busywait 10000 iface_by_mac "$mac" >/dev/null || fail "e1000 made no interface"
[[ $(calls register_netdev) -ge 1 ]] || fail "e1000's register_netdev not seen"
[[ $(calls alloc_etherdev_mqs) -ge 1 ]] || fail "e1000's alloc_etherdev_mqs not seen"
up_and_ping || fail "e1000 passes no traffic under the shadow"
[[ $(calls request_threaded_irq) -ge 1 ]] || fail "e1000's request_irq on open not seen"
[[ $(calls netif_carrier_on) -ge 1 ]] || fail "e1000's carrier on not seen"

before=$(calls register_netdevice)
modprobe veth && ip link add shadowtest0 type veth peer name shadowtest1 || fail "cannot create veth"
ip link del shadowtest0
[[ $(calls register_netdevice) == "$before" ]] ||
	fail "veth's register_netdevice went through the taps (not a shadowed driver)"

modprobe -r e1000 || fail "cannot unload e1000 under the shadow"
[[ $(calls unregister_netdev) -ge 1 && $(calls free_netdev) -ge 1 ]] ||
	fail "e1000's unregister/free not seen"
awk '$5 > 0 { print "seen: " $2 " x" $5 }' "$TAPS"

modprobe -r shadow || fail "rmmod shadow failed"
(( $(hooked) == 0 )) || fail "$(hooked) ftrace hooks left after rmmod shadow"
shield_hooked && fail "dev_get_stats still redirected after rmmod shadow"
[[ ! -e /sys/kernel/debug/shadow ]] || fail "debugfs directory left behind"
modprobe e1000 || fail "e1000 does not load after the shadow left"
busywait 10000 iface_by_mac "$mac" >/dev/null || fail "e1000 made no interface"
up_and_ping || fail "e1000 passes no traffic after the shadow left"
log "all hooks gone; e1000 works without the shadow"
exit $KSFT_PASS
