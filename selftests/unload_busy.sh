#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# unload_busy.sh: rmmod shadow while a shadowed driver is inside one of the
# shadow's wrappers. e1000 probes under the shadow and its register_netdev
# is held in the wrapper (debugfs hold_register_ms); the shadow is unloaded
# meanwhile. The unload must wait for the call to leave the module's text
# (else the probe returns into freed memory and the guest oopses), then
# hand the interface back to e1000, which must work as if the shadow had
# never been there.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

# Longer than an unload takes by itself (some 8 s under TCG: each unhook
# waits for an RCU-tasks grace period), so that the unload meets the call.
HOLD_MS=20000
DEBUGFS=/sys/kernel/debug/shadow

nic_find e1000
trap 'swap_cleanup e1000' EXIT
padded() { dmesg | grep -c 'shadow: netdev allocation padded' || true; }
allocated() { [ "$(padded)" -gt "$before" ]; }

lsmod | grep -q '^shadow ' && fail "shadow already loaded"
modprobe shadow || fail "modprobe shadow failed"
nic_unbind e1000 || fail "unbind e1000"
before=$(padded)
echo "$HOLD_MS" >"$DEBUGFS/hold_register_ms" || fail "no hold_register_ms knob"
nic_bind e1000 &
binder=$!
busywait 10000 allocated || fail "e1000 did not allocate under the shadow"
log "e1000 is probing, its registration held ${HOLD_MS} ms in the shadow's wrapper"

start=$(now_ms)
modprobe -r shadow
rc=$?
took=$(($(now_ms) - start))
check "rmmod shadow succeeded (exit $rc, ${took} ms)" [ $rc -eq 0 ]
dev=$(iface_by_mac "$(nic_field e1000 3)")
check "the registration had ended when rmmod returned (interface: ${dev:-none})" [ -n "$dev" ]
wait "$binder"
check "the bind succeeded" [ $? -eq 0 ]
check "the shadow is gone" [ ! -e /sys/module/shadow ]
check "e1000's own ops are back (ethtool -i: $(ethtool -i "$dev" | head -1))" \
	grep -q '^driver: e1000$' <(ethtool -i "$dev")
ip addr add "$LOCAL_IP/$PREFIX" dev "$dev" && ip link set "$dev" up || fail "configure $dev"
busywait 15000 carrier_up "$dev" && busywait 10000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null
check "$dev passes traffic" [ $? -eq 0 ]
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
