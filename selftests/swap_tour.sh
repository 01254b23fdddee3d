#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_tour.sh MODEL MODEL...: active mode. One interface starts on the
# first model's NIC and is swapped, driver and device, to each next model's
# NIC in turn, under a live TCP transfer to the peer whose bytes are checked
# end to end. After every swap: same ifindex, name, MAC, MTU, addresses,
# routes, VLAN device and multicast membership; the expected driver under
# it; statistics that did not go backwards; the shadow passive again. At
# the end: the transfer arrived intact over the one connection, no kernel
# warning, nothing tracked on the NICs left behind, and rmmod shadow works.
# A tour should end where it started, so later tests find their NICs.

. /shadow/selftests/lib/lib.sh

(($# >= 2)) || { echo "usage: swap_tour.sh MODEL MODEL..." >&2; exit 2; }
TOUR=("$@")
RATE_KBIT=${RATE_KBIT:-2000}	# the stream's rate
SWAP_TIMEOUT_MS=20000

declare -A addr drvpath driver

jqt() { jq -e "$@" >/dev/null; }

# Each model's PCI address and driver, read while every NIC is bound.
for model in "${TOUR[@]}"; do
	[[ -n ${addr[$model]:-} ]] && continue
	mac=$(nic_field "$model" 3)
	[[ -n $mac ]] || skip "model $model is not plugged into this guest"
	d=$(iface_by_mac "$mac") || fail "no interface for $model"
	path=$(readlink -f "/sys/class/net/$d/device")
	[[ $path == */virtio* ]] && path=$(readlink -f "$path/..")
	addr[$model]=${path##*/}
	drvpath[$model]=$(readlink -f "$path/driver")
	driver[$model]=$(nic_field "$model" 2)
done
first=${TOUR[0]}
mac=$(nic_field "$first" 3)

rebind_all()
{
	local m

	for m in "${!addr[@]}"; do
		[[ -e /sys/bus/pci/devices/${addr[$m]}/driver ]] && continue
		modprobe -q "${driver[$m]}" 2>/dev/null
		echo "${addr[$m]}" >"${drvpath[$m]}/bind" 2>/dev/null
	done
}

cleanup()
{
	kill "$client" "$server" 2>/dev/null
	ip link del vl10 2>/dev/null
	dev=$(iface_by_mac "$mac") && ip addr flush dev "$dev" && ip link set "$dev" down
	modprobe -r shadow 2>/dev/null
	rebind_all
	peer ip neigh flush all
}
trap cleanup EXIT

lsmod | grep -q '^shadow ' && fail "shadow already loaded"
modprobe shadow || fail "modprobe shadow failed"
warns=$(warn_count)

# The first NIC probes again under the shadow; the others wait unbound.
for model in "${!addr[@]}"; do
	echo "${addr[$model]}" >"${drvpath[$model]}/unbind" || fail "unbind $model"
done
echo "${addr[$first]}" >"${drvpath[$first]}/bind" || fail "bind $first"
busywait 10000 iface_by_mac "$mac" >/dev/null || fail "no interface after rebind"
dev=$(iface_by_mac "$mac")
ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up || fail "configure $dev"
ip link add link "$dev" name vl10 type vlan id 10 || fail "vlan"
ip maddr add 01:00:5e:01:02:03 dev "$dev" || fail "multicast group"
busywait 15000 carrier_up "$dev" || fail "no carrier on $dev"
busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null || fail "no ping to the peer"

snapshot()
{
	cat "/sys/class/net/$dev/ifindex" "/sys/class/net/$dev/address" \
	    "/sys/class/net/$dev/mtu"
	ip -4 -o addr show dev "$dev" | awk '{ print $4 }'
	ip route show dev "$dev"
	ip -d link show vl10 | grep -o 'vlan protocol 802.1Q id 10'
	ip maddr show dev "$dev" | grep -o '01:00:5e:01:02:03'
}
before=$(snapshot)
ifindex=$(cat "/sys/class/net/$dev/ifindex")
log "interface $dev (ifindex $ifindex) on ${driver[$first]} ${addr[$first]}"

# The stream: one TCP connection at a fixed rate until the tour ends,
# carrying 64 KiB blocks cycled from a random MiB; the peer keeps the MD5
# and the length of what it received, the sender how many blocks it sent.
head -c $((16 * 65536)) /dev/urandom >/tmp/tour.base
rm -f /tmp/tour.stop /tmp/tour.sent /tmp/tour.md5 /tmp/tour.bytes
peer bash -c 'nc -l -p 5202 | tee >(wc -c >/tmp/tour.bytes) | md5sum >/tmp/tour.md5' &
server=$!
busywait 5000 bash -c "ip netns exec $PEER_NS ss -ltn | grep -q ':5202 '"
stream()
{
	local i=0 pause

	pause=$(awk -v r=$RATE_KBIT 'BEGIN { printf "%.3f", 65536 * 8 / (r * 1000) }')
	exec 3>"/dev/tcp/$PEER_IP/5202" || return 1
	while [[ ! -e /tmp/tour.stop ]]; do
		dd if=/tmp/tour.base bs=65536 skip=$((i % 16)) count=1 2>/dev/null >&3 ||
			return 1
		i=$((i + 1))
		echo $i >/tmp/tour.sent
		sleep "$pause"
	done
	exec 3>&-
}
expected_md5()
{
	local i n=$(<"/tmp/tour.sent")

	for ((i = 0; i < n; i++)); do
		dd if=/tmp/tour.base bs=65536 skip=$((i % 16)) count=1 2>/dev/null
	done | md5sum
}
stream &
client=$!
sleep 1

rx_before=$(cat "/sys/class/net/$dev/statistics/rx_bytes")
for ((i = 1; i < ${#TOUR[@]}; i++)); do
	from=${TOUR[i - 1]} to=${TOUR[i]}
	log "swap $i: ${driver[$from]} ${addr[$from]} -> ${driver[$to]} ${addr[$to]}"
	out=$(shadowctl -j swap dev "$dev" to "${addr[$to]}" timeout $SWAP_TIMEOUT_MS)
	rc=$?
	log "  $out"
	sleep 0.5
	check "swap $i exit status 0 (got $rc)" [ $rc -eq 0 ]
	check "swap $i result swapped" jqt '.result == "swapped" and .errno == null' <<<"$out"
	check "now on ${driver[$to]}" [ "$(iface_driver "$dev")" == "${driver[$to]}" ]
	now=$(snapshot)
	check "ifindex, MAC, MTU, addresses, routes, VLAN, multicast unchanged" \
		[ "$now" == "$before" ]
	[[ $now == "$before" ]] || diff <(echo "$before") <(echo "$now")
	check "shadow passive again" \
		jqt '.[0].state == "passive"' <<<"$(shadowctl -j dev show dev "$dev")"
	rx=$(cat "/sys/class/net/$dev/statistics/rx_bytes")
	check "rx_bytes monotonic ($rx_before -> $rx)" [ "$rx" -ge "$rx_before" ]
	rx_before=$rx
	left=$(shadowctl -j obj show | jq "[.[] | select(.bus_addr == \"${addr[$from]}\")] | length")
	if [[ ${addr[$from]} != "${addr[$to]}" ]]; then
		check "nothing tracked left on ${addr[$from]}" [ "$left" -eq 0 ]
		[[ $left -eq 0 ]] || shadowctl obj show
	fi
done

touch /tmp/tour.stop
wait "$client"
rc=$?
check "the TCP stream survived every swap (sender exit $rc)" [ $rc -eq 0 ]
busywait 20000 bash -c "! kill -0 $server 2>/dev/null"
busywait 5000 test -s /tmp/tour.bytes
sent=$(( $(<"/tmp/tour.sent") * 65536 )) got=$(<"/tmp/tour.bytes")
check "$sent bytes sent, $got received" [ "$sent" == "$got" ]
check "and intact (MD5)" [ "$(expected_md5)" == "$(<"/tmp/tour.md5")" ]
check "no kernel warning" [ "$(warn_count)" -eq "$warns" ]
check "one netdev tracked for $dev" \
	[ "$(shadowctl -j obj show dev "$dev" | jq '[.[] | select(.type == "netdev")] | length')" -eq 1 ]
modprobe -r shadow
check "rmmod shadow after the tour" [ $? -eq 0 ]
check "$dev still passes traffic" busywait 10000 ping -q -c 1 -W 1 "$PEER_IP"

[[ $failures -eq 0 ]] || fail "$failures mismatches on the tour ${TOUR[*]}"
exit $KSFT_PASS
