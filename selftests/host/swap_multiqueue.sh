#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Queue padding and RSS across swaps need a multi-queue NIC: vmxnet3 asks
# for a queue pair per online CPU. The in-guest suite boots one vCPU (more
# is slower under TCG on this host), so this boots each pinned kernel with
# two vCPUs, e1000 and vmxnet3, and runs selftests/swap_multiqueue.sh.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"
. "$TOP/scripts/lib/guest-test.sh"

# one KERNEL: the guest test's exit status.
one()
{
	guest_test swap-multiqueue "$1" -c 2 -n e1000,vmxnet3 -t 400 -- \
		bash /shadow/selftests/swap_multiqueue.sh
}

each_kernel one || exit 1
echo "queue padding and RSS carried across swaps, on every kernel"
