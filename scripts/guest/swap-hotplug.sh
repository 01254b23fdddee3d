#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of selftests/host/swap_hotplug.sh, the way a migration will
# look: the interface on the e1000 NIC is parked under a live TCP stream,
# the host unplugs that NIC (QMP device_del) and plugs a NIC of another
# model (device_add), the guest loads its driver as udev would, and the
# parked interface resumes on it: same name, ifindex, MAC and addresses,
# the stream intact, and the old driver module removable. Then the new NIC
# is unplugged while the interface waits parked again and nothing comes:
# the swap fails and leaves it parked, and a later swap takes the e1000
# plugged next. While the first park waits, a disk (virtio-blk) is
# hot-plugged first: it is no network device, so the swap must neither take
# it nor unbind it. A message level set while parked reaches the new driver.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

want=${1:?usage: swap-hotplug.sh DRIVER}
RATE_KBIT=2000
reaches_peer() { busywait 15000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null; }

nic_find e1000
old=${nic_addr[e1000]}
swap_start_on e1000
ifindex=$(cat "/sys/class/net/$dev/ifindex")
before=$(ip -4 -o addr show dev "$dev" | awk '{ print $4 }')
mac=$(cat "/sys/class/net/$dev/address")
stream_start
sleep 1

# No target: the first device a shadowed driver probes takes the interface.
shadowctl -j swap dev "$dev" timeout 60000 >/tmp/swap1.json 2>/tmp/swap1.err &
swap=$!
busywait 20000 parked || fail "$dev did not park (state $(state))"
ethtool -i "$dev" | grep -q '^driver: shadow' || fail "parked $dev does not answer ethtool"
# A setting asked while parked goes into the log, for the driver to come.
check "the parked $dev takes a message level" ethtool -s "$dev" msglvl 0x13
check "  and reads it back" [ "$(msglvl)" == 19 ]
echo READY
busywait 60000 test ! -e "/sys/bus/pci/devices/$old" || fail "$old was not unplugged"
echo UNPLUGGED
# The disk comes first: it keeps its driver, and the interface stays parked.
blk_dev()
{
	local d

	for d in /sys/bus/pci/devices/*; do
		[[ $(<"$d/class") == 0x010000 ]] && { echo "${d##*/}"; return 0; }
	done
	return 1
}
blk_bound()
{
	bash /shadow/selftests/lib/coldplug.sh
	blk=$(blk_dev) && [[ -e /sys/bus/pci/devices/$blk/driver ]]
}
busywait 60000 blk_bound || fail "the hot-plugged disk was not bound (${blk:-none seen})"
sleep 3
check "a disk hot-plugged while parked keeps its driver ($blk)" \
	[ -e "/sys/bus/pci/devices/$blk/driver" ]
# The kernel may bind virtio_pci to the new function between a coldplug
# pass and the check above, before its virtio device exists: that device
# then still needs its driver, so every try runs coldplug again.
vd_there()
{
	bash /shadow/selftests/lib/coldplug.sh
	compgen -G "/sys/bus/pci/devices/$blk/virtio*/block/vd*" >/dev/null
}
check "  and its disk is there" busywait 60000 vd_there
check "  the interface waits on, parked" parked
echo BLKSEEN
taken() { bash /shadow/selftests/lib/coldplug.sh; ! parked; }
# taken_by DRIVER N: swap N (/tmp/swapN.json), started in the background as
# $swap, ends with the interface taken by DRIVER.
taken_by()
{
	local rc

	busywait 60000 taken || fail "the parked interface was not taken (state $(state))"
	wait "$swap"
	rc=$?
	cat "/tmp/swap$2.json" "/tmp/swap$2.err"
	check "swap $2: exit status 0 (got $rc)" [ $rc -eq 0 ]
	check "  swapped onto $1" jqt ".result == \"swapped\" and .to.driver == \"$1\"" \
		"/tmp/swap$2.json"
}
taken_by "$want" 1
check "now driven by $want" [ "$(iface_driver "$dev")" == "$want" ]
check "same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "same MAC" [ "$(cat "/sys/class/net/$dev/address")" == "$mac" ]
check "same addresses" [ "$(ip -4 -o addr show dev "$dev" | awk '{ print $4 }')" == "$before" ]
check "the message level asked while parked, on $want: $(msglvl)" [ "$(msglvl)" == 19 ]
stream_stop
check "the TCP stream survived the park (sender exit $stream_rc)" [ "$stream_rc" -eq 0 ]
check "$stream_sent bytes sent, $stream_got received, intact: $stream_intact" \
	[ "$stream_sent" == "$stream_got" -a "$stream_intact" == yes ]
check "e1000, its NIC gone, can be unloaded" modprobe -r e1000
[[ $failures -eq 0 ]] || fail "$failures mismatches"
echo "SWAPPED across hot-plug onto $want"

# The device goes while the interface is parked and none comes within the
# timeout: with nothing to roll back onto, the interface stays parked and
# says why, reads as not running and a link notification says so; a later
# swap from there takes the next NIC plugged (an e1000 again, whose driver
# was unloaded meanwhile), and a notification says it runs again.
ip -o monitor link >/tmp/monitor.txt 2>/dev/null &
monitor=$!
# last_said: the interface's state in the last link notification about it.
last_said() { awk -v d="$dev:" '$2 == d' /tmp/monitor.txt | tail -n 1 | grep -o 'state [A-Z]*'; }
cur=$(readlink -f "/sys/class/net/$dev/device")
cur=${cur##*/}
shadowctl -j swap dev "$dev" timeout 20000 >/tmp/swap2.json 2>/tmp/swap2.err &
swap=$!
busywait 20000 parked || fail "$dev did not park again (state $(state))"
echo READY2
busywait 60000 test ! -e "/sys/bus/pci/devices/$cur" || fail "$cur was not unplugged"
wait "$swap"
rc=$?
cat /tmp/swap2.json /tmp/swap2.err
check "no device came: exit 6 (got $rc)" [ $rc -eq 6 ]
check "  failed and parked, saying why" \
	jqt ".result == \"failed\" and .state == \"parked\" and (.reason | test(\"probed within .*; $cur is gone\"))" \
	/tmp/swap2.json
check "  the interface is still there, same ifindex" \
	[ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  parked: ethtool answers for it" grep -q '^driver: shadow' <(ethtool -i "$dev")
check "  no driver under it: it reads as not running ($(cat "/sys/class/net/$dev/operstate"))" \
	[ "$(cat "/sys/class/net/$dev/operstate")" == down ]
check "  and the last link notification said so ($(last_said))" [ "$(last_said)" == "state DOWN" ]
shadowctl -j swap dev "$dev" timeout 60000 >/tmp/swap3.json 2>/tmp/swap3.err &
swap=$!
sleep 2
echo WAITING3
taken_by e1000 3
check "  same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex")" == "$ifindex" ]
check "  same MAC" [ "$(cat "/sys/class/net/$dev/address")" == "$mac" ]
check "  passes traffic" reaches_peer
said_up() { [[ $(last_said) == "state UP" ]]; }
check "  running again, and a link notification said so ($(busywait 10000 said_up; last_said))" said_up
kill "$monitor"
[[ $failures -eq 0 ]] || fail "$failures mismatches"
echo "RESUMED from parked, after a failed swap, onto e1000"
