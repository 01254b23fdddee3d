#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nic_traffic.sh MODEL: the QEMU NIC MODEL is driven by the expected Debian
# driver and passes traffic to the peer over the hub: ping, then a short
# iperf3 TCP run each way. Prints the measured throughput.

. /shadow/selftests/lib/lib.sh

MODEL=${1:?usage: nic_traffic.sh MODEL}
SECONDS_PER_RUN=${IPERF_SECONDS:-2}

want=$(nic_field "$MODEL" 2)
mac=$(nic_field "$MODEL" 3)
[[ -n $mac ]] || skip "model $MODEL is not plugged into this guest"
dev=$(iface_by_mac "$mac") || fail "no interface carries $MODEL's MAC $mac"
driver=$(iface_driver "$dev") || fail "$dev has no driver bound"
[[ $driver == "$want" ]] || fail "$dev ($MODEL) is driven by $driver, expected $want"
log "$MODEL: $dev driven by $driver"

cleanup()
{
	ip addr flush dev "$dev" 2>/dev/null
	ip link set "$dev" down 2>/dev/null
	peer ip neigh flush all 2>/dev/null
}
trap cleanup EXIT

ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" || fail "cannot address $dev"
ip link set "$dev" up || fail "cannot bring $dev up"
busywait 15000 carrier_up "$dev" || fail "$dev has no carrier after 15 s"
# The first packets may wait on ARP and on the emulated NIC's slow start.
busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "peer unreachable over $dev"
out=$(ping -q -c 20 -i 0.05 -W 2 "$PEER_IP") || fail "no ping reply over $dev"
log "$(echo "$out" | tail -n 2)"

# throughput [-R]: Mbit/s of one iperf3 TCP run (-R: peer sends).
throughput()
{
	iperf3 -c "$PEER_IP" -t "$SECONDS_PER_RUN" -J "$@" |
		sed -n 's/.*"bits_per_second":[[:space:]]*\([0-9.e+]*\).*/\1/p' |
		tail -n 1 | awk '{ printf "%.0f\n", $1 / 1e6 }'
}

fwd=$(throughput) || fail "iperf3 to the peer failed"
rev=$(throughput -R) || fail "iperf3 from the peer failed"
[[ -n $fwd && $fwd -gt 0 && -n $rev && $rev -gt 0 ]] ||
	fail "no TCP throughput over $dev (fwd '$fwd' rev '$rev')"
log "iperf3 $MODEL ($driver) on $(uname -r): $fwd / $rev Mbit/s (fwd / rev)"
exit $KSFT_PASS
