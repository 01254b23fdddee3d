# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the swap tests, the demo and the swap benchmark (after lib.sh):
# where each QEMU model's NIC is, and how to park the NICs a swap moves the
# interface between.

declare -A nic_addr nic_drvpath nic_driver

# nic_find MODEL...: fill nic_addr (PCI address), nic_drvpath (its driver's
# sysfs directory) and nic_driver (the driver that binds the interface) for
# each model, while every NIC is bound. Skips the test for a missing model.
nic_find()
{
	local model mac d path

	for model in "$@"; do
		[[ -n ${nic_addr[$model]:-} ]] && continue
		mac=$(nic_field "$model" 3)
		[[ -n $mac ]] || skip "model $model is not plugged into this guest"
		d=$(iface_by_mac "$mac") || fail "no interface for $model"
		path=$(readlink -f "/sys/class/net/$d/device")
		# virtio_net sits on a virtio device; the swap moves the PCI one.
		[[ $path == */virtio* ]] && path=$(readlink -f "$path/..")
		nic_addr[$model]=${path##*/}
		nic_drvpath[$model]=$(readlink -f "$path/driver")
		nic_driver[$model]=$(nic_field "$model" 2)
	done
}

nic_unbind() { echo "${nic_addr[$1]}" >"${nic_drvpath[$1]}/unbind"; }
nic_bind() { echo "${nic_addr[$1]}" >"${nic_drvpath[$1]}/bind"; }

# nic_rebind_all: every NIC nic_find saw is bound to its driver again.
nic_rebind_all()
{
	local m

	for m in "${!nic_addr[@]}"; do
		[[ -e /sys/bus/pci/devices/${nic_addr[$m]}/driver ]] && continue
		modprobe -q "${nic_driver[$m]}" 2>/dev/null
		nic_bind "$m" 2>/dev/null
	done
}

# swap_home MODEL: swap $dev back onto MODEL's NIC, where the test began,
# and check it: the interface then carries that NIC's MAC again, which the
# tests after this one in the same guest find their NICs by.
swap_home()
{
	local out

	out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$1]}")
	check "and back onto ${nic_driver[$1]} ($out)" \
		jqt --arg d "${nic_driver[$1]}" '.result == "swapped" and .to.driver == $d' <<<"$out"
}

# state [IFACE]: the shadow's state of IFACE (default $dev, which
# swap_start_on sets); parked [IFACE]: it is parked.
state() { shadowctl -j dev show dev "${1:-$dev}" | jq -r '.[0].state'; }
parked() { [[ $(state "$@") == parked ]]; }
# msglvl [IFACE]: the message level ethtool reads, in decimal.
msglvl() { ethtool "${1:-$dev}" | awk '/Current message level/ { gsub(/[()]/, "", $5); print $5; exit }'; }

# swap_cleanup MODEL...: what a swap test leaves behind it, however it
# ended: no stream, the interface (found by the MAC of any MODEL) without
# the test address and down, the shadow unloaded, every NIC bound again.
swap_cleanup()
{
	local model d

	stream_kill
	for model in "$@"; do
		d=$(iface_by_mac "$(nic_field "$model" 3)") || continue
		ip addr flush dev "$d"
		ip link set "$d" down
	done
	modprobe -r shadow 2>/dev/null
	nic_rebind_all
	peer ip neigh flush all
}

# swap_json MODEL: swap $dev onto MODEL's NIC; sets out (shadowctl's JSON
# result) and rc (its exit status), and logs the result.
swap_json()
{
	out=$(shadowctl -j swap dev "$dev" to "${nic_addr[$1]}")
	rc=$?
	log "  $out"
}

# swap_start_on MODEL...: load the shadow, leave every given NIC unbound but
# the first, which probes again under the shadow; configure its interface
# with the test address and wait for traffic to the peer. Sets $dev.
swap_start_on()
{
	local model mac
	local -A done

	lsmod | grep -q '^shadow ' && fail "shadow already loaded"
	modprobe shadow || fail "modprobe shadow failed"
	for model in "$@"; do
		[[ -n ${done[$model]:-} ]] && continue
		done[$model]=1
		nic_unbind "$model" || fail "unbind $model"
	done
	nic_bind "$1" || fail "bind $1"
	mac=$(nic_field "$1" 3)
	busywait 10000 iface_by_mac "$mac" >/dev/null || fail "no interface after rebind"
	dev=$(iface_by_mac "$mac")
	ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up ||
		fail "configure $dev"
	busywait 15000 carrier_up "$dev" || fail "no carrier on $dev"
	busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "no ping to the peer"
}

# The stream: one TCP connection to the peer at $RATE_KBIT until
# stream_stop, carrying 64 KiB blocks cycled from a random MiB; the peer
# keeps only the MD5 and the length of what it received, so a long run
# costs no memory. One process sends it (tcpsend): a shell loop forking
# for each block kept the debug kernel's vCPU busy on its own.
STREAM_PORT=5202

stream_send()
{
	tcpsend -c "$PEER_IP" -p $STREAM_PORT -r "$RATE_KBIT" -f /tmp/stream.base \
		-n /tmp/stream.sent -s /tmp/stream.stop
}

stream_start()
{
	head -c $((16 * 65536)) /dev/urandom >/tmp/stream.base
	rm -f /tmp/stream.stop /tmp/stream.sent /tmp/stream.md5 /tmp/stream.bytes
	peer bash -c "nc -l -p $STREAM_PORT | tee >(wc -c >/tmp/stream.bytes) |
		      md5sum >/tmp/stream.md5" &
	stream_server=$!
	busywait 5000 bash -c "ip netns exec $PEER_NS ss -ltn | grep -q ':$STREAM_PORT '"
	stream_send &
	stream_client=$!
}

