#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_numa.sh: a swap onto a NIC of another NUMA node (#11 item 4). The
# guest (selftests/host/swap_numa.sh) has two nodes of one vCPU each and
# an e1000e (MAC NUMA_MAC) behind a PCI expander bridge on node 1; the PCI
# core then runs its probe in a worker on node 1's CPU (work_on_cpu()),
# not in the task that binds it. The interface on e1000 is swapped onto
# it: the claim must follow the probe into the worker, where before it
# let e1000e allocate an interface of its own ("probed with an interface
# of its own").

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

NUMA_MAC=52:54:00:5d:0a:01

ping_peer() { ping -q -c 1 -W 1 "$PEER_IP" >/dev/null; }

nic_find e1000
far=$(iface_by_mac "$NUMA_MAC") || skip "no NIC with $NUMA_MAC (run by selftests/host/swap_numa.sh)"
path=$(readlink -f "/sys/class/net/$far/device")
far_addr=${path##*/}
log "far NIC: $far at $far_addr, node $(<"$path/numa_node"), driver $(iface_driver "$far")"
[[ $(<"$path/numa_node") == 1 ]] || fail "$far_addr is on node $(<"$path/numa_node"), not 1"
trap 'swap_cleanup e1000; echo "$far_addr" >/sys/bus/pci/drivers/e1000e/bind 2>/dev/null' EXIT
echo "$far_addr" >/sys/bus/pci/drivers/e1000e/unbind || fail "unbind $far_addr"

swap_start_on e1000
before=$(<"/sys/class/net/$dev/ifindex")
out=$(shadowctl -j swap dev "$dev" to "$far_addr" timeout 20000)
rc=$?
log "  $out"
check "swapped onto the node-1 NIC (shadowctl exit $rc)" [ $rc -eq 0 ]
check "  $dev is on e1000e now" [ "$(iface_driver "$dev")" == e1000e ]
check "  at $far_addr" [ "$(basename "$(readlink -f "/sys/class/net/$dev/device")")" == "$far_addr" ]
check "  same ifindex" [ "$(<"/sys/class/net/$dev/ifindex")" == "$before" ]
check "  and it reaches the peer" busywait 20000 ping_peer
[[ $failures -eq 0 ]] || fail "$failures mismatches"
exit $KSFT_PASS
