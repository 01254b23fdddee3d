#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of scripts/bench-passive: what passive mode costs, measured
# side by side in one boot. MODE late: variant "with" is shadow.ko loaded
# and the interface attached late (ops tables behind the taps), "without"
# shadow.ko unloaded. MODE deployed: "with" is shadow.ko loaded and then
# the driver bound again (it probes under the shadow: padded allocation,
# taps from the probe on), "without" shadow.ko unloaded and the driver
# bound again (its own allocation). Runs alternate with/without ROUNDS
# times:
#  - iperf3 TCP to the peer for SECS s: receiver Mbit/s, and guest CPU
#    seconds per GB (busy time from /proc/stat over the run);
#  - a control-path loop: LOOPS times MTU 1400/1500 and ethtool -G rx
#    down/up (or msglvl where rings are fixed), wall time per iteration.
# Prints every run, the medians and, from four rounds on, the noise floor
# (the runs without the shadow against each other); asserts nothing.

. /shadow/selftests/lib/lib.sh

MODEL=${1:-e1000} ROUNDS=${2:-5} SECS=${3:-3} LOOPS=${4:-20} MODE=${5:-late}
mac=$(nic_field "$MODEL" 3)
dev=$(iface_by_mac "$mac") || fail "no $MODEL NIC"
ip addr add "$LOCAL_IP/$PREFIX" dev "$dev"
ip link set "$dev" up
busywait 15000 carrier_up "$dev" || fail "no carrier"
busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "peer unreachable"

busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# rebind: the NIC's driver probes it again; the new interface is set up.
# (The device of virtio_net's interface is on the virtio bus, not PCI.)
rebind()
{
	local path drv

	path=$(readlink -f "/sys/class/net/$dev/device")
	drv=$(readlink -f "$path/driver")
	echo "${path##*/}" >"$drv/unbind" && echo "${path##*/}" >"$drv/bind" ||
		fail "rebind ${path##*/}"
	busywait 10000 iface_by_mac "$mac" >/dev/null || fail "no interface after the rebind"
	dev=$(iface_by_mac "$mac")
	ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" 2>/dev/null
	ip link set "$dev" up
	busywait 15000 carrier_up "$dev" || fail "no carrier after the rebind"
	busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "peer unreachable after the rebind"
}

variant()
{
	case $MODE-$1 in
	deployed-with)
		lsmod | grep -q '^shadow ' || modprobe shadow || fail "modprobe shadow"
		rebind
		jqt '.[0].state == "passive"' <<<"$(shadowctl -j dev show dev "$dev")" ||
			fail "$dev not shadowed after its probe"
		;;
	deployed-without)
		! lsmod | grep -q '^shadow ' || modprobe -r shadow || fail "rmmod shadow"
		rebind
		;;
	late-with)
		lsmod | grep -q '^shadow ' || modprobe shadow || fail "modprobe shadow"
		shadowctl dev attach dev "$dev" || fail "attach"
		;;
	late-without)
		! lsmod | grep -q '^shadow ' || modprobe -r shadow || fail "rmmod shadow"
		;;
	esac
}

iperf_run()
{
	local b0 b1 json bytes mbps

	b0=$(busy)
	json=$(iperf3 -c "$PEER_IP" -t "$SECS" -J) || return 1
	b1=$(busy)
	bytes=$(jq '.end.sum_received.bytes' <<<"$json")
	mbps=$(jq '.end.sum_received.bits_per_second / 1e6' <<<"$json")
	awk -v m="$mbps" -v b="$bytes" -v t=$((b1 - b0)) -v hz="$HZ" \
		'BEGIN { printf "%.1f %.2f\n", m, (t / hz) / (b / 1e9) }'
}

