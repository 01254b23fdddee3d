#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The operator test's last boot, after apt purge: no trace of the shadow,
# and each NIC has its own driver back.

. "$(dirname "$0")/lib.sh"

udevadm settle
iface=$(pci_iface "$E1000")
check "the shadow is not loaded" eval '! has_module shadow'
check "modprobe has no shadow module" eval '! modinfo shadow'
check "the kernel log never names it" eval '! dmesg | grep -q "shadow:"'
check "the initramfs has no shadow.ko" eval '! initramfs_has "/shadow\.ko"'
check "no file of it is left" eval '[[ -z $(ls -d /etc/modprobe.d/shadow* /etc/shadow/drivers /usr/src/shadow-* /var/lib/dkms/shadow /usr/sbin/shadowctl /usr/sbin/migrate-agent /usr/share/initramfs-tools/hooks/shadow 2>/dev/null) ]]'
check "e1000 drives $E1000 ($iface), 8139cp $RTL8139" \
	eval 'driven_by $E1000 e1000 && driven_by $RTL8139 8139cp'
check "the peer reaches $iface on e1000 alone" eval 'peer_up "$iface" && pings'
finish poweroff
