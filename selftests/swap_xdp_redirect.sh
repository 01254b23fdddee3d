#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_xdp_redirect.sh: XDP redirects into an interface whose first driver
# had no ndo_xdp_xmit. The kernel's devmap gives an interface the per-CPU
# bulk queue that XDP_REDIRECT transmits through once, at registration, and
# only if its driver then has ndo_xdp_xmit: an interface e1000 registered
# had none, so after a swap onto virtio_net (which has one) the first frame
# redirected into it met a NULL queue. The shadow offers devmap an
# ndo_xdp_xmit while a shadowed driver registers its interface, so that
# every such interface gets its queue.
#
#   QEMU hub: e1000 (the interface at first), virtio-net-pci (after the
#   swap, with a native XDP program that sends every frame back out
#   through XDP_REDIRECT), the peer in its namespace pinging it.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

OBJ=/shadow/bin/xdp_redirect_self.bpf.o
# xdp_count NAME: the sum of the interface's ethtool counters named *NAME*.
xdp_count() { ethtool -S "$dev" | awk -v n="$1" '$1 ~ n { s += $2 } END { print s + 0 }'; }

nic_find e1000 virtio-net-pci
cleanup()
{
	kill "${pinger:-}" 2>/dev/null
	ip link set dev "$dev" xdpdrv off 2>/dev/null
	swap_cleanup e1000 virtio-net-pci
}
trap cleanup EXIT
swap_start_on e1000 virtio-net-pci

out=$(shadowctl -j swap dev "$dev" to "${nic_addr[virtio-net-pci]}")
log "  $out"
jqt '.result == "swapped" and .to.driver == "virtio_net"' <<<"$out" ||
	fail "no swap onto virtio_net: $out"
ip link set dev "$dev" xdpdrv obj "$OBJ" sec xdp ||
	fail "native XDP on $dev (virtio_net)"
redir0=$(xdp_count xdp_redirects) sent0=$(xdp_count xdp_tx)
log "XDP redirect program on $dev; counters: redirects $redir0, xdp_tx $sent0"
peer ping -q -i 0.1 -c 30 -W 1 "$LOCAL_IP" >/dev/null 2>&1 &
pinger=$!
redirected() { (($(xdp_count xdp_redirects) > redir0 + 5)); }
busywait 15000 redirected
check "frames arriving are redirected (redirects $(xdp_count xdp_redirects), was $redir0)" \
	redirected
check "  and go out through virtio_net's ndo_xdp_xmit (xdp_tx $(xdp_count xdp_tx), was $sent0)" \
	[ "$(xdp_count xdp_tx)" -gt "$sent0" ]
wait $pinger
pinger=
ip link set dev "$dev" xdpdrv off || fail "detach XDP"
check "  the peer is answered again without it" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
swap_home e1000

check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
