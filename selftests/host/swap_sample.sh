#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What userspace sees during swaps onto each of the nine drivers: boots
# each pinned kernel with two vCPUs (so that the sampler runs while a
# probe does) and every NIC model, and runs selftests/swap_sample.sh over
# a tour that lands once on every driver and ends where it started.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"
. "$TOP/scripts/lib/guest-test.sh"

tour=$(awk '!/^#/ && NF { printf "%s ", $1 }' "$TOP/scripts/nics.conf")e1000

# one KERNEL: the guest test's exit status.
one()
{
	# shellcheck disable=SC2086 # the tour is a word list
	guest_test swap-sample "$1" -c 2 -t 600 -- bash /shadow/selftests/swap_sample.sh $tour
}

each_kernel one || exit 1
echo "lookups, name, MTU, MAC, statistics and ethtool held in every sample of every swap, on every kernel"