# stream_stop: end the stream; sets stream_rc (the sender's exit status),
# stream_sent and stream_got (bytes) and stream_intact (yes or no).
stream_stop()
{
	local n expected

	touch /tmp/stream.stop
	wait "$stream_client"
	stream_rc=$?
	busywait 20000 bash -c "! kill -0 $stream_server 2>/dev/null"
	busywait 5000 test -s /tmp/stream.bytes
	n=$(<"/tmp/stream.sent")
	stream_sent=$((n * 65536))
	stream_got=$(<"/tmp/stream.bytes")
	expected=$(stream_md5 "$n")
	stream_intact=no
	[[ $expected == "$(cut -d' ' -f1 /tmp/stream.md5)" ]] && stream_intact=yes
}

# stream_md5 N: the MD5 of the first N blocks the stream sent: the base
# MiB N/16 times, then N%16 blocks of it (one process per MiB: forks are
# slow under TCG).
stream_md5()
{
	local n=$1 i

	{
		for ((i = 0; i < n / 16; i++)); do
			cat /tmp/stream.base
		done
		head -c $((n % 16 * 65536)) /tmp/stream.base
	} | md5sum | cut -d' ' -f1
}

# outside_start PPS / outside_stop: the stream and a PPS/s sequenced UDP
# stream (udpgap) to a peer in another QEMU process, which reports what it
# received itself (scripts/guest/migrate-peer.sh). outside_stop prints
# what was sent as "GUEST-STREAM bytes=N md5=X", for the host to compare,
# and returns the TCP sender's exit status. Both run in this shell: they
# wait for its children.
outside_start()
{
	head -c $((16 * 65536)) /dev/urandom >/tmp/stream.base
	rm -f /tmp/stream.stop /tmp/stream.sent
	stream_send &
	stream_client=$!
	udpgap send -c "$PEER_IP" -r "$1" &
	gap_tx=$!
}

outside_stop()
{
	local rc n

	touch /tmp/stream.stop
	wait "$stream_client"
	rc=$?
	kill -INT "$gap_tx"
	wait "$gap_tx"
	n=$(<"/tmp/stream.sent")
	echo "GUEST-STREAM bytes=$((n * 65536)) md5=$(stream_md5 "$n")"
	return $rc
}

stream_kill() { kill "${stream_client:-}" "${stream_server:-}" 2>/dev/null; }

# gap_start / gap_stop: a 1000/s sequenced UDP stream to the peer around one
# change; what the peer saw (udpgap's JSON: longest gap, losses) is then in
# /tmp/gap.json. Call gap_stop in this shell, not a subshell: it waits for
# this shell's children.
gap_start()
{
	peer udpgap recv -b "$PEER_IP" >/tmp/gap.json &
	gap_rx=$!
	sleep 0.3
	udpgap send -c "$PEER_IP" -r 1000 &
	gap_tx=$!
	sleep 1
}

gap_stop()
{
	sleep 1
	kill -INT "$gap_tx"
	wait "$gap_tx" "$gap_rx"
}

# What the stack hands each new driver: xmit_watch_start IFACE records
# (tracepoint net_dev_start_xmit) the packets longer than the MTU allows
# without segmentation offload, or paged, handed to IFACE's driver, beside
# the shadow's shadow_requeued events. xmit_watch_clear empties the record
# before a swap; xmit_unfit SEQ prints how many of those recorded after
# swap SEQ validated its requeued packets (the new driver's tables and
# features in place) that driver cannot take as they are: longer ones
# without TSO, paged ones without scatter-gather ("none: ..." when the
# swap reported no validation).
# A qdisc's requeued packets were validated for the old driver
# (shadow/net_requeued.c): a TSO frame handed whole to a NIC without TSO
# reaches the wire as one giant frame.
XMIT_TRACING=/sys/kernel/tracing
xmit_watch_start()
{
	local max=$(($(<"/sys/class/net/$1/mtu") + 18))	# Ethernet and VLAN headers

	echo "name == \"$1\" && (len > $max || data_len > 0)" \
		>"$XMIT_TRACING/events/net/net_dev_start_xmit/filter" &&
		echo 1 >"$XMIT_TRACING/events/net/net_dev_start_xmit/enable" &&
		echo 1 >"$XMIT_TRACING/events/shadow/shadow_requeued/enable" &&
		xmit_max=$max
}

xmit_watch_clear() { echo >"$XMIT_TRACING/trace"; }

xmit_watch_stop()
{
	echo 0 >"$XMIT_TRACING/events/net/net_dev_start_xmit/enable"
	echo 0 >"$XMIT_TRACING/events/net/net_dev_start_xmit/filter"
	echo 0 >"$XMIT_TRACING/events/shadow/shadow_requeued/enable"
}

# offload_off IFACE FEATURE: ethtool -k IFACE says FEATURE is off.
offload_off() { ethtool -k "$1" | grep -q "^$2: off"; }

xmit_unfit()
{
	local seq=$1 tso=1 sg=1

	offload_off "$dev" tcp-segmentation-offload && tso=0
	offload_off "$dev" scatter-gather && sg=0
	awk -v dev="$dev" -v seq="$seq" -v max="$xmit_max" -v tso=$tso -v sg=$sg '
		index($0, "shadow_requeued: dev=" dev " swap=" seq " ") { on = 1; next }
		on && /net_dev_start_xmit:/ {
			len = $0; sub(/.* len=/, "", len); sub(/ .*/, "", len)
			dl = $0; sub(/.* data_len=/, "", dl); sub(/ .*/, "", dl)
			if ((!tso && len + 0 > max) || (!sg && dl + 0 > 0)) n++
		}
		END { print on ? n + 0 : "none: no shadow_requeued event" }' "$XMIT_TRACING/trace"
}
