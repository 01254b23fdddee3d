#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_phases.sh: a device removed, or a driver module unloaded, in each
# phase of a swap from e1000 onto rtl8139 (8139cp). The shadow's debugfs
# knobs hold_phase and hold_phase_ms hold the swap in that phase (after
# the park, before the bind, at the new driver's claim before its probe,
# before the replay) while the test acts; the removal is the PCI core's
# own (sysfs remove, the path a hot-unplug takes; rescan brings the
# device back). Each case must end in a documented state, the one the
# table names: swapped onto 8139cp or rolled back onto e1000, passing
# traffic either way, or parked with a reason; the interface keeps its
# ifindex, and the kernel warns of nothing. The new device removed after
# its probe and before the replay is absorbed like a probe that fails
# (it first oopsed in e1000_close: the detach gave the new driver's
# interface the old driver's tables). Not yet as issue 13 asks: once the
# replay has opened the new driver, its device's removal unregisters the
# interface with it, as any NIC's hot-unplug (selftests/host/
# swap_unplug.sh checks that the swap then fails saying so).
# Between cases the interface goes back onto e1000 with rtl8139 unbound.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

DBG=/sys/kernel/debug/shadow
HOLD_MS=3000

# The SHADOW_STATE_ values of the phases (uapi/linux/shadow.h).
declare -A phase_num=([parking]=2 [parked]=3 [binding]=4 [replaying]=5)

nic_find e1000 rtl8139
trap 'swap_cleanup e1000 rtl8139' EXIT
swap_start_on e1000 rtl8139
ifindex=$(cat "/sys/class/net/$dev/ifindex")
[[ -w $DBG/hold_phase ]] || fail "no debugfs knob hold_phase"

pci_dev() { echo "/sys/bus/pci/devices/${nic_addr[$1]}"; }
# dev_addr: the PCI address the interface sits on, if any.
dev_addr() { local p; p=$(readlink -f "/sys/class/net/$dev/device") && echo "${p##*/}"; }
driver_of() { ethtool -i "$dev" 2>/dev/null | awk '/^driver:/ { print $2 }'; }
# holds: how many holds the kernel log shows so far; held N: more than N.
holds() { dmesg | grep -c "swap [0-9]*: holding $HOLD_MS ms in phase "; }
held() { (($(holds) > $1)); }
present() { [[ -e $(pci_dev "$1") ]]; }

# act ACTION MODEL: remove MODEL's device, remove it and plug it back a
# second later (replug), or unload its driver's module (rmmod). In the
# background: a removal in the binding phase waits for the probe's end.
act()
{
	case $1 in
	remove) echo 1 >"$(pci_dev "$2")/remove" ;;
	replug) echo 1 >"$(pci_dev "$2")/remove" && nap 1 && echo 1 >/sys/bus/pci/rescan ;;
	rmmod) modprobe -r "${nic_driver[$2]}" ;;
	esac
}

# unbind_other MODEL: MODEL's device bound to a driver with an interface
# other than $dev (a rescan probed it) goes back to unbound.
unbind_other()
{
	local p
	p=$(pci_dev "$1")
	[[ -e $p/driver && ${nic_addr[$1]} != "$(dev_addr)" ]] &&
		echo "${nic_addr[$1]}" >"$p/driver/unbind"
	return 0
}

# recover: both devices back, $dev on e1000 passing traffic, rtl8139
# unbound, for the next case.
recover()
{
	local out

	echo 1 >/sys/bus/pci/rescan
	busywait 10000 present e1000 && busywait 10000 present rtl8139 ||
		fail "recover: the devices did not come back"
	modprobe 8139cp && modprobe e1000 || fail "recover: modprobe"
	unbind_other e1000
	if [[ $(driver_of) != e1000 || $(state) != passive ]]; then
		out=$(shadowctl -j swap dev "$dev" to "${nic_addr[e1000]}" timeout 30000)
		jqt '.result == "swapped"' <<<"$out" || fail "recover: back onto e1000: $out"
	fi
	unbind_other rtl8139
	busywait 15000 ping -q -c 1 -W 1 "$PEER_IP" >/dev/null ||
		fail "recover: no traffic on e1000"
}

