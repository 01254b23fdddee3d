# SPDX-License-Identifier: GPL-2.0
#
# A swap from e1000 onto rtl8139 held in a phase while a device goes
# (selftests/swap_phases.sh: the PCI core's removal, a driver unloaded;
# scripts/guest/swap-device-del.sh: a QMP unplug): the knobs and the
# checks of how each case ended. Sourced after lib.sh and swap.sh, with
# $dev and $ifindex set, nic_find done for e1000 and rtl8139.

DBG=/sys/kernel/debug/shadow
HOLD_MS=${HOLD_MS:-3000}

# The SHADOW_STATE_ values of the phases (uapi/linux/shadow.h).
declare -A phase_num=([parking]=2 [parked]=3 [binding]=4 [replaying]=5)

pci_dev() { echo "/sys/bus/pci/devices/${nic_addr[$1]}"; }
present() { [[ -e $(pci_dev "$1") ]]; }
# dev_addr: the PCI address the interface sits on, if any.
dev_addr() { local p; p=$(readlink -f "/sys/class/net/$dev/device") && echo "${p##*/}"; }
driver_of() { ethtool -i "$dev" 2>/dev/null | awk '/^driver:/ { print $2 }'; }
gone() { [[ ! -e /sys/class/net/$dev ]]; }
# holds: how many holds the kernel log shows so far; held N: more than N.
holds() { dmesg | grep -c "swap [0-9]*: holding $HOLD_MS ms in phase "; }
held() { (($(holds) > $1)); }

# hold PHASE: the next swap holds HOLD_MS in PHASE.
hold()
{
	echo "${phase_num[$1]}" >"$DBG/hold_phase" && echo "$HOLD_MS" >"$DBG/hold_phase_ms"
}

# unbind_other MODEL: MODEL's device bound to a driver with an interface
# other than $dev (its return probed it) goes back to unbound.
unbind_other()
{
	local p

	p=$(pci_dev "$1")
	[[ -e $p/driver && ${nic_addr[$1]} != "$(dev_addr)" ]] &&
		echo "${nic_addr[$1]}" >"$p/driver/unbind"
	return 0
}

# back_on_e1000: $dev on e1000 passing traffic, rtl8139 unbound, for the
# next case; both devices are there.
back_on_e1000()
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

# start_again: the interface went with its device: a new one on e1000,
# configured as at the start; both devices are there.
start_again()
{
	modprobe 8139cp && modprobe e1000 || fail "restart: modprobe"
	modprobe -r shadow || fail "restart: the shadow does not unload"
	# e1000's device stayed unbound since the park: swap_start_on unbinds
	[[ -e $(pci_dev e1000)/driver ]] || nic_bind e1000 || fail "restart: bind e1000"
	swap_start_on e1000 rtl8139
	ifindex=$(cat "/sys/class/net/$dev/ifindex")
}

# case_ended WHAT WANT JSON RC: check how the case WHAT ended against WANT
# ("swapped", "rolled-back", "gone": failed with the interface unregistered
# with its new device; "race": a removal in the binding phase waits for
# the probe's end and then races the swap: rolled back if it came before
# the replay, else gone, or swapped and then gone with the device, as any
# NIC's hot-unplug; the swap's result says which). Call it before the
# device comes back: its driver's new interface may take the name.
# Return 0 when the interface is still there (the caller brings it back
# onto e1000), 1 when it went (the caller starts again).
case_ended()
{
	local what=$1 want=$2 json=$3 rc=$4 got reason

	got=$(jq -r '.result' "$json" 2>/dev/null)
	reason=$(jq -r '.reason // empty' "$json" 2>/dev/null)
	if [[ $want == race ]]; then
		case $got in
		rolled-back) want=rolled-back ;;
		swapped)
			log "$what: swapped, then the interface went with its device"
			check "$what:   the interface is gone" busywait 15000 gone
			check "$what:   nothing shadowed is left" [ "$(shadowctl -j dev show | jq length)" -eq 0 ]
			return 1 ;;
		*) want=gone ;;
		esac
	fi
	if [[ $want == gone ]]; then
		check "$what: failed, the interface unregistered with its device (got ${got:-nothing}, exit $rc${reason:+: $reason})" \
			[ "$got" == failed ] && [[ $reason == *"unregistered during the swap"* ]]
		# The event can come before the unregister has finished.
		check "$what:   the interface is gone" busywait 15000 gone
		check "$what:   nothing shadowed is left" [ "$(shadowctl -j dev show | jq length)" -eq 0 ]
		check "$what: no kernel warning" [ "$(warn_count)" -eq 0 ]
		return 1
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
	return 0
}
