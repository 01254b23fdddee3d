#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of selftests/host/swap_device_del.sh: a NIC hot-unplugged by
# QEMU (device_del: an ACPI eject the guest carries out) in each phase of
# a swap from e1000 onto rtl8139 (8139cp), the swap held in that phase by
# the shadow's debugfs knobs hold_phase and hold_phase_ms. For each case
# the guest prints "UNPLUG N ID" once the swap is held, the host unplugs
# QEMU device ID; once the guest wants the device back it prints "PLUG N
# ID MODEL NETDEV MAC SLOT" and the host plugs the same NIC into the same
# slot. selftests/swap_phases.sh does the same with the PCI core's own
# removal (sysfs); each case must end as there: swapped onto 8139cp or
# rolled back onto e1000 passing traffic, or failed with the interface
# gone with its new device, and no kernel warning.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/lib/swap.sh

# QEMU's ids and back ends of the NICs (scripts/vm -n e1000,rtl8139).
declare -A qemu_id=([e1000]=nic1 [rtl8139]=nic2) qemu_netdev=([e1000]=hp1 [rtl8139]=hp2)

nic_find e1000 rtl8139
swap_start_on e1000 rtl8139
ifindex=$(cat "/sys/class/net/$dev/ifindex")
HOLD_MS=4000
. /shadow/selftests/lib/phases.sh
[[ -w $DBG/hold_phase ]] || fail "no debugfs knob hold_phase"

absent() { ! present "$1"; }

# plug N MODEL: ask the host for MODEL's NIC back, in its slot.
plug()
{
	local slot=${nic_addr[$2]#*:*:}

	echo "PLUG $1 ${qemu_id[$2]} $2 ${qemu_netdev[$2]} $(nic_field "$2" 3) 0x${slot%.*}"
}

# one N PHASE MODEL WANT [replug]: swap onto rtl8139 held in PHASE, MODEL's
# NIC unplugged meanwhile; with "replug" plugged back as soon as it is
# gone, while the swap still waits, else once the swap ended. WANT as in
# lib/phases.sh.
one()
{
	local n=$1 phase=$2 model=$3 want=$4 replug=${5:-} swap rc ended
	local what="$phase: device_del $model${replug:+, plugged back}" before plugger=

	log "== $what"
	before=$(holds)
	hold "$phase"
	shadowctl -j swap dev "$dev" to "${nic_addr[rtl8139]}" timeout 30000 \
		>/tmp/devdel.json 2>/tmp/devdel.err &
	swap=$!
	busywait 30000 held "$before" || fail "$what: the swap did not reach $phase"
	echo "UNPLUG $n ${qemu_id[$model]}"
	if [[ -n $replug ]]; then
		{ busywait 60000 absent "$model" && plug "$n" "$model"; } &
		plugger=$!
	fi
	wait "$swap"
	rc=$?
	cat /tmp/devdel.json /tmp/devdel.err
	if [[ -z $replug ]]; then
		busywait 60000 absent "$model" || fail "$what: the device did not go"
	fi
	# Before the device is back: its driver's new interface could take the name.
	case_ended "$what" "$want" /tmp/devdel.json $rc
	ended=$?
	if [[ -n $plugger ]]; then
		wait "$plugger"
	else
		plug "$n" "$model"
	fi
	busywait 60000 present "$model" || fail "$what: the device did not come back"
	if ((ended == 0)); then
		back_on_e1000
	else
		start_again
	fi
}

one 1 parking e1000 swapped
one 2 parked e1000 swapped
one 3 parked rtl8139 swapped replug
one 4 binding rtl8139 race
one 5 replaying rtl8139 rolled-back

log "== after the cases"
modprobe -r shadow
check "the shadow unloads (exit $?)" [ ! -d /sys/module/shadow ]
check "$dev is still there, on e1000" [ "$(driver_of)" == e1000 ]
check "no kernel warning" [ "$(warn_count)" -eq 0 ]
[[ $failures -eq 0 ]] || fail "$failures checks failed"
echo "SURVIVED device_del in every phase"
