#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot integration, as an operator sets it up (boot/, shadow-boot-config):
# with e1000 in /etc/shadow/drivers and the softdeps written, loading e1000
# the way udev's coldplug does (modprobe) loads the shadow first, and the
# e1000 interface is shadowed from its probe, its allocation padded for a
# swap to a bigger driver. A bad driver list is refused with its line
# named, and the softdeps already written are left as they were.

. /shadow/selftests/lib/lib.sh

mac=$(nic_field e1000 3)
[[ -n $mac ]] || skip "no e1000 in this guest"
CONF=/etc/modprobe.d/shadow-softdep.conf

cleanup()
{
	rm -f "$CONF" /etc/shadow/drivers
	modprobe -r e1000 shadow 2>/dev/null
	modprobe e1000
	busywait 10000 iface_by_mac "$mac" >/dev/null
}
trap cleanup EXIT

lsmod | grep -q '^shadow ' && fail "shadow already loaded"
mkdir -p /etc/shadow /etc/modprobe.d
printf '# the passthrough NIC\ne1000\n' >/etc/shadow/drivers
out=$(shadow-boot-config 2>&1)
check "shadow-boot-config writes the softdeps ($out)" [ $? -eq 0 ]
check "  without a warning: the kernel has e1000" [ -z "$(grep warning <<<"$out")" ]
check "  softdep e1000 pre: shadow" grep -qx 'softdep e1000 pre: shadow' "$CONF"
check "  and no other" [ "$(grep -c '^softdep' "$CONF")" -eq 1 ]
before=$(md5sum <"$CONF")
printf 'e1000 virtio_net\n' >/etc/shadow/drivers
out=$(shadow-boot-config 2>&1)
rc=$?
check "a bad driver list is refused: exit 1 (got $rc), its line named ($out)" \
	[ $rc -eq 1 -a -n "$(grep -F '/etc/shadow/drivers:1:' <<<"$out")" ]
check "  the softdeps written before are kept" [ "$(md5sum <"$CONF")" == "$before" ]

modprobe -r e1000 || fail "cannot unload e1000"
gone() { ! iface_by_mac "$mac" >/dev/null; }
busywait 10000 gone || fail "the e1000 interface stays after modprobe -r e1000"
modprobe e1000 || fail "modprobe e1000 failed"
check "modprobe e1000 loaded the shadow first" grep -q '^shadow ' /proc/modules
busywait 10000 iface_by_mac "$mac" >/dev/null || fail "no e1000 interface after modprobe"
dev=$(iface_by_mac "$mac")
DEV=$(shadowctl -j dev show dev "$dev")
check "$dev is shadowed from its probe: $DEV" \
	jqt '.[0].attached == true and .[0].driver == "e1000" and .[0].priv_size >= 16384' <<<"$DEV"
[[ $failures -eq 0 ]] || fail "$failures mismatches"
exit $KSFT_PASS
