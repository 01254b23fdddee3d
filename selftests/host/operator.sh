#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installing the shadow the way an operator would (issue 15): a Debian 12
# guest with systemd, udev and initramfs-tools on the first series' kernel
# and its headers (scripts/debian-image; built once, cached), booted three
# times from its own /boot like a boot loader would (scripts/lib/debian-
# guest.sh), each boot one stage of selftests/operator/:
#  1. install.sh: apt install of the two packages make deb builds, which
#     builds the module with DKMS in the guest; README's third command
#     (/etc/shadow/drivers, shadow-boot-config, update-initramfs -u);
#  2. verify.sh: the reboot comes up with e1000 under the shadow from the
#     initramfs, padded; a swap to the rtl8139 under ping; apt remove and
#     apt purge take everything away;
#  3. clean.sh: the next boot has no trace of it.
# The NICs: e1000 at 00:03.0, rtl8139 at 00:04.0 and a virtio-net peer at
# 00:05.0, all on QEMU's hub; no host networking.
# Exit 0 pass, 1 fail, 4 skip (not root, or no mmdebstrap).

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"
. "$TOP/scripts/lib/console.sh"
. "$TOP/scripts/lib/debian-guest.sh"

OUT=$TOP/build/check/host-operator
NICS=(e1000@0x3 rtl8139@0x4 virtio-net-pci@0x5)

[[ $(id -u) -eq 0 ]] || { echo "SKIP: mmdebstrap's root mode needs root"; exit 4; }
command -v mmdebstrap >/dev/null || { echo "SKIP: no mmdebstrap (scripts/setup installs it)"; exit 4; }

start=$SECONDS
image=$("$TOP/scripts/debian-image") || { echo "FAIL: no Debian image"; exit 1; }
echo "image: $image ($(cat "$image/.complete"), $((SECONDS - start)) s)"
read -r abi _ <"$image/.complete"
make -C "$TOP" --no-print-directory deb >"$TOP/build/deb.log" 2>&1 ||
	{ tail -n 20 "$TOP/build/deb.log"; echo "FAIL: make deb"; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT/share/debs"
cp --sparse=always "$image/disk.raw" "$OUT/disk.raw" || { echo "FAIL: cannot copy the image"; exit 1; }
cp "$TOP"/build/deb/shadow-dkms_*_all.deb "$TOP"/build/deb/shadow-tools_*_amd64.deb "$OUT/share/debs/"
cp -r "$TOP/selftests/operator" "$OUT/share/"

failed=0
for stage in install:1800 verify:900 clean:600; do
	name=${stage%%:*}
	: >"$OUT/share/results.tap"
	echo "exec bash /mnt/stage/operator/$name.sh" >"$OUT/share/stage"
	start=$SECONDS
	debian_boot "$OUT/disk.raw" "$abi" "$OUT/share" "$OUT/$name" "${stage#*:}" "${NICS[@]}"
	rc=$?
	echo "== boot $name ($((SECONDS - start)) s)"
	grep -v '^SHADOW-EXIT ' "$OUT/share/results.tap"
	cp "$OUT/share/results.tap" "$OUT/$name/results.tap"
	status=$(sed -n 's/^SHADOW-EXIT \([0-9]*\)$/\1/p' "$OUT/share/results.tap")
	if [[ $rc -ne 0 || $status != 0 ]]; then
		echo "FAIL: stage $name: boot status $rc, ${status:-no} failed checks (see $OUT/share/stage.log, $OUT/$name/console.log)"
		failed=1
		break
	fi
done
# A failed run keeps the disk to look into (debugfs, or boot it).
[[ $failed -eq 0 ]] || exit 1
rm -f "$OUT/disk.raw"
echo "installed with apt and DKMS, shadowed from boot, swapped, removed without a trace, on $abi"