ring_max=$(ethtool -g "$dev" 2>/dev/null | awk '/^Pre-set/ { p = 1 } p && /^RX:/ { print $2; exit }')
ring_now=$(ethtool -g "$dev" 2>/dev/null | awk '/^Current/ { c = 1 } c && /^RX:/ { print $2; exit }')
control_run()
{
	local i t0 t1

	t0=${EPOCHREALTIME/./}
	for ((i = 0; i < LOOPS; i++)); do
		ip link set "$dev" mtu 1400 && ip link set "$dev" mtu 1500 || return 1
		if [[ -n $ring_max && $ring_max -gt 64 ]]; then
			ethtool -G "$dev" rx 64 && ethtool -G "$dev" rx "$ring_now" || return 1
		else
			ethtool -s "$dev" msglvl 1 && ethtool -s "$dev" msglvl 7 || return 1
		fi
	done
	t1=${EPOCHREALTIME/./}
	awk -v d=$((t1 - t0)) -v n="$LOOPS" 'BEGIN { printf "%.2f\n", d / n / 1000 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One probe under the shadow, for the padding figure.
modprobe shadow || fail "modprobe shadow"
rebind
modprobe -r shadow

calls() { awk '$1 == "net" { print $2 }' /sys/kernel/debug/shadow/calls; }
declare -A mbps cpu ctl
dp_calls=0 dp_runs=0
echo "bench: $MODEL ($(iface_driver "$dev")) on $(uname -r), $(nproc) vCPU, shadow $MODE, $ROUNDS rounds, iperf3 ${SECS}s, $LOOPS control iterations"
for ((r = 1; r <= ROUNDS; r++)); do
	for v in with without; do
		variant "$v"
		busywait 15000 carrier_up "$dev"
		[[ $v == with ]] && c0=$(calls)
		read -r m c < <(iperf_run) || fail "iperf3 failed ($v)"
		[[ $v == with ]] && dp_calls=$((dp_calls + $(calls) - c0)) && dp_runs=$((dp_runs + 1))
		t=$(control_run) || fail "control loop failed ($v)"
		mbps[$v]+="$m " cpu[$v]+="$c " ctl[$v]+="$t "
		echo "round $r $v: $m Mbit/s, $c CPU-s/GB, control $t ms/iteration"
	done
done
variant without
mw=$(tr ' ' '\n' <<<"${mbps[with]}" | grep . | median)
mo=$(tr ' ' '\n' <<<"${mbps[without]}" | grep . | median)
cw=$(tr ' ' '\n' <<<"${cpu[with]}" | grep . | median)
co=$(tr ' ' '\n' <<<"${cpu[without]}" | grep . | median)
tw=$(tr ' ' '\n' <<<"${ctl[with]}" | grep . | median)
to=$(tr ' ' '\n' <<<"${ctl[without]}" | grep . | median)
awk -v mw="$mw" -v mo="$mo" -v cw="$cw" -v co="$co" -v tw="$tw" -v to="$to" 'BEGIN {
	printf "median throughput: with %.1f, without %.1f Mbit/s: ratio %.3f\n", mw, mo, mw / mo
	printf "median CPU per GB: with %.2f, without %.2f s: ratio %.3f\n", cw, co, cw / co
	printf "median control iteration: with %.2f, without %.2f ms: ratio %.3f\n", tw, to, tw / to
}'
echo "calls through the shadow's wrappers during the $dp_runs iperf3 runs with it: $dp_calls"
# The noise floor of this very run: the runs without the shadow, odd
# rounds against even ones (an A/A comparison; needs 4 rounds or more).
odd_even()
{
	local parity=$1

	tr ' ' '\n' <<<"$2" | grep . | awk -v p="$parity" 'NR % 2 == p' | median
}
if ((ROUNDS >= 4)); then
	awk -v a="$(odd_even 1 "${mbps[without]}")" -v b="$(odd_even 0 "${mbps[without]}")" \
	    -v e="$(odd_even 1 "${cpu[without]}")" -v f="$(odd_even 0 "${cpu[without]}")" \
	    -v c="$(odd_even 1 "${ctl[without]}")" -v d="$(odd_even 0 "${ctl[without]}")" 'BEGIN {
		printf "noise floor (without, odd vs even rounds): throughput ratio %.3f, CPU per GB ratio %.3f, control ratio %.3f\n",
		       a / b, e / f, c / d
	}'
fi
dmesg | grep 'netdev allocation padded' | tail -n 1 | sed 's/^\[[^]]*\] /padding: /'
