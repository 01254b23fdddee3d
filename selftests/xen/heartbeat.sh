#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# heartbeat.sh, in a PV domU: what dom0's tests watch on the console.
# Every second: load the driver of any PCI device without one (there is
# no udev: a device passed through later only appears), give any new
# interface 169.254.1.2/16, ping dom0 (169.254.1.1) through it, and print
#   DOMU: HB N up=SECONDS nics=[IFACE:DRIVER ...] ping=ok|fail
# "up" is the domain's own uptime: it goes on across a live migration
# and starts again after a reboot.

n=0
while :; do
	n=$((n + 1))
	for d in /sys/bus/pci/devices/*; do
		[[ -e $d/modalias && ! -e $d/driver ]] && modprobe -q "$(<"$d/modalias")"
	done
	nics=""
	for i in /sys/class/net/*; do
		dev=${i##*/}
		[[ $dev == lo ]] && continue
		drv=$(readlink "$i/device/driver" 2>/dev/null)
		nics+="$dev:${drv##*/} "
		if ! ip -4 addr show dev "$dev" | grep -q 169.254.1.2; then
			ip link set "$dev" up
			ip addr add 169.254.1.2/16 dev "$dev"
		fi
	done
	ping=fail
	[[ -n $nics ]] && ping -q -c 1 -W 1 169.254.1.1 >/dev/null 2>&1 && ping=ok
	echo "DOMU: HB $n up=$(cut -d' ' -f1 /proc/uptime) nics=[${nics% }] ping=$ping"
	sleep 1
done
