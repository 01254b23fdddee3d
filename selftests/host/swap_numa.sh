#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A swap onto a NIC of another NUMA node, on every kernel: a guest with
# two nodes (one vCPU, its own socket, and 256 MiB each) and an e1000e behind a PCI
# expander bridge (pxb) on node 1, running selftests/swap_numa.sh.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"
. "$TOP/scripts/lib/guest-test.sh"

one()
{
	local -a numa=()
	local a

	# One socket per node: vCPUs sharing a cache across nodes make the
	# kernel warn at boot (topology_sane()).
	for a in -smp 2,sockets=2,cores=1,threads=1 \
		 -object memory-backend-ram,id=m0,size=256M -numa node,nodeid=0,cpus=0,memdev=m0 \
		 -object memory-backend-ram,id=m1,size=256M -numa node,nodeid=1,cpus=1,memdev=m1 \
		 -device pxb,id=pxb1,bus_nr=8,numa_node=1 \
		 -netdev hubport,id=hpnuma,hubid=0 \
		 -device e1000e,netdev=hpnuma,bus=pxb1,addr=0,mac=52:54:00:5d:0a:01; do
		numa+=(--qemu "$a")
	done
	guest_test swap-numa "$1" -c 2 -m 512 -n e1000 -t 400 "${numa[@]}" -- \
		bash /shadow/selftests/swap_numa.sh
}

each_kernel one || exit 1
echo "a swap onto a node-1 NIC took the interface on every kernel"
