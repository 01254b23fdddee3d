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

DBG=/sys/kernel/debug/shadow
HOLD_MS=4000
declare -A phase_num=([parking]=2 [parked]=3 [binding]=4 [replaying]=5)
# QEMU's ids and back ends of the NICs (scripts/vm -n e1000,rtl8139).
declare -A qemu_id=([e1000]=nic1 [rtl8139]=nic2) qemu_netdev=([e1000]=hp1 [rtl8139]=hp2)

nic_find e1000 rtl8139
swap_start_on e1000 rtl8139
ifindex=$(cat "/sys/class/net/$dev/ifindex")
[[ -w $DBG/hold_phase ]] || fail "no debugfs knob hold_phase"

pci_dev() { echo "/sys/bus/pci/devices/${nic_addr[$1]}"; }
present() { [[ -e $(pci_dev "$1") ]]; }
absent() { ! present "$1"; }
dev_addr() { local p; p=$(readlink -f "/sys/class/net/$dev/device") && echo "${p##*/}"; }
driver_of() { ethtool -i "$dev" 2>/dev/null | awk '/^driver:/ { print $2 }'; }
holds() { dmesg | grep -c "swap [0-9]*: holding $HOLD_MS ms in phase "; }
held() { (($(holds) > $1)); }

# plug N MODEL: ask the host for MODEL's NIC back, in its slot.
plug()
{
	local slot=${nic_addr[$2]#*:*:}

	echo "PLUG $1 ${qemu_id[$2]} $2 ${qemu_netdev[$2]} $(nic_field "$2" 3) 0x${slot%.*}"
}

# unbind_other MODEL: MODEL's device, probed on its return with an
# interface of its own (the MAC of $dev's too), goes back to unbound.
unbind_other()
{
	local p

	p=$(pci_dev "$1")
	[[ -e $p/driver && ${nic_addr[$1]} != "$(dev_addr)" ]] &&
		echo "${nic_addr[$1]}" >"$p/driver/unbind"
	return 0
}

# recover: $dev on e1000 passing traffic, rtl8139 unbound, for the next case.
recover()
{
	local out

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

# restart: the interface went with its device: a new one on e1000.
restart()
{
	modprobe -r shadow || fail "restart: the shadow does not unload"
	[[ -e $(pci_dev e1000)/driver ]] || nic_bind e1000 || fail "restart: bind e1000"
	swap_start_on e1000 rtl8139
	ifindex=$(cat "/sys/class/net/$dev/ifindex")
}

# one N PHASE MODEL WANT [replug]: swap onto rtl8139 held in PHASE, MODEL's
# NIC unplugged meanwhile; with "replug" plugged back as soon as it is
# gone, while the swap still waits, else once the swap ended. WANT as in
# swap_phases.sh (race: rolled back, or gone, or swapped and then gone).
one()
{
	local n=$1 phase=$2 model=$3 want=$4 replug=${5:-} swap rc got reason
	local what="$phase: device_del $model${replug:+, plugged back}" before plugger=

	log "== $what"
	before=$(holds)
	echo "${phase_num[$phase]}" >"$DBG/hold_phase"
	echo "$HOLD_MS" >"$DBG/hold_phase_ms"
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
	[[ -n $plugger ]] && wait "$plugger"
	cat /tmp/devdel.json /tmp/devdel.err
	got=$(jq -r '.result' /tmp/devdel.json 2>/dev/null)
	reason=$(jq -r '.reason // empty' /tmp/devdel.json 2>/dev/null)
	if [[ -z $replug ]]; then
		busywait 60000 absent "$model" || fail "$what: the device did not go"
		plug "$n" "$model"
	fi
	busywait 60000 present "$model" || fail "$what: the device did not come back"
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
	esac
	check "$what: no kernel warning" [ "$(warn_count)" -eq 0 ]
	recover
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
