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

nic_find e1000 rtl8139
trap 'swap_cleanup e1000 rtl8139' EXIT
swap_start_on e1000 rtl8139
ifindex=$(cat "/sys/class/net/$dev/ifindex")
. /shadow/selftests/lib/phases.sh
[[ -w $DBG/hold_phase ]] || fail "no debugfs knob hold_phase"

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

# both_back: the removed devices come back (rescan).
both_back()
{
	echo 1 >/sys/bus/pci/rescan
	busywait 10000 present e1000 && busywait 10000 present rtl8139 ||
		fail "the devices did not come back"
}

# one PHASE ACTION MODEL WANT: swap onto rtl8139 held in PHASE, ACTION on
# MODEL meanwhile; WANT is the result the case must end with (lib/phases.sh).
one()
{
	local phase=$1 action=$2 model=$3 want=$4 swap actor rc
	local what="$phase: $action $model" before

	log "== $what"
	before=$(holds)
	hold "$phase"
	shadowctl -j swap dev "$dev" to "${nic_addr[rtl8139]}" timeout 20000 \
		>/tmp/phases.json 2>/tmp/phases.err &
	swap=$!
	if ! busywait 30000 held "$before"; then
		check "$what: the swap reached $phase" false
		wait "$swap"
		echo 0 >"$DBG/hold_phase"
		both_back
		back_on_e1000
		return
	fi
	act "$action" "$model" &
	actor=$!
	wait "$swap"
	rc=$?
	wait "$actor"
	check "$what: the $action ended (exit $?)" true
	cat /tmp/phases.json /tmp/phases.err
	if case_ended "$what" "$want" /tmp/phases.json $rc; then
		both_back
		back_on_e1000
	else
		both_back
		start_again
	fi
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
