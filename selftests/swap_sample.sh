#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_sample.sh MODEL MODEL...: what userspace sees during a swap. The
# interface (MTU 1400, pinging the peer) is swapped along the tour while
# ifsample polls it as fast as it can: a lookup by name, RTM_GETLINK (name,
# MTU, MAC, flags, operstate, statistics), the sysfs carrier file,
# ETHTOOL_GDRVINFO, and every RTM_NEWLINK on the link group. Per swap it
# asserts that the name always resolves and reads the same in replies and
# notifications; that MTU and MAC never change; that no counter goes
# backwards; that ETHTOOL_GDRVINFO always answers; that the interface reads
# as up and running (IFF_UP, IFF_RUNNING, the operstate) in every reply and
# notification, which RTNL orders against the swap; and that the carrier
# file, read without RTNL, fails (EINVAL: not running) for no longer than
# one driver call made with the interface not running, CALL_MS (plus the
# sampler's own resolution, its longest gap between samples), never for
# a park (before net_running.c, the park read as not running for 0.35 to
# 3.7 s of every swap, everywhere). The shield's handler is
# slowed to SHIELD_DELAY_US per trap (a slow trap, as under a loaded host):
# RTNL held across the probe must keep every reply true all the same
# (before it, a reply caught a probe's name in 2 swaps of 18, and a 6.12
# RTM_GETLINK called virtio_net's table on a half-probed private area). The
# one documented change (README, "How a swap works": the carrier is the new
# NIC's from its driver's open, so it reads 0 until that NIC reports link)
# is reported with its length, not failed; ifsample's sampling period is
# printed next to it. Run with two vCPUs (selftests/host/swap_sample.sh):
# with one, the sampler only runs when a probe sleeps.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

(($# >= 2)) || { echo "usage: swap_sample.sh MODEL MODEL..." >&2; exit 2; }
TOUR=("$@")
SWAP_TIMEOUT_MS=20000
SHIELD_DELAY_US=${SHIELD_DELAY_US:-2000}
CALL_MS=${CALL_MS:-100}
KNOB=/sys/kernel/debug/shadow/shield_delay_us

# sampled FILTER: ifsample's report ($s) passes the jq FILTER.
sampled() { jq -e "$1" <<<"$s" >/dev/null; }

nic_find "${TOUR[@]}"
first=${TOUR[0]}

cleanup()
{
	kill "${pinger:-}" "${sampler:-}" 2>/dev/null
	[[ -w $KNOB ]] && echo 0 >"$KNOB"
	swap_cleanup "$first"
}
trap cleanup EXIT

swap_start_on "${TOUR[@]}"
warns=$(warn_count)
echo "$SHIELD_DELAY_US" >"$KNOB" || fail "cannot slow the shield ($KNOB)"
log "shield handler slowed to $SHIELD_DELAY_US us per trap"
ip link set dev "$dev" mtu 1400 || fail "mtu 1400"
busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "no ping at MTU 1400"
# Counters that move during the swap, so that "backwards" means something.
ping -q -i 0.2 "$PEER_IP" >/dev/null 2>&1 &
pinger=$!

for ((i = 1; i < ${#TOUR[@]}; i++)); do
	from=${TOUR[i - 1]} to=${TOUR[i]}
	log "swap $i: ${nic_driver[$from]} -> ${nic_driver[$to]} (${nic_addr[$to]})"
	rm -f /tmp/ifsample.ready
	ifsample -r /tmp/ifsample.ready "$dev" >/tmp/ifsample.json &
	sampler=$!
	busywait 5000 test -e /tmp/ifsample.ready || fail "ifsample did not start"
	sleep 0.3
	out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$to]}" timeout $SWAP_TIMEOUT_MS)
	rc=$?
	sleep 0.3
	kill -TERM $sampler
	wait $sampler
	sampler=
	s=$(</tmp/ifsample.json)
	log "  $out"
	log "  sampled: $s"
	check "swap $i swapped" [ $rc -eq 0 ]
	check "  ifsample saw ${nic_driver[$from]} and then ${nic_driver[$to]}" \
		sampled ".drivers[0] == \"${nic_driver[$from]}\" and .drivers[-1] == \"${nic_driver[$to]}\""
	for c in lookup name mtu mac stats drvinfo state monitor monitor_state; do
		check "  $c: no bad sample of $(jq .samples <<<"$s") ($(jq -r \
			"\"\(.$c.bad) bad, longest \(.$c.longest_ms * 10 | floor / 10) ms: \(.$c.first // \"-\")\"" \
			<<<"$s"))" sampled ".$c.bad == 0"
	done
	# A window is measured to the sampler's resolution, its longest gap
	# between two samples (a loaded host descheduled it for 187 ms once).
	check "  carrier: readable but for one driver call, under $CALL_MS ms ($(jq -r \
		'"\(.carrier.bad) bad, longest \(.carrier.longest_ms * 10 | floor / 10) ms: \(.carrier.first // "-"), sampled every \(.longest_gap_ms * 10 | floor / 10) ms at most"' \
		<<<"$s"))" sampled ".carrier.longest_ms < $CALL_MS + .longest_gap_ms"
	log "  documented: no link for $(jq '.link.longest_ms | floor' <<<"$s") ms" \
	    "($(jq .monitor_link.bad <<<"$s") of $(jq .events <<<"$s") notifications without" \
	    "LOWER_UP), sampled every $(jq '.longest_gap_ms * 10 | floor / 10' <<<"$s") ms at most"
done

check "no kernel warning" [ "$(warn_count)" -eq "$warns" ]
[[ $failures -eq 0 ]] || fail "$failures mismatches while sampling ${TOUR[*]}"
exit $KSFT_PASS
