# SPDX-License-Identifier: GPL-2.0
#
# Talk QMP to a guest of scripts/vm from host-side tests. The migration
# agent has its own C client; this is the test bed's plumbing only.

# qmp SOCKET COMMAND-JSON...: negotiate, send each command, print replies
# (one JSON object per line, events included).
qmp()
{
	local sock=$1
	shift

	{
		echo '{"execute":"qmp_capabilities"}'
		printf '%s\n' "$@"
		sleep 1
	} | socat -t 5 - "UNIX-CONNECT:$sock"
}

# qmp_ok SOCKET COMMAND-JSON: send one command; fail unless it returned.
qmp_ok()
{
	local reply

	reply=$(qmp "$1" "$2") || return 1
	echo "$reply" | grep -v '"event"' | tail -n 1 | grep -q '"return"' && return 0
	echo "qmp: $2 failed: $reply" >&2
	return 1
}

# qmp_unplug SOCKET ID: device_del ID, then wait (60 s at most) until QEMU
# has let the device go. The guest sees the NIC vanish as soon as its
# driver is unbound, but QEMU frees the device and releases its netdev
# back end only when the guest's ACPI eject reaches it (DEVICE_DELETED);
# a device_add that reuses the back end before that is refused with "it's
# in use", later on a slower host.
qmp_unplug()
{
	local sock=$1 id=$2 i list='{"execute":"qom-list","arguments":{"path":"/machine/peripheral"}}'

	qmp_ok "$sock" "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$id\"}}" || return 1
	for ((i = 0; i < 60; i++)); do
		qmp "$sock" "$list" | grep -v '"event"' | tail -n 1 |
			grep -q "\"name\": *\"$id\"" || return 0
	done
	echo "qmp: $id still present 60 s after device_del" >&2
	return 1
}

# guest_outcome KVER OUT RC VM: the end of a host test that drove a guest
# of scripts/vm (pid VM, artifacts in OUT) through QMP steps whose status
# is RC: wait for the guest, show its results, and fail unless the steps
# and the guest side both passed.
guest_outcome()
{
	local kver=$1 out=$2 rc=$3 vm=$4 status

	wait "$vm"
	status=$?
	echo "== $kver"
	cat "$out/results.tap"
	[[ $rc -eq 0 ]] || { echo "FAIL: $kver: QMP step failed"; return 1; }
	[[ $status -eq 0 ]] || { echo "FAIL: $kver: guest side failed (scripts/vm exit $status)"; return 1; }
}

# wait_line FILE REGEX SECONDS: poll until a line of FILE matches.
wait_line()
{
	local file=$1 re=$2 secs=$3 i

	for ((i = 0; i < secs * 10; i++)); do
		grep -q -E "$re" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out after ${secs}s waiting for /$re/ in $file" >&2
	return 1
}
