#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A swap of an interface whose PCI function carries another one, on every
# kernel: a guest with an e1000 and a virtio-net NIC with failover=on
# (net_failover's master and its virtio_net standby on one function),
# running selftests/swap_failover.sh.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"
. "$TOP/scripts/lib/guest-test.sh"

one()
{
	local -a fo=()
	local a

	for a in -netdev hubport,id=hpfo,hubid=0 \
		 -device virtio-net-pci,netdev=hpfo,id=standby,mac=52:54:00:5d:0b:01,failover=on; do
		fo+=(--qemu "$a")
	done
	guest_test swap-failover "$1" -n e1000 -t 300 "${fo[@]}" -- \
		bash /shadow/selftests/swap_failover.sh
}

each_kernel one || exit 1
echo "a swap of a function that carries a net_failover master was refused on every kernel"
