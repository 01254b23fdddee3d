#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_xdp.sh: an XDP program that runs in the driver (virtio_net, native
# mode) would silently stop running when the driver is swapped, while
# `ip link` still reported it: such a swap is refused with a reason. A
# generic-mode program runs in the stack and stays across the swap.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

OBJ=/shadow/bin/xdp_pass.bpf.o
xdp_mode() { ip -j -d link show dev "$dev" | jq -r '.[0].xdp.mode // "none"'; }

nic_find virtio-net-pci e1000
cleanup()
{
	ip link set dev "$dev" xdpdrv off 2>/dev/null
	ip link set dev "$dev" xdpgeneric off 2>/dev/null
	swap_cleanup virtio-net-pci e1000
}
trap cleanup EXIT
swap_start_on virtio-net-pci e1000

ip link set dev "$dev" xdpdrv obj "$OBJ" sec xdp || fail "native XDP on virtio_net"
log "XDP mode: $(xdp_mode)"
out=$(shadowctl swap dev "$dev" to "${nic_addr[e1000]}" 2>&1)
rc=$?
log "  $out"
check "with a native XDP program: refused, exit 2 (got $rc)" [ $rc -eq 2 ]
check "  saying why" grep -q 'XDP program runs in the driver' <<<"$out"
check "  still on virtio_net, program attached" \
	[ "$(iface_driver "$dev")" == virtio_net -a "$(xdp_mode)" != none ]

ip link set dev "$dev" xdpdrv off || fail "detach native XDP"
ip link set dev "$dev" xdpgeneric obj "$OBJ" sec xdp || fail "generic XDP"
out=$(shadowctl -j swap dev "$dev" to "${nic_addr[e1000]}")
rc=$?
log "  $out"
check "with a generic XDP program: swapped (exit $rc)" \
	jqt '.result == "swapped" and .to.driver == "e1000"' <<<"$out"
check "  the generic program is still attached ($(xdp_mode))" [ "$(xdp_mode)" != none ]
check "  traffic passes through it" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
swap_home virtio-net-pci

check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
