#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-replay.sh SIZE...: guest half of scripts/bench-replay. For each
# log size N, the interface (on e1000, a bridge port of a VLAN-filtering
# bridge) is given N VLAN ids in one `bridge vlan add`, which the kernel
# passes to the driver's VLAN filter one by one and the shadow logs; then
# it is swapped to e1000e and back, each replay putting the N ids (and the
# interface's 1000 multicast addresses) into the new driver's filters.
# Per size: the time to add the ids without the shadow (detached, twice:
# the noise floor) and with it, the log's length, the slab memory it
# takes, the time to dump it with shadowctl, and each swap's replay and
# shadow's own share. Prints figures; asserts nothing but that the swaps
# succeed and the ids are there after each.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

MCAST=1000
nic_find e1000 e1000e
swap_start_on e1000 e1000e

# slab_kb: the kernel's slab memory, for the log's share.
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
log_len() { shadowctl -j dev show dev "$dev" | jq '.[0].log_len'; }

ip link add br0 type bridge vlan_filtering 1 vlan_default_pvid 0 || fail "bridge"
ip link set "$dev" master br0 || fail "bridge port"
ip link set br0 up
# The multicast addresses the replay programs with every swap.
for ((i = 0; i < MCAST; i++)); do
	printf 'maddr add 01:00:5e:%02x:%02x:%02x dev %s\n' \
		$((i >> 16 & 0x7f)) $((i >> 8 & 255)) $((i & 255)) "$dev"
done >/tmp/maddr.batch
ip -batch /tmp/maddr.batch || fail "multicast addresses"
base=$(log_len)
echo "# $dev on e1000, bridge port; $MCAST multicast addresses; log of $base entries before the ids"

# add N: add the ids 1..N, set $add_ms and $slab_kb (what the slab grew).
add()
{
	local s0 t0

	s0=$(slab_kb)
	t0=$(now_ms)
	bridge vlan add dev "$dev" vid "1-$1" || fail "vlan add $1"
	add_ms=$(($(now_ms) - t0))
	slab_kb=$(($(slab_kb) - s0))
}
del() { bridge vlan del dev "$dev" vid "1-$1" || fail "vlan del $1"; }

printf '%5s | %7s %7s %7s %6s %6s | %7s %7s %7s %7s | %8s %6s %7s | %8s %6s %7s\n' \
	ids add-0 add-0b add-sh ratio floor log-len log-kb kb-floor dump-ms \
	e1000e-rp own drivers e1000-rp own drivers
for n in "$@"; do
	# Without the shadow (detached) twice, for the noise floor, then with.
	shadowctl dev detach dev "$dev" >/dev/null || fail "detach"
	add "$n"; plain=$add_ms plain_kb=$slab_kb; del "$n"
	add "$n"; plain2=$add_ms plain2_kb=$slab_kb; del "$n"
	shadowctl dev attach dev "$dev" >/dev/null || fail "attach"
	base=$(log_len)
	add "$n"
	len=$(($(log_len) - base))
	t0=$(now_ms)
	shadowctl -j log show dev "$dev" >/dev/null || fail "log show"
	dump=$(($(now_ms) - t0))
	row=$(awk -v n="$n" -v a="$plain" -v b="$plain2" -v s="$add_ms" -v len="$len" \
		-v kb=$((slab_kb - plain_kb)) -v kf=$((plain2_kb - plain_kb)) -v d="$dump" 'BEGIN {
		printf "%5d | %7d %7d %7d %6.3f %6.3f | %7d %7d %7d %7d |", n, a, b, s,
		       s / a, b / a, len, kb, kf < 0 ? -kf : kf, d }')
	for to in e1000e e1000; do
		out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$to]}")
		jqt '.result == "swapped"' <<<"$out" || fail "swap to $to: $out"
		row+=$(jq -r '.phases_us | [.replay, .own, .drivers] | map(. / 1000) |
			"\(.[0]) \(.[1]) \(.[2])"' <<<"$out" |
			awk '{ printf " %8.1f %6.1f %7.1f |", $1, $2, $3 }')
		vids=$(bridge -j vlan show dev "$dev" | jq '[.[0].vlans[]?] | length')
		[[ $vids -ge $n ]] || fail "$vids VLAN ids on $dev after the swap to $to, not $n"
	done
	echo "${row% |}"
	del "$n"
done
cat <<'EOT'
ids: VLAN ids added in one `bridge vlan add`; add-0, add-0b: its time (ms)
without the shadow, twice; add-sh: with it; ratio: add-sh / add-0, next to
its noise floor add-0b / add-0; log-len: the log entries they made; log-kb:
the slab memory they took beyond the same adds without the shadow, next to
the difference between the two adds without it (kb-floor); dump-ms:
shadowctl -j log show; per swap (to e1000e, then back to e1000): the replay
phase, the shadow's own share of the swap and the drivers' (ms; the drivers'
is the whole swap's: their remove, probe, open and the filters programmed)
EOT
