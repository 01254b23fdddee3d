# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the in-guest selftests, in the manner of the kernel's
# tools/testing/selftests/net/lib.sh: kselftest exit codes, polling instead
# of fixed sleeps, and the guest topology (which interface is which QEMU
# model, the peer namespace).
#
#   QEMU hub 0 (no host backend: no traffic leaves the guest)
#   ├── NIC under test, one model at a time up, 192.0.2.1/24 (root netns)
#   ├── ... the other models of /shadow/nics, down
#   └── peer NIC, in netns "peer", 192.0.2.2/24, iperf3 server

export PATH=/shadow/bin:/usr/sbin:/usr/bin:/sbin:/bin

readonly KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4
readonly NICS_FILE=/shadow/nics
readonly PEER_NS=peer
readonly LOCAL_IP=192.0.2.1 PEER_IP=192.0.2.2 PREFIX=24
# QEMU models that filter on their own MAC, not the one their driver
# programs: an interface that keeps another NIC's MAC gets no frames there
# (README, "What a swap carries"); the tours give it that NIC's MAC first
readonly MAC_FILTER_MODELS="vmxnet3 ne2k_pci"

log() { echo "$*"; }
# fail names the first mismatch check() saw: the summary keeps the FAIL
# line only, and a flaky check must be known from it.
fail() { echo "FAIL: $*${first_mismatch:+ (first: $first_mismatch)}"; exit $KSFT_FAIL; }
skip() { echo "SKIP: $*"; exit $KSFT_SKIP; }

# now_ms: monotonic enough for polling (busybox date has no %N).
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# nap SECONDS: sleep without forking a sleep(1), by timing out a read on a
# pipe nothing writes to (a fork and exec cost 130 ms on the debug kernel
# under TCG, so a polling loop around sleep(1) kept its vCPU busy).
nap()
{
	[[ -n ${NAP_FD:-} ]] || exec {NAP_FD}<> <(:)
	read -r -t "$1" -u "$NAP_FD" _ || :
}

# busywait TIMEOUT_MS CMD...: run CMD until it succeeds or time runs out
# (the clock read in place: $(now_ms) would fork a subshell each time).
busywait()
{
	local timeout_ms=$1 t deadline
	shift

	t=${EPOCHREALTIME/./}
	deadline=$((t / 1000 + timeout_ms))
	until "$@"; do
		t=${EPOCHREALTIME/./}
		((t / 1000 >= deadline)) && return 1
		nap 0.05
	done
}

# nic_field MODEL FIELD: driver (2), mac (3) or role (4) of a QEMU model.
nic_field()
{
	awk -v m="$1" -v f="$2" '$1 == m { print $f; exit }' "$NICS_FILE"
}

# iface_by_mac MAC [NETNS]: the interface that carries MAC, if any.
iface_by_mac()
{
	local mac=$1 ns=${2:-} dev

	if [[ -n $ns ]]; then
		ip netns exec "$ns" bash -c ". /shadow/selftests/lib/lib.sh; iface_by_mac $mac"
		return
	fi
	for dev in /sys/class/net/*; do
		[[ $(cat "$dev/address" 2>/dev/null) == "$mac" ]] || continue
		echo "${dev##*/}"
		return 0
	done
	return 1
}

# iface_driver IFACE: the name of the driver bound to IFACE's device.
iface_driver()
{
	local link

	link=$(readlink "/sys/class/net/$1/device/driver") || return 1
	echo "${link##*/}"
}

# check DESCRIPTION CONDITION...: log the outcome; count a mismatch in
# $failures instead of stopping, so one run reports every difference.
failures=0
check()
{
	local what=$1
	shift
	if "$@"; then
		log "ok: $what"
	else
		log "MISMATCH: $what"
		failures=$((failures + 1))
		first_mismatch=${first_mismatch:-$what}
	fi
}

peer() { ip netns exec "$PEER_NS" "$@"; }

carrier_up() { [[ $(cat "/sys/class/net/$1/carrier" 2>/dev/null) == 1 ]]; }

# jqt JQARGS...: the jq filter holds for its input (quiet).
jqt() { jq -e "$@" >/dev/null; }

# warn_count: how many kernel warnings the log holds so far.
warn_count() { dmesg | grep -c -e 'WARNING:' -e 'BUG:' || true; }
