#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The operator test's second boot: the NIC driven under the shadow from
# boot (from the initramfs, which loads e1000 early), a swap to another
# model under traffic, then apt remove and purge take everything away.

. "$(dirname "$0")/lib.sh"

udevadm settle
iface=$(pci_iface "$E1000")
check "e1000 drives $E1000 ($iface)" driven_by "$E1000" e1000
check "the shadow is loaded" has_module shadow
# The initramfs runs no systemd: a module the kernel logged before the
# real root's systemd started was loaded from the initramfs.
at=$(dmesg | grep -n -m 1 'shadow: version .* loaded' | cut -d: -f1)
root=$(dmesg | grep -n -m 1 'systemd\[1\]: systemd [0-9]' | cut -d: -f1)
check "it was loaded in the initramfs: kernel log line ${at:-none}, the root's systemd at ${root:-none}" \
	test "${at:-0}" -gt 0 -a "${at:-0}" -lt "${root:-0}"
dev=$(shadowctl -j dev show dev "$iface")
echo "$dev"
check "$iface is shadowed from its probe, padded for the other models' drivers" \
	jq -e '.[0].attached == true and .[0].driver == "e1000" and .[0].priv_size >= 61440 and
	       (.[0].can_host | any(. == "8139cp"))' <<<"$dev"
# shellcheck disable=SC2034 # used in an eval
ifindex=$(cat "/sys/class/net/$iface/ifindex")
check "the peer reaches $iface" eval 'peer_up "$iface" && pings'
check "8139cp lets go of $RTL8139, the NIC to swap to" \
	eval 'echo $RTL8139 >/sys/bus/pci/devices/$RTL8139/driver/unbind'
out=$(shadowctl swap dev "$iface" to "$RTL8139" 2>&1)
rc=$?
echo "$out"
check "shadowctl swap dev $iface to $RTL8139: ${out##*$'\n'}" test $rc -eq 0
check "  8139cp drives $RTL8139 as $iface, same ifindex" \
	eval 'driven_by $RTL8139 8139cp && [[ $(pci_iface $RTL8139) == "$iface" && $(cat /sys/class/net/$iface/ifindex) == "$ifindex" ]]'
check "  with $LOCAL_IP kept" eval 'ip -o addr show dev "$iface" | grep -q "inet $LOCAL_IP/24"'
check "  and the peer still reaches it" pings

start=$SECONDS
check "apt remove shadow-dkms shadow-tools" apt remove -y shadow-dkms shadow-tools
say "apt remove took $((SECONDS - start)) s"
check "  no shadow package is installed" \
	eval '! dpkg-query -W -f "\${db:Status-Status}\n" shadow-dkms shadow-tools | grep -qx installed'
check "  DKMS knows no shadow" eval '[[ -z $(dkms status shadow) && ! -e /var/lib/dkms/shadow ]]'
check "  no shadow.ko under /lib/modules" eval '[[ -z $(find /lib/modules -name "shadow.ko*") ]]'
check "  no source under /usr/src" eval '! compgen -G "/usr/src/shadow-*"'
check "  no softdeps" test ! -e /etc/modprobe.d/shadow-softdep.conf
check "  no initramfs hook" test ! -e /usr/share/initramfs-tools/hooks/shadow
check "  the initramfs was rebuilt without shadow.ko" eval '! initramfs_has "/shadow\.ko"'
check "  no tools" eval '! command -v shadowctl && ! command -v migrate-agent && ! command -v shadow-boot-config'
check "  /etc/shadow/drivers, a conffile, is kept until purge" test -f /etc/shadow/drivers
check "apt purge shadow-dkms shadow-tools" apt purge -y shadow-dkms shadow-tools
check "  /etc/shadow/drivers is gone" test ! -e /etc/shadow/drivers
check "  dpkg knows neither package" \
	eval '! dpkg-query -W shadow-dkms shadow-tools 2>/dev/null | grep -q .'
finish reboot
