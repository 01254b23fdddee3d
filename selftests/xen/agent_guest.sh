#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agent_guest.sh, in a PV domU (selftests/xen/agent_migrate.sh runs it):
# a guest as an operator would run it. shadow.ko shadows the driver of
# the NIC passed through; heartbeat.sh (udev's part: it loads the driver
# of a PCI device that has none, and gives a new interface its address)
# brings the interface up with 169.254.1.2/16, MTU 1400 is set on it, and
# the guest side of migrate-agent answers the host over xenstore, and
# port 5000 serves 2 MiB of random data to whoever connects (the guest's
# DMA, checked by dom0 against its checksum). Says
#   DOMU: READY IFACE DRIVER SHA256	shadowed, reaching dom0, agent started
# and the heartbeat lines after it.

. /shadow/selftests/lib/lib.sh

# iface_on DRIVER: the interface a device bound to DRIVER carries.
iface_on()
{
	local i drv

	for i in /sys/class/net/*; do
		drv=$(readlink "$i/device/driver" 2>/dev/null) || continue
		[[ ${drv##*/} == "$1" ]] && { echo "${i##*/}"; return 0; }
	done
	return 1
}

modprobe shadow || fail "modprobe shadow"
bash /shadow/selftests/xen/heartbeat.sh &
busywait 60000 iface_on e1000 >/dev/null || fail "no interface on e1000"
dev=$(iface_on e1000)
busywait 30000 ping -q -c 1 -W 1 -I "$dev" 169.254.1.1 >/dev/null || fail "no ping to dom0"
ip link set dev "$dev" mtu 1400 || fail "mtu 1400 on $dev"
migrate-agent guest --xenstore >/tmp/agent.log 2>&1 &
dd if=/dev/urandom of=/tmp/blob bs=65536 count=32 2>/dev/null
printf '#!/bin/sh\nexec cat /tmp/blob\n' >/tmp/serve && chmod +x /tmp/serve
nc -ll -p 5000 -e /tmp/serve &
sum=$(sha256sum </tmp/blob)
echo "DOMU: READY $dev e1000 ${sum%% *}"
wait
