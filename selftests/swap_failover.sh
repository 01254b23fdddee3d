#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_failover.sh: a PCI function that carries more than the interface
# (#11 item 6). The guest (selftests/host/swap_failover.sh) has a
# virtio-net NIC with failover=on (MAC STANDBY_MAC): its virtio_net
# interface is net_failover's standby, and net_failover's master interface
# hangs on the same function. A swap unbinds the function, which would
# take the master down with it: the swap is refused with the reason,
# before anything is parked, and both interfaces stay as they were.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

STANDBY_MAC=52:54:00:5d:0b:01

# on_mac DRIVER: the interface with STANDBY_MAC that DRIVER drives, as
# ethtool names it (the master's sysfs device is the standby's too).
on_mac()
{
	local d

	for d in /sys/class/net/*; do
		[[ $(<"$d/address") == "$STANDBY_MAC" ]] || continue
		ethtool -i "${d##*/}" 2>/dev/null | grep -qx "driver: $1" || continue
		echo "${d##*/}"
		return 0
	done
	return 1
}

nic_find e1000
busywait 20000 on_mac net_failover >/dev/null ||
	skip "no net_failover interface with $STANDBY_MAC (run by selftests/host/swap_failover.sh)"
master=$(on_mac net_failover)
standby=$(on_mac virtio_net) || fail "no virtio_net standby with $STANDBY_MAC"
[[ $standby != "$master" ]] || fail "one interface for master and standby: $master"
trap 'swap_cleanup e1000' EXIT
modprobe shadow || fail "modprobe shadow"
shadowctl dev attach dev "$standby" || fail "attach $standby (virtio_net, loaded first)"
ifindex=$(<"/sys/class/net/$standby/ifindex")
log "standby $standby (ifindex $ifindex), master $master, target e1000 at ${nic_addr[e1000]}"
nic_unbind e1000 || fail "unbind e1000"

out=$(shadowctl swap dev "$standby" to "${nic_addr[e1000]}" 2>&1)
rc=$?
log "  $out"
check "refused (shadowctl exit 2, got $rc)" [ $rc -eq 2 ]
check "  saying why" grep -q 'carries another interface' <<<"$out"
check "  nothing parked: $standby is passive" [ "$(state "$standby")" == passive ]
check "  $standby still on virtio_net, same ifindex" \
	[ "$(on_mac virtio_net)" == "$standby" -a "$(<"/sys/class/net/$standby/ifindex")" == "$ifindex" ]
check "  $master still there, on net_failover" [ "$(on_mac net_failover)" == "$master" ]
check "  e1000's device not taken" [ ! -e "/sys/bus/pci/devices/${nic_addr[e1000]}/driver" ]
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures mismatches"
exit $KSFT_PASS
