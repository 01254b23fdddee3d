#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load the driver of every device present, by modalias, as udev would. The
# guest has no udev and Debian's kernels have no uevent helper, so init runs
# this at boot and tests run it again after a hot-plug. Loading virtio_pci
# creates virtio devices that need a second pass; stop when a pass finds no
# device without a driver that it has not tried yet.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
declare -A tried

for pass in 1 2 3; do
	new=0
	for alias in /sys/bus/{pci,virtio}/devices/*/modalias; do
		[[ -r $alias ]] || continue
		dev=${alias%/modalias}
		[[ -e $dev/driver || -n ${tried[$dev]:-} ]] && continue
		tried[$dev]=1
		new=1
		modprobe -q -b "$(<"$alias")" || true
	done
	[[ $new -eq 1 ]] || break
done
