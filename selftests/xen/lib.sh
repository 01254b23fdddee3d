# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the tests that run in dom0 (scripts/xen-vm), after
# selftests/lib/lib.sh: PV domUs of the kit in /shadow/xen/domU and what
# their consoles say. A domU's init runs selftests/xen/NAME.sh for
# shadow.domU=NAME; heartbeat.sh prints "DOMU: HB N up=S nics=[...]
# ping=ok|fail" every second, and tests print "DOMU: WORD ..." lines.

XL=/usr/lib/xen-4.17/bin/xl
CONSOLES=/var/log/xen/console
DOMU=/shadow/xen/domU

# domain_cfg NAME TEST [CFG LINE...]: a PV domU of the kit running
# selftests/xen/TEST.sh, as /tmp/NAME.cfg. Without panic_on_warn: the
# guest kernel's pcifront warns when the last device leaves (on every
# migration), and scripts/xen-vm fails the run on any other warning.
domain_cfg()
{
	local name=$1 test=$2
	shift 2

	printf '%s\n' "name = \"$name\"" 'type = "pv"' \
		"kernel = \"$DOMU/vmlinuz\"" "ramdisk = \"$DOMU/initrd.cpio.gz\"" \
		"extra = \"console=hvc0 panic=-1 oops=panic shadow.domU=$test\"" \
		'memory = 256' 'vcpus = 1' 'on_crash = "preserve"' "$@" >"/tmp/$name.cfg"
}

# said NAME WORD: the rest of NAME's last "DOMU: WORD ..." line, if any
# (without the console's carriage returns).
said()
{
	cat "$CONSOLES/guest-$1".log "$CONSOLES/guest-$1"--*.log 2>/dev/null |
		tr -d '\r' | sed -n "s/^DOMU: $2 *//p" | tail -n 1
}

# has_said NAME WORD: NAME printed a "DOMU: WORD" line.
has_said()
{
	cat "$CONSOLES/guest-$1".log "$CONSOLES/guest-$1"--*.log 2>/dev/null |
		grep -q "^DOMU: $2\b"
}

# wait_said SECS NAME WORD: NAME prints "DOMU: WORD" within SECS.
wait_said() { busywait $(($1 * 1000)) has_said "$2" "$3"; }

# last_hb NAME [FIELD]: the newest heartbeat of NAME's domains (a
# migration's receiving domain logs as NAME--incoming): its number, or
# with FIELD "up" its uptime in whole seconds, or "ping" its ping.
last_hb()
{
	cat "$CONSOLES/guest-$1".log "$CONSOLES/guest-$1"--*.log 2>/dev/null |
		awk -v f="${2:-n}" '$1 == "DOMU:" && $2 == "HB" && $3 + 0 > n {
			n = $3 + 0; up = $4; ping = $NF
		} END {
			sub(/^up=/, "", up); sub(/\..*/, "", up); sub(/^ping=/, "", ping)
			print f == "up" ? up : f == "ping" ? ping : n + 0
		}'
}

# boots NAME: how many times NAME's domains started their init.
boots()
{
	cat "$CONSOLES/guest-$1".log "$CONSOLES/guest-$1"--*.log 2>/dev/null |
		grep -c '^DOMU: up, running'
}

# hb_after NAME N: NAME has printed a heartbeat newer than N.
hb_after() { (($(last_hb "$1") > $2)); }

# hb_ping_after NAME N: ... and the newest one pinged dom0.
hb_ping_after() { hb_after "$1" "$2" && [[ $(last_hb "$1" ping) == ok ]]; }

# wait_hb SECS CHECK NAME N: CHECK (hb_after, hb_ping_after) comes true.
wait_hb() { busywait $(($1 * 1000)) "$2" "$3" "$4"; }

domid() { $XL domid "$1" 2>/dev/null; }

# is_new OLD NEW / not_less A B: tests of values that may be missing.
is_new() { [[ -n $2 && $2 != "$1" ]]; }
not_less() { [[ -n $1 && -n $2 && $1 -ge $2 ]]; }

