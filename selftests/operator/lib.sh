# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # the stages use what it sets
#
# Helpers of the operator test's stages (selftests/host/operator.sh), run
# in the Debian guest by the image's shadow-stage.service from the host's
# share at /mnt/stage. Each check is one TAP line in results.tap; a stage
# ends with "SHADOW-EXIT <failures>" and a reboot or a power-off, which
# ends QEMU.

STAGE=/mnt/stage
RESULTS=$STAGE/results.tap
LOG=$STAGE/stage.log
# The NICs' PCI slots, as operator.sh plugs them.
E1000=0000:00:03.0 RTL8139=0000:00:04.0 PEER=0000:00:05.0
LOCAL_IP=192.0.2.1 PEER_IP=192.0.2.2
KVER=$(uname -r)
export DEBIAN_FRONTEND=noninteractive
failures=0

exec >>"$LOG" 2>&1
echo "== stage ${0##*/} on $KVER at $(date -u +%T)"

say() { echo "# $*" | tee -a "$RESULTS"; }

# check WHAT CMD...: one test point; CMD's output goes to stage.log.
check()
{
	local what=$1
	shift

	if "$@"; then
		echo "ok - $what" | tee -a "$RESULTS"
	else
		failures=$((failures + 1))
		echo "not ok - $what" | tee -a "$RESULTS"
	fi
}

# finish reboot|poweroff: the stage's verdict, then the guest goes.
finish()
{
	echo "SHADOW-EXIT $failures" >>"$RESULTS"
	sync
	systemctl "$1" --no-block
	exit 0
}

# pci_iface ADDR: the interface of the PCI device at ADDR, if it has one
# (a virtio device's is one level down, under its virtio device).
pci_iface()
{
	local d

	for d in "/sys/bus/pci/devices/$1"/net/* "/sys/bus/pci/devices/$1"/virtio*/net/*; do
		[[ -e $d ]] && { echo "${d##*/}"; return 0; }
	done
	return 1
}

# pci_driver ADDR: the driver bound to the PCI device at ADDR, if any.
pci_driver()
{
	local d

	d=$(readlink "/sys/bus/pci/devices/$1/driver") || return 1
	echo "${d##*/}"
}

# driven_by ADDR DRIVER: DRIVER is bound to ADDR.
driven_by() { [[ $(pci_driver "$1") == "$2" ]]; }

# has_module NAME: the module is loaded.
has_module() { [[ -d /sys/module/$1 ]]; }

# initramfs_has PATTERN: the initramfs the next boot runs has a file
# whose path matches PATTERN (grep -E).
initramfs_has() { lsinitramfs "/boot/initrd.img-$KVER" | grep -qE "$1"; }

# peer_up: the peer NIC in namespace "peer" with PEER_IP, and IFACE
# (the interface under test) with LOCAL_IP, both up.
peer_up()
{
	local iface=$1 peer

	peer=$(pci_iface "$PEER")
	if [[ -n $peer ]]; then
		ip netns add peer &&
		ip link set "$peer" netns peer &&
		ip -n peer addr add "$PEER_IP/24" dev "$peer" &&
		ip -n peer link set "$peer" up || return 1
	fi
	ip netns pids peer >/dev/null 2>&1 || return 1
	ip addr add "$LOCAL_IP/24" dev "$iface" &&
	ip link set "$iface" up
}

# pings: the peer reaches LOCAL_IP within 30 s (a link comes up late).
pings()
{
	for _ in $(seq 30); do
		ip netns exec peer ping -q -c 1 -W 1 "$LOCAL_IP" >/dev/null && return 0
	done
	return 1
}
