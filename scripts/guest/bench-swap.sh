#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-swap.sh ROUNDS MODEL...: guest half of scripts/bench-swap. For each
# pair of models and each round: shadow A -> B, shadow B -> A, by hand
# A -> B, by hand B -> A, each under a 1000/s UDP stream to the peer whose
# longest gap and losses udpgap reports. By hand is what an operator's
# script does without the shadow's help: unbind the old NIC, bind the new
# one, give its interface the old MAC and address, bring it up, wait for
# link. The shadow stays loaded (passive) throughout. Medians per ordered
# pair and method at the end.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

rounds=${1:?usage: bench-swap.sh ROUNDS MODEL...}
shift
models=("$@")
RESULTS=/tmp/bench-swap.results

nic_find "${models[@]}"
swap_start_on "${models[@]}"
mac=$(cat "/sys/class/net/$dev/address")
: >"$RESULTS"

# record PAIR METHOD GAPJSON [SWAPJSON]: one line of $RESULTS:
# pair method gap_ms lost total_ms park unbind probe replay link drivers own prepare
record()
{
	local pair=$1 method=$2 gap=$3 swap=${4:-}

	if ! jq -e . <<<"$gap" >/dev/null 2>&1; then
		echo "# $pair $method: no report from the receiver; not counted"
		return
	fi
	if [[ -n $swap ]]; then
		jq -r --arg p "$pair" --arg m "$method" --argjson g "$gap" \
			'[$p, $m, $g.max_gap_ms, $g.lost, .phases_us.total / 1000,
			  (.phases_us | .park, .unbind, .probe, .replay, .link, .drivers, .own,
			    .prepare) / 1000]
			 | map(tostring) | join(" ")' <<<"$swap" >>"$RESULTS"
	else
		jq -r --arg p "$pair" --arg m "$method" --arg t "$hand_ms" \
			'[$p, $m, .max_gap_ms, .lost, $t] | map(tostring) | join(" ")' \
			<<<"$gap" >>"$RESULTS"
	fi
}

# drops: where datagrams can be lost on the way to the peer, as counters:
# the interface's qdisc and its own TX drops, the peer's RX drops and
# misses (its ring full), summed over the peer namespace's interfaces, and
# the peer's UDP receive buffer overflows (a burst the receiver cannot
# take at once).
drops()
{
	local q t p u

	q=$(tc -s -j qdisc show dev "$dev" | jq '[.[].drops // 0] | add')
	t=$(ip -s -j link show dev "$dev" | jq '.[0].stats64.tx.dropped')
	p=$(peer ip -s -j link show | jq '[.[].stats64.rx | .dropped + .missed] | add')
	u=$(peer awk '/^Udp:/ && $6 ~ /^[0-9]+$/ { print $6 }' /proc/net/snmp)
	echo "$q $t $p $u"
}

via_shadow()
{
	local from=$1 to=$2 out gap d0 d1

	d0=$(drops)
	gap_start
	out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$to]}")
	gap_stop
	d1=$(drops)
	echo "# drops $from>$to: qdisc, interface tx, peer rx, peer UDP rcvbuf: before $d0, after $d1"
	gap=$(</tmp/gap.json)
	jq -e '.result == "swapped" and .errno == null' <<<"$out" >/dev/null ||
		echo "# shadow $from -> $to did not swap cleanly: $out"
	record "$from>$to" shadow "$gap" "$out"
}

# The operator's script, timed from the unbind to the new link.
by_hand()
{
	local from=$1 to=$2 new start gap

	gap_start
	start=$(now_ms)
	nic_unbind "$from"
	nic_bind "$to"
	busywait 10000 iface_by_mac "$(nic_field "$to" 3)" >/dev/null ||
		echo "# by hand: no interface on $to"
	new=$(iface_by_mac "$(nic_field "$to" 3)")
	ip link set dev "$new" address "$mac"
	ip addr add "$LOCAL_IP/$PREFIX" dev "$new"
	ip link set dev "$new" up
	busywait 10000 carrier_up "$new"
	hand_ms=$(($(now_ms) - start))
	gap_stop
	gap=$(</tmp/gap.json)
	dev=$new
	record "$from>$to" hand "$gap"
}

n=${#models[@]}
for ((r = 1; r <= rounds; r++)); do
	for ((i = 0; i < n; i++)); do
		for ((j = i + 1; j < n; j++)); do
			a=${models[i]} b=${models[j]}
			# The interface is on models[0]: bring it to a first.
			[[ $(iface_driver "$dev") == "${nic_driver[$a]}" ]] ||
				shadowctl swap dev "$dev" to "${nic_addr[$a]}" >/dev/null
			echo "# round $r: $a <-> $b"
			via_shadow "$a" "$b"
			via_shadow "$b" "$a"
			by_hand "$a" "$b"
			by_hand "$b" "$a"
		done
	done
done

echo
echo "Longest gap the peer saw in a 1000/s UDP stream (ms, median of $rounds), losses,"
echo "and the swap's phases (ms, medians); kernel $(uname -r), QEMU TCG; floor: the"
echo "noise floor of the ratio, the smallest gap of a pair and method over its largest"
echo "across the rounds (the wider of the two methods; 1.000 with one round)"
awk '
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# spread: the smallest of a list over its largest, 1 for identical runs.
function spread(list,   n, a, i, lo, hi) {
	n = split(list, a, " ")
	lo = hi = a[1] + 0
	for (i = 2; i <= n; i++) {
		if (a[i] + 0 < lo) lo = a[i] + 0
		if (a[i] + 0 > hi) hi = a[i] + 0
	}
	return hi ? lo / hi : 1
}
{
	k = $1 SUBSEP $2
	if (!(k in gap)) { order[++npairs] = $1 }
	gap[k] = gap[k] " " $3; lost[k] = lost[k] " " $4; total[k] = total[k] " " $5
	if ($2 == "shadow") for (f = 6; f <= 13; f++) ph[$1, f] = ph[$1, f] " " $f
}
END {
	printf "%-34s %9s %9s %6s %6s %7s %7s | %6s %7s %6s %7s %7s %8s %6s %7s\n", "pair",
	       "gap-shdw", "gap-hand", "ratio", "floor", "lost-s", "lost-h", "park", "unbind",
	       "probe", "replay", "link", "drivers", "own", "prepare"
	for (i = 1; i <= npairs; i++) {
		p = order[i]
		if (seen[p]++) continue
		gs = median(gap[p, "shadow"]); gh = median(gap[p, "hand"])
		# The noise floor: the same gap over the rounds, the wider of the two.
		fs = spread(gap[p, "shadow"]); fh = spread(gap[p, "hand"])
		printf "%-34s %9.1f %9.1f %6.2f %6.3f %7d %7d |", p, gs, gh, gh ? gs / gh : 0,
		       fs < fh ? fs : fh, median(lost[p, "shadow"]), median(lost[p, "hand"])
		for (f = 6; f <= 13; f++) printf " %6.1f", median(ph[p, f])
		printf "\n"
	}
}' "$RESULTS"
echo
echo "raw: pair method gap_ms lost total_ms [park unbind probe replay link drivers own prepare]"
sed 's/^/  /' "$RESULTS"
