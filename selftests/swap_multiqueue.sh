#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_multiqueue.sh: queue padding and RSS, in a guest with two vCPUs
# (selftests/host/swap_multiqueue.sh boots it), where vmxnet3 asks for two
# queue pairs and spreads receive over them. Under a live TCP stream:
# e1000's interface is allocated with a queue pair per possible CPU but
# shows e1000 its one; it is swapped onto vmxnet3, which gets its two; an
# RSS table set with ethtool -X is logged as ethtool -x reports it, and a
# refused RSS change is not; swapped back onto e1000 (no RSS: noted) and
# onto vmxnet3 again, the table comes back from the log. With pad_queues=1
# the swap onto vmxnet3 is refused and rolled back, with the reason.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

RATE_KBIT=500
queues() { ls "/sys/class/net/$dev/queues" | tr '\n' ' '; }
reaches_peer() { busywait 15000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null; }
# The RSS table as ethtool -x prints it, entries space-separated.
rss_table() { ethtool -x "$dev" | awk '/^ *[0-9]+:/ { for (i = 2; i <= NF; i++) printf "%s ", $i }'; }
rss_logged() { shadowctl -j log show dev "$dev" | jq -r '[.[] | select(.key == "rss")][0]'; }

nic_find e1000 vmxnet3
trap 'swap_cleanup e1000 vmxnet3' EXIT

cpus=$(awk -F- '{ print $NF + 1 }' /sys/devices/system/cpu/possible)
[[ $cpus -ge 2 ]] || skip "one possible CPU: vmxnet3 asks for one queue pair"

swap_start_on e1000 vmxnet3
# QEMU 7.2's vmxnet3 forgets a MAC the driver wrote before activating it
# (without the shadow too: ip link set address while down, then up, and
# nothing arrives), so the interface takes vmxnet3's own address first.
ip link set "$dev" address "$(nic_field vmxnet3 3)" || fail "address"
log "== e1000 under the shadow, $cpus possible CPUs"
DEV=$(shadowctl -j dev show dev "$dev")
check "allocation padded to $cpus/$cpus queues: $DEV" \
	jqt ".[0].txq == $cpus and .[0].rxq == $cpus" <<<"$DEV"
check "  e1000 sees its own one queue pair ($(queues))" [ "$(queues)" == "rx-0 tx-0 " ]
check "  what e1000 asked is tracked: 1/1" \
	jqt '[.[] | select(.type == "netdev")][0] | .txq == 1 and .rxq == 1' \
	<<<"$(shadowctl -j obj show dev "$dev")"
check "  the kernel attached mq (the padding's side effect)" \
	grep -q '^qdisc mq ' <(tc qdisc show dev "$dev")
ifindex=$(cat "/sys/class/net/$dev/ifindex")
stream_start
sleep 1

log "== onto vmxnet3: two queue pairs"
swap_json vmxnet3
check "exit 0 (got $rc)" [ $rc -eq 0 ]
check "  on vmxnet3" [ "$(iface_driver "$dev")" == vmxnet3 ]
check "  same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  two queue pairs ($(queues))" [ "$(queues)" == "rx-0 rx-1 tx-0 tx-1 " ]
check "  ethtool -l: combined 2" \
	[ "$(ethtool -l "$dev" | awk '/^Combined:/ { n = $2 } END { print n }')" == 2 ]
check "  passes traffic" reaches_peer
default=$(rss_table)
check "  RSS spreads over both queues: $default" grep -q 1 <<<"$default"

log "== RSS logged as ethtool -x reports it"
ethtool -X "$dev" equal 1 || fail "ethtool -X equal 1"
table=$(rss_table)
rss=$(rss_logged)
log "  ethtool -x: $table"
log "  log: $(jq -c . <<<"$rss")"
check "  the table is all queue 0" [ -z "$(tr -d '0 ' <<<"$table")" ]
check "  logged table is ethtool's" [ "$(jq -r '.indir | map(tostring) | join(" ")' <<<"$rss") " == "$table" ]
check "  logged hash function is toeplitz (ethtool: $(ethtool -x "$dev" | grep ': on'))" \
	jqt '.hfunc == 1' <<<"$rss"
seq=$(jq '.seq' <<<"$rss")
ethtool -X "$dev" hfunc xor >/dev/null 2>&1 && fail "vmxnet3 took the xor hash function"
check "  a refused change (hfunc xor) is not logged" [ "$(rss_logged | jq '.seq')" == "$seq" ]

log "== back onto e1000: no RSS there"
swap_json e1000
check "exit 0 (got $rc)" [ $rc -eq 0 ]
check "  on e1000, one queue pair ($(queues))" [ "$(queues)" == "rx-0 tx-0 " ]
check "  a note says the RSS table was not carried" jqt '.notes | any(test("no RSS"))' <<<"$out"
check "  passes traffic" reaches_peer

log "== onto vmxnet3 again: the table comes back from the log"
swap_json vmxnet3
check "exit 0 (got $rc)" [ $rc -eq 0 ]
check "  two queue pairs ($(queues))" [ "$(queues)" == "rx-0 rx-1 tx-0 tx-1 " ]
check "  the table is the logged one, not vmxnet3's default ($(rss_table))" \
	[ "$(rss_table)" == "$table" ]
check "  passes traffic" reaches_peer

stream_stop
check "the stream arrived intact ($stream_got of $stream_sent bytes, sender exit $stream_rc)" \
	[ "$stream_intact" == yes -a "$stream_rc" -eq 0 ]

log "== pad_queues=1: vmxnet3 does not fit, rolled back"
ip addr flush dev "$dev"
ip link set "$dev" down
modprobe -r shadow || fail "rmmod shadow"
nic_unbind vmxnet3 || fail "unbind vmxnet3"
nic_unbind e1000 2>/dev/null
modprobe shadow pad_queues=1 || fail "modprobe shadow pad_queues=1"
nic_bind e1000 || fail "bind e1000"
busywait 10000 iface_by_mac "$(nic_field e1000 3)" >/dev/null || fail "no e1000 interface"
dev=$(iface_by_mac "$(nic_field e1000 3)")
ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up || fail "configure $dev"
busywait 15000 carrier_up "$dev" && reaches_peer || fail "no traffic on $dev"
check "  not padded: 1/1 queues" jqt '.[0].txq == 1 and .[0].rxq == 1' \
	<<<"$(shadowctl -j dev show dev "$dev")"
swap_json vmxnet3
check "exit 6 (got $rc)" [ $rc -eq 6 ]
check "  rolled back onto e1000; the reason names the queues" \
	jqt '.result == "rolled-back" and .to.driver == "e1000" and (.reason | test("2/2 TX/RX queues"))' <<<"$out"
check "  passes traffic" reaches_peer

check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
