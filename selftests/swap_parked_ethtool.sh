#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_parked_ethtool.sh: ethtool settings changed while the interface is
# parked (a migration parks it for seconds) are taken, read back as asked,
# and are in effect on the next driver. e1000's interface is parked by a
# swap with no target; meanwhile the user sets ring sizes, pause and the
# message level; then e1000e's NIC is bound and must come up with all
# three. Parked again, on e1000e, rx-usecs is set and must be in effect when
# e1000e probes its NIC afresh. A coalescing parameter the driver never had
# is refused with a reason, and a ring size above its maximum by the
# ethtool core. Before the fix a ring or pause change answered EBUSY and
# coalescing and the message level EOPNOTSUPP: the user had to wait for
# the swap to end and try again.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

nic_find e1000 e1000e
trap 'swap_cleanup e1000 e1000e' EXIT
swap_start_on e1000 e1000e

ring_rx() { ethtool -g "$dev" | awk '/^Current/ { c = 1 } c && /^RX:/ { print $2; exit }'; }
ring_tx() { ethtool -g "$dev" | awk '/^Current/ { c = 1 } c && /^TX:/ { print $2; exit }'; }
rx_usecs() { ethtool -c "$dev" | awk '/^rx-usecs:/ { print $2; exit }'; }
pause() { ethtool -a "$dev" | awk '/^(Autonegotiate|RX|TX):/ { printf "%s ", $2 }'; }

# park: a swap with no target, in the background; its JSON in /tmp.
park()
{
	shadowctl -j swap dev "$dev" timeout 60000 >/tmp/parked_ethtool.json 2>&1 &
	swapper=$!
	busywait 20000 parked || fail "$dev did not park (state $(state))"
}

# took MODEL: the parked swap ended on MODEL's driver with no setting lost.
took()
{
	local rc out

	wait "$swapper"
	rc=$?
	out=$(cat /tmp/parked_ethtool.json)
	log "  $out"
	check "the swap took ${nic_driver[$1]} (exit $rc)" \
		jqt --arg d "${nic_driver[$1]}" '.result == "swapped" and .to.driver == $d' <<<"$out"
	check "  no setting noted as lost" \
		jqt '.notes | all(test("ring|coalesc|pause|message") | not)' <<<"$out"
}

log "== e1000, parked: ring sizes, pause, message level"
log "before: ring $(ring_rx)/$(ring_tx), msglvl $(msglvl), pause $(pause)"
[[ $(ring_rx) != 512 && $(msglvl) != 19 ]] ||
	fail "e1000 already has the test's values: the test would prove nothing"
park
out=$(ethtool -G "$dev" rx 512 tx 512 2>&1)
check "ethtool -G rx 512 tx 512 taken (exit $?: $out)" [ -z "$out" ]
check "  read back while parked: $(ring_rx)/$(ring_tx)" [ "$(ring_rx)/$(ring_tx)" == 512/512 ]
ethtool -s "$dev" msglvl 0x13
check "ethtool -s msglvl 0x13 taken (exit $?; reads $(msglvl))" [ "$(msglvl)" == 19 ]
ethtool -A "$dev" autoneg off rx off tx off
check "ethtool -A autoneg off rx off tx off taken (exit $?)" [ "$(pause)" == "off off off " ]
ethtool -G "$dev" rx 100000 2>/dev/null
rc=$?
check "a ring above e1000's maximum refused (exit $rc)" [ $rc -ne 0 ]
check "  the ring stays as asked before: $(ring_rx)" [ "$(ring_rx)" == 512 ]
logged=$(shadowctl -j log show dev "$dev")
check "the log has ring 512/512" \
	jqt '[.[] | select(.key == "ring")][0] | .rx == 512 and .tx == 512' <<<"$logged"
check "  and msglevel 0x13" jqt '[.[] | select(.key == "msglevel")][0].msglevel == 19' <<<"$logged"
check "  and pause off" \
	jqt '[.[] | select(.key == "pause")][0] | .autoneg == false and .rx == false and .tx == false' \
	<<<"$logged"
nic_bind e1000e || fail "bind e1000e"
took e1000e
check "on e1000e: ring $(ring_rx)/$(ring_tx)" [ "$(ring_rx)/$(ring_tx)" == 512/512 ]
check "  msglvl $(msglvl)" [ "$(msglvl)" == 19 ]
# What was asked: e1000e's watchdog may renegotiate what -a reports.
check "  pause autoneg off ($(pause))" [ "$(pause | cut -d' ' -f1)" == off ]
check "  the peer answers" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"

# QEMU's e1000 (82540EM) has no coalescing; e1000e has rx-usecs only. Its
# own NIC, re-probed, starts from the driver's defaults: only the replay
# can bring the value back.
log "== e1000e, parked: interrupt coalescing"
log "before: rx-usecs $(rx_usecs)"
[[ $(rx_usecs) != 50 ]] || fail "e1000e already has rx-usecs 50"
park
out=$(ethtool -C "$dev" rx-usecs 50 2>&1)
check "ethtool -C rx-usecs 50 taken (exit $?: $out)" [ -z "$out" ]
check "  read back while parked: $(rx_usecs)" [ "$(rx_usecs)" == 50 ]
out=$(ethtool -C "$dev" tx-usecs 10 2>&1)
rc=$?
check "tx-usecs (e1000e has none) refused (exit $rc)" [ $rc -ne 0 ]
check "  with a reason ($out)" grep -q 'no such coalescing parameter' <<<"$out"
check "the log has rx-usecs 50" \
	jqt '[.[] | select(.key == "coalesce")][0].rx_coalesce_usecs == 50' \
	<<<"$(shadowctl -j log show dev "$dev")"
nic_bind e1000e || fail "bind e1000e"
took e1000e
check "on e1000e again: rx-usecs $(rx_usecs)" [ "$(rx_usecs)" == 50 ]
check "  ring still $(ring_rx)/$(ring_tx)" [ "$(ring_rx)/$(ring_tx)" == 512/512 ]
check "  the peer answers" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"

log "== back onto e1000, as the next test expects the NICs"
out=$(shadowctl -j swap dev "$dev" to "${nic_addr[e1000]}")
check "swapped onto e1000 (exit $?)" jqt '.result == "swapped" and .to.driver == "e1000"' <<<"$out"
check "  ring $(ring_rx)/$(ring_tx) (e1000 takes 512 too)" [ "$(ring_rx)/$(ring_tx)" == 512/512 ]
ethtool -G "$dev" rx 256 tx 256
ethtool -s "$dev" msglvl 0x7
ethtool -A "$dev" autoneg on rx on tx off

check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
