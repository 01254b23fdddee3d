#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# unload_devm.sh: an interface handed to a driver that allocates through
# devres (tulip: devm_alloc_etherdev_mqs) keeps shadow.ko loaded until
# that driver lets it go, because the driver core will call the shadow's
# release action then. Before the fix rmmod succeeded and the later unbind
# jumped into the unloaded module's text.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

nic_find e1000 tulip
trap 'swap_cleanup e1000 tulip' EXIT
swap_start_on e1000 tulip
out=$(shadowctl -j swap dev "$dev" to "${nic_addr[tulip]}")
log "  $out"
check "swapped onto tulip" jqt '.result == "swapped" and .to.driver == "tulip"' <<<"$out"
check "  passes traffic" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
out=$(rmmod shadow 2>&1)
rc=$?
log "  rmmod shadow: exit $rc: $out"
check "rmmod shadow is refused while tulip holds the handed interface" \
	[ $rc -ne 0 -a -e /sys/module/shadow ]
check "  the interface still works" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
ip addr flush dev "$dev"
nic_unbind tulip || fail "unbind tulip"
check "tulip's unbind took the interface with it" [ ! -e "/sys/class/net/$dev" ]
check "then rmmod shadow works" rmmod shadow
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
