#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The operator test's first boot, on a Debian 12 system that has never
# seen the shadow: the three commands of README's "Installing on a Debian
# system" (the packages from the share), then a reboot.

. "$(dirname "$0")/lib.sh"

udevadm settle
check "e1000 drives $E1000 at first, without the shadow" \
	eval 'driven_by $E1000 e1000 && ! has_module shadow'
check "this kernel's headers are installed ($KVER)" test -d "/usr/src/linux-headers-$KVER"
check "the initramfs carries e1000 (/etc/initramfs-tools/modules): it loads the NIC driver early" \
	initramfs_has '/e1000\.ko'
start=$SECONDS
check "apt install shadow-dkms and shadow-tools" \
	apt install -y "$STAGE"/debs/shadow-dkms_*_all.deb "$STAGE"/debs/shadow-tools_*_amd64.deb
say "apt install took $((SECONDS - start)) s (the DKMS build under TCG)"
check "dkms status: shadow installed for $KVER" \
	eval 'dkms status shadow | grep -E "^shadow/[^,]+, $KVER, x86_64: installed"'
check "modinfo finds the DKMS-built module" \
	eval 'modinfo -k "$KVER" -F filename shadow | grep -q "^/lib/modules/$KVER/updates/dkms/shadow\.ko"'
check "its vermagic is this kernel's" \
	eval 'modinfo -k "$KVER" -F vermagic shadow | grep -q "^$KVER "'
check "shadowctl runs" shadowctl --version
start=$SECONDS
check "mkdir -p /etc/shadow && echo e1000 >>/etc/shadow/drivers && shadow-boot-config && update-initramfs -u" \
	eval 'mkdir -p /etc/shadow && echo e1000 >>/etc/shadow/drivers && shadow-boot-config && update-initramfs -u'
say "configuring and update-initramfs took $((SECONDS - start)) s"
check "  softdep e1000 pre: shadow" grep -qx 'softdep e1000 pre: shadow' /etc/modprobe.d/shadow-softdep.conf
check "  the initramfs now carries shadow.ko" initramfs_has '/shadow\.ko'
check "  and the softdeps" initramfs_has 'etc/modprobe\.d/shadow-softdep\.conf'
check "e1000 still runs without the shadow until the reboot" eval '! has_module shadow'
finish reboot
