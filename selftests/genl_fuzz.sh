#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# genl_fuzz.sh [SECONDS]: SECONDS (default 60) of random and mutated
# requests to the shadow's generic netlink family (selftests/tools/
# genl_fuzz.c: built from the family's own policy, dumps cut halfway, and
# three less privileged callers that must get EPERM for every change),
# with e1000 under the shadow, rtl8139 unbound and every other NIC of the
# guest in reach of the requests. Then:
#  - no swap is left running, and every interface the shadow holds is
#    passive or parked; a parked one is taken back by a restart;
#  - the first interface was never unregistered (same ifindex);
#  - the shadow detaches from everything and unloads;
#  - every PCI device is bound to the driver it had before, and the
#    interface reaches the peer again.
# The runner fails the run on any kernel report (KASAN, lockdep, kmemleak
# on the debug kernel). Run last in a guest: the requests may move other
# NICs between drivers, which the end puts back.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

secs=${1:-60}
[[ $secs =~ ^[1-9][0-9]*$ ]] || fail "SECONDS: whole seconds, 1 or more: \"$secs\""

declare -A was_driver was_addr
for d in /sys/bus/pci/devices/*; do
	[[ -e $d/driver ]] && was_driver[${d##*/}]=$(basename "$(readlink "$d/driver")")
done

# restore_drivers: every PCI device on the driver it had at the start.
restore_drivers()
{
	local addr now

	for addr in "${!was_driver[@]}"; do
		now=""
		[[ -e /sys/bus/pci/devices/$addr/driver ]] &&
			now=$(basename "$(readlink "/sys/bus/pci/devices/$addr/driver")")
		[[ $now == "${was_driver[$addr]}" ]] && continue
		log "  $addr: on ${now:-no driver}, back to ${was_driver[$addr]}"
		[[ -n $now ]] && echo "$addr" > "/sys/bus/pci/devices/$addr/driver/unbind"
		modprobe -q "${was_driver[$addr]}" 2>/dev/null
		echo "$addr" > "/sys/bus/pci/drivers/${was_driver[$addr]}/bind" 2>/dev/null
	done
}

# settled: no swap the requests started is running (dev show names the
# swap running on an interface, parked and waiting for a device too). A
# no-target swap that still waits would take the probe of the device the
# recovery binds.
settled() { shadowctl -j dev show | jq -e 'all(.[]; .swap == null)' >/dev/null; }

nic_find e1000 rtl8139
trap 'swap_cleanup e1000 rtl8139; restore_drivers' EXIT
swap_start_on e1000 rtl8139
ifindex=$(cat "/sys/class/net/$dev/ifindex")
# each interface's PCI device (virtio_net's is its parent), by ifindex
for d in /sys/class/net/*; do
	p=$(readlink -f "$d/device" 2>/dev/null) || continue
	[[ $p == */virtio* ]] && p=$(readlink -f "$p/..")
	[[ $p == */pci* ]] && was_addr[$(cat "$d/ifindex")]=${p##*/}
done
# the states of a clean run (only the first interface is shadowed)
shadowctl -j dev show > /tmp/genl_fuzz.before.json

log "== $secs s of requests"
genl_fuzz "$secs"
rc=$?
check "genl_fuzz: no unprivileged change accepted, the family answers (exit $rc)" [ $rc -eq 0 ]

log "== afterwards"
busywait 120000 settled || fail "a swap is still running 120 s after the requests stopped"
shadowctl -j dev show > /tmp/genl_fuzz.after.json
ip -br link | sed 's/^/    /'
jq -r '.[] | "  \(.ifname) ifindex \(.ifindex) \(.state) \(.driver // "-") \(.bus_addr // "-")"' /tmp/genl_fuzz.after.json
check "every shadowed interface is passive or parked" \
	jq -e 'all(.[]; .state == "passive" or .state == "parked" or .state == "detached")' /tmp/genl_fuzz.after.json
check "$dev kept ifindex $ifindex" [ "$(cat "/sys/class/net/$dev/ifindex" 2>/dev/null)" == "$ifindex" ]
# A parked interface is taken by the next swap onto a free device: its
# own, which a driver may have bound meanwhile as a new interface once the
# swap had timed out (a driver loaded by name binds every free device).
while read -r d i; do
	addr=${was_addr[$i]:-}
	[[ -n $addr ]] || { check "parked $d (ifindex $i) had a PCI device" false; continue; }
	[[ -e /sys/bus/pci/devices/$addr/driver ]] &&
		echo "$addr" > "/sys/bus/pci/devices/$addr/driver/unbind"
	# a swap the requests started may still wait for a device
	for _ in $(seq 20); do
		out=$(shadowctl swap dev "$d" to "$addr" timeout 20000 2>&1)
		rc=$?
		[[ $out == *"the interface's own device: use restart"* ]] &&
			out=$(shadowctl restart dev "$d" timeout 20000 2>&1) && rc=0
		[[ $rc == 2 && $out == *"a swap of this interface is running"* ]] || break
		sleep 1
	done
	check "parked $d swapped back onto $addr ($out)" [ $rc -eq 0 ]
	ip -br link | sed 's/^/    /'
	shadowctl dev show | sed 's/^/    /'
done < <(jq -r '.[] | select(.state == "parked") | "\(.ifname) \(.ifindex)"' /tmp/genl_fuzz.after.json)
for d in $(shadowctl -j dev show | jq -r '.[] | select(.attached) | .ifname'); do
	shadowctl dev detach dev "$d" > /dev/null ||
		check "detach $d" false
done
busywait 10000 modprobe -r shadow 2>/dev/null
if [[ -d /sys/module/shadow ]]; then
	# An interface handed to a devres driver (tulip) pins the module
	# until that driver lets its device go (unload_devm.sh).
	# (This namespace's NICs only: the peer's is in its own.)
	log "  modprobe -r shadow: $(modprobe -r shadow 2>&1) (refcnt $(cat /sys/module/shadow/refcnt)): unbinding the NICs"
	for addr in "${was_addr[@]}"; do
		[[ -e /sys/bus/pci/devices/$addr/driver ]] &&
			echo "$addr" > "/sys/bus/pci/devices/$addr/driver/unbind"
	done
	busywait 30000 modprobe -r shadow 2>/dev/null
fi
check "the shadow unloads" [ ! -d /sys/module/shadow ]
restore_drivers
dev=$(iface_by_mac "$(nic_field e1000 3)")
check "the e1000 interface is back" [ -n "$dev" ]
ip link set "$dev" up 2>/dev/null
ip addr replace "$LOCAL_IP/$PREFIX" dev "$dev"
busywait 15000 carrier_up "$dev" || log "  no carrier on $dev"
check "$dev reaches the peer" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP"
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