# restart: after a case that took the interface with its device, both
# devices back and a new interface on e1000, configured as at the start.
restart()
{
	echo 1 >/sys/bus/pci/rescan
	busywait 10000 present rtl8139 || fail "restart: rtl8139 did not come back"
	modprobe 8139cp && modprobe e1000 || fail "restart: modprobe"
	modprobe -r shadow || fail "restart: the shadow does not unload"
	# e1000's device stayed unbound since the park: swap_start_on unbinds
	[[ -e $(pci_dev e1000)/driver ]] || nic_bind e1000 || fail "restart: bind e1000"
	swap_start_on e1000 rtl8139
	ifindex=$(cat "/sys/class/net/$dev/ifindex")
}

# one PHASE ACTION MODEL WANT: swap onto rtl8139 held in PHASE, ACTION on
# MODEL meanwhile; WANT is the result the case must end with ("gone":
# failed, the interface unregistered with its new device; "race": a
# removal in the binding phase waits for the probe's end, and then races
# the swap: rolled back if it came before the replay, else gone as above,
# or swapped and then gone with the device, as any NIC's hot-unplug).
one()
{
	local phase=$1 action=$2 model=$3 want=$4 swap actor rc got reason
	local what="$phase: $action $model" before

	log "== $what"
	before=$(holds)
	echo "${phase_num[$phase]}" >"$DBG/hold_phase"
	echo "$HOLD_MS" >"$DBG/hold_phase_ms"
	shadowctl -j swap dev "$dev" to "${nic_addr[rtl8139]}" timeout 20000 \
		>/tmp/phases.json 2>/tmp/phases.err &
	swap=$!
	if ! busywait 30000 held "$before"; then
		check "$what: the swap reached $phase" false
		wait "$swap"
		echo 0 >"$DBG/hold_phase"
		recover
		return
	fi
	act "$action" "$model" &
	actor=$!
	wait "$swap"
	rc=$?
	wait "$actor"
	check "$what: the $action ended (exit $?)" true
	cat /tmp/phases.json /tmp/phases.err
	got=$(jq -r '.result' /tmp/phases.json 2>/dev/null)
	reason=$(jq -r '.reason // empty' /tmp/phases.json 2>/dev/null)
	if [[ $want == race ]]; then
		if [[ -e /sys/class/net/$dev ]]; then
			want=rolled-back
		elif [[ $got == swapped ]]; then
			log "$what: swapped, then the interface went with its device"
			check "$what:   nothing shadowed is left" [ "$(shadowctl -j dev show | jq length)" -eq 0 ]
			restart
			return
		else
			want=gone
		fi
	fi
	if [[ $want == gone ]]; then
		check "$what: failed, the interface unregistered with its device (got ${got:-nothing}, exit $rc${reason:+: $reason})" \
			[ "$got" == failed ] && [[ $reason == *"unregistered during the swap"* ]]
		check "$what:   the interface is gone" [ ! -e "/sys/class/net/$dev" ]
		check "$what:   nothing shadowed is left" [ "$(shadowctl -j dev show | jq length)" -eq 0 ]
		check "$what: no kernel warning" [ "$(warn_count)" -eq 0 ]
		restart
		return
	fi
	check "$what: ended $want (got ${got:-nothing}, exit $rc${reason:+: $reason})" \
		[ "$got" == "$want" ]
	check "$what:   same ifindex" [ "$(cat "/sys/class/net/$dev/ifindex" 2>/dev/null)" == "$ifindex" ]
	case $got in
	swapped)
		check "$what:   on 8139cp" [ "$(driver_of)" == 8139cp ]
		check "$what:   passes traffic" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP" ;;
	rolled-back)
		check "$what:   on e1000 again" [ "$(driver_of)" == e1000 ]
		check "$what:   passes traffic" busywait 15000 ping -q -c 1 -W 1 "$PEER_IP" ;;
	failed)
		check "$what:   parked" parked
		check "$what:   with a reason" [ -n "$reason" ] ;;
	esac
	check "$what: no kernel warning" [ "$(warn_count)" -eq 0 ]
	recover
}

one parking remove e1000 swapped
one parking rmmod e1000 swapped
one parked replug rtl8139 swapped
one parked remove e1000 swapped
one binding remove rtl8139 race
one binding rmmod rtl8139 race
one replaying remove rtl8139 rolled-back
one replaying rmmod rtl8139 rolled-back

log "== after the cases"
modprobe -r shadow
check "the shadow unloads (exit $?)" [ ! -d /sys/module/shadow ]
check "$dev is still there, on e1000" [ "$(driver_of)" == e1000 ]
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
