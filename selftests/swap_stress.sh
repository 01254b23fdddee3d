#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_stress.sh [SWAPS]: SWAPS swaps (default 10) back to back between
# e1000 and rtl8139 (8139cp) while other processes, each owning one
# setting, keep changing the interface: its MTU (1280..1500, what both
# drivers take), promiscuous mode, multicast groups, VLAN devices, and
# e1000's ring and coalescing (refused where a driver has none or while
# parked: the refusal is fine, a hang is not); and others keep reading
# statistics and dumping the shadow's device list, log and objects. Each
# writer notes the last value the kernel accepted. Afterwards every swap
# has ended swapped, nothing is left running, and every accepted setting
# is in effect on the final driver: the MTU, PROMISC, the groups and the
# VLAN devices; the interface kept its ifindex and reaches the peer, and
# the tracker ends as it began. Lockdep and kmemleak judge the rest on the
# debug lane.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

swaps=${1:-10}
[[ $swaps =~ ^[1-9][0-9]*$ ]] || fail "SWAPS: a whole number, 1 or more: \"$swaps\""
W=/tmp/stress

nic_find e1000 rtl8139
stop_workers() { touch "$W/stop"; wait "${workers[@]}" 2>/dev/null; }
# what the writers leave, undone for the next test
undo()
{
	local v g

	stop_workers
	for v in $(seq 2 9); do
		ip link del "v$v" 2>/dev/null
	done
	for g in $(cat "$W/groups" 2>/dev/null); do
		ip maddr del "$g" dev "$dev" 2>/dev/null
	done
	ip link set "$dev" mtu 1500 promisc off 2>/dev/null
	swap_cleanup e1000 rtl8139
}
trap undo EXIT
swap_start_on e1000 rtl8139
ifindex=$(cat "/sys/class/net/$dev/ifindex")
objs0=$(shadowctl -j obj show | jq length)
rm -rf "$W" && mkdir -p "$W"
workers=()

# Each writer: NAME, then a loop that ends when $W/stop appears.
mtu_writer()
{
	local m
	while [[ ! -e $W/stop ]]; do
		m=$((1280 + RANDOM % 221))
		ip link set "$dev" mtu "$m" 2>/dev/null && echo "$m" > "$W/mtu"
		sleep 0.$((RANDOM % 5))
	done
}
promisc_writer()
{
	local p
	while [[ ! -e $W/stop ]]; do
		p=$([[ $((RANDOM % 2)) == 1 ]] && echo on || echo off)
		ip link set "$dev" promisc "$p" 2>/dev/null && echo "$p" > "$W/promisc"
		sleep 0.$((RANDOM % 5))
	done
}
mcast_writer()
{
	local g
	while [[ ! -e $W/stop ]]; do
		g=01:00:5e:00:00:$((10 + RANDOM % 6))
		if grep -qx "$g" "$W/groups" 2>/dev/null; then
			ip maddr del "$g" dev "$dev" 2>/dev/null &&
				{ grep -vx "$g" "$W/groups" > "$W/groups.new"; mv "$W/groups.new" "$W/groups"; }
		else
			ip maddr add "$g" dev "$dev" 2>/dev/null && echo "$g" >> "$W/groups"
		fi
		sleep 0.$((RANDOM % 5))
	done
}
vlan_writer()
{
	local v
	while [[ ! -e $W/stop ]]; do
		v=$((2 + RANDOM % 8))
		if [[ -e /sys/class/net/v$v ]]; then
			ip link del "v$v" 2>/dev/null
		else
			ip link add link "$dev" name "v$v" type vlan id "$v" 2>/dev/null &&
				ip link set "v$v" up
		fi
		sleep 0.$((RANDOM % 5))
	done
}
ethtool_writer()
{
	while [[ ! -e $W/stop ]]; do
		ethtool -G "$dev" rx $((128 + 64 * (RANDOM % 4))) 2>/dev/null
		ethtool -C "$dev" rx-usecs $((RANDOM % 100)) 2>/dev/null
		sleep 0.$((RANDOM % 5))
	done
}
reader()
{
	while [[ ! -e $W/stop ]]; do
		ip -s link show "$dev" > /dev/null 2>&1
		ethtool -S "$dev" > /dev/null 2>&1
		ethtool -g "$dev" > /dev/null 2>&1
		shadowctl -j dev show > /dev/null 2>&1
		shadowctl -j log show dev "$dev" > /dev/null 2>&1
		shadowctl -j obj show > /dev/null 2>&1
		cat "/sys/class/net/$dev/statistics/rx_bytes" > /dev/null 2>&1
	done
}

for w in mtu_writer promisc_writer mcast_writer vlan_writer ethtool_writer reader reader; do
	$w &
	workers+=($!)
done
log "== $swaps swaps under ${#workers[@]} writers and readers"
ok=0
for i in $(seq "$swaps"); do
	to=$([[ $((i % 2)) == 1 ]] && echo rtl8139 || echo e1000)
	out=$(timeout 120 shadowctl -j swap dev "$dev" to "${nic_addr[$to]}" 2>&1)
	rc=$?
	if [[ $rc == 0 ]] && jqt '.result == "swapped"' <<<"$out"; then
		ok=$((ok + 1))
	else
		log "  swap $i onto $to: exit $rc: $out"
	fi
done
stop_workers
check "every swap ended swapped ($ok of $swaps)" [ "$ok" -eq "$swaps" ]
check "$dev is passive" jqt '.[0].state == "passive"' <<<"$(shadowctl -j dev show dev "$dev")"
check "  kept ifindex $ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]

log "== what was accepted is in effect on $(ethtool -i "$dev" | awk '/^driver/ { print $2 }')"
want=$(cat "$W/mtu" 2>/dev/null)
check "MTU ${want:-unchanged}" [ -z "$want" -o "$(cat "/sys/class/net/$dev/mtu")" == "${want:-x}" ]
want=$(cat "$W/promisc" 2>/dev/null)
flags=$(( $(cat "/sys/class/net/$dev/flags") ))
got=$([[ $((flags & 0x100)) != 0 ]] && echo on || echo off)
check "promisc ${want:-unchanged} (flags $(printf 0x%x $flags))" [ -z "$want" -o "$got" == "$want" ]
for g in $(cat "$W/groups" 2>/dev/null); do
	check "group $g joined" grep -q "$g" <(ip maddr show dev "$dev")
done
for v in $(seq 2 9); do
	[[ -e /sys/class/net/v$v ]] || continue
	check "v$v on $dev, up" grep -q "v$v@$dev.*UP" <(ip -br link show "v$v")
done
check "reaches the peer" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
check "tracker as it began ($(shadowctl -j obj show | jq length) objects, $objs0 before)" \
	[ "$(shadowctl -j obj show | jq length)" == "$objs0" ]
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
