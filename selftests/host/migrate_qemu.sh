#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# migrate-agent's QEMU back end, end to end: a guest whose shadowed e1000
# carries a TCP and a UDP stream to a peer in another QEMU process (on
# loopback UDP sockets, so the peer sees what a host on the LAN would) is
# live-migrated by migrate-agent from QEMU process to QEMU process, each
# time arriving with another NIC model: rtl8139 (8139cp), then e1000e,
# then virtio-net. Before the first migration, the failure cases: a guest
# that does not answer, a destination without the NIC model, and a
# migration that fails (the NIC comes back at the source and the guest
# swaps back onto it). Every byte of the TCP stream must reach the peer.
#
#   migrate_qemu.sh [KVER]   (default: each kernel in $MIGRATE_KERNELS,
#                             6.1 unless set)
#
# Not on 6.12 by default: there, some runs end in guest memory corruption
# after a migration (3 of 7 at first, 1 of 25 later), not attributed yet;
# the memory comparison below found the RAM arriving intact, so it is not
# lost in transit. README, "Migrating a guest", has the figures.
# MIGRATE_KERNELS="6.1 6.12" runs both.
#
# MIGRATE_MEMCMP=1 also checks that the guest's memory arrives as it left:
# each destination starts paused (-S); once the guest has arrived, both
# processes' guest RAM is saved (QMP pmemsave, on a second monitor, the
# agent holding the first) and compared page by page, then the destination
# runs on. A page that differs is one the migration lost. The sources are
# not quit (their RAM is read after the migration); the agent's 10 s wait
# for a running destination bounds the comparison.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/qmp.sh"
. "$TOP/scripts/lib/kernels.sh"

if [[ $# -eq 0 ]]; then
	rc=0
	for k in ${MIGRATE_KERNELS:-6.1}; do
		echo "== $k"
		bash "$0" "$k" || rc=1
	done
	exit $rc
fi
KVER=$1
OUT=$TOP/build/check/host-migrate-qemu-$KVER
AGENT=$TOP/build/bin/migrate-agent
# the hops: QEMU model of the NIC the guest arrives with, and its driver
HOPS=(rtl8139:8139cp e1000e:e1000e virtio-net-pci:virtio_net)
BASE=$((42000 + $$ % 1000 * 8))
failures=0
pids=()
MEMCMP=${MIGRATE_MEMCMP:-0}
MEM_BYTES=$((512 * 1024 * 1024))	# scripts/vm's guest memory

say() { echo "# $*"; }
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }
# every process of this run: the scripts/vm shells and their QEMUs
cleanup() { kill "${pids[@]}" 2>/dev/null; pkill -f -- "$OUT/" 2>/dev/null; }
trap cleanup EXIT

# agent NAME ARGS...: run migrate-agent -j, output in $OUT/NAME.json; sets rc.
agent()
{
	local name=$1
	shift
	"$AGENT" -j "$@" >"$OUT/$name.json" 2>"$OUT/$name.err"
	rc=$?
	sed 's/^/#   /' "$OUT/$name.json" "$OUT/$name.err"
}
end_field() { jq -r "select(.event == \"end\") | .$2" "$OUT/$1.json"; }
nic_plugged()
{
	local out

	out=$(qmp "$1" '{"execute":"qom-get","arguments":{"path":"/machine/peripheral/nic1","property":"type"}}')
	[[ $out == *'"return"'* ]]
}

make -C "$TOP" --no-print-directory KVER="$KVER" modules tools >/dev/null || exit 1
rm -rf "$OUT"
mkdir -p "$OUT"

# The peer: one hub socket per QEMU process the guest will run in.
peer_socks=()
for ((i = 0; i <= ${#HOPS[@]}; i++)); do
	peer_socks+=(--hub-socket "$((BASE + 2 * i)):$((BASE + 2 * i + 1))")
done
"$TOP/scripts/vm" -k "$KVER" -n none -p e1000 "${peer_socks[@]}" -t 1200 \
	-o "$OUT/peer" -- bash /shadow/guest/migrate-peer.sh >/dev/null 2>"$OUT/peer.log" &
peer=$!
pids+=($peer)
wait_line "$OUT/peer/results.tap" '^READY' 180 || exit 1

drivers=()
for hop in "${HOPS[@]}"; do drivers+=("${hop#*:}"); done
memcmp_src=() memcmp_dst=() quit=(--quit-source)
if [[ $MEMCMP == 1 ]]; then
	memcmp_src=(--qemu -qmp --qemu "unix:$OUT/vm0/qmp2.sock,server=on,wait=off")
	memcmp_dst=(--qemu -S)
	quit=()
fi
"$TOP/scripts/vm" -k "$KVER" -n e1000 --no-peer --channel "${memcmp_src[@]}" \
	--hub-socket "$((BASE + 1)):$BASE" -t 1200 -o "$OUT/vm0" -- \
	bash /shadow/guest/migrate-guest.sh "${drivers[@]}" >/dev/null 2>"$OUT/vm0.log" &
pids+=($!)
wait_line "$OUT/vm0/results.tap" '^READY' 180 || exit 1

# start_destination N: QEMU process N waits for the guest from N-1.
start_destination()
{
	local n=$1

	"$TOP/scripts/vm" -k "$KVER" -t 1200 -o "$OUT/vm$n" --like "$OUT/vm$((n - 1))" \
		--incoming "unix:$OUT/mig$n.sock" --drop nic1 "${memcmp_dst[@]}" \
		--hub-socket "$((BASE + 2 * n + 1)):$((BASE + 2 * n))" \
		>/dev/null 2>"$OUT/vm$n.log" &
	pids+=($!)
	for _ in $(seq 100); do [[ -S $OUT/mig$n.sock && -S $OUT/vm$n/qmp.sock ]] && break; sleep 0.1; done
	[[ $MEMCMP == 1 ]] && memcmp_hop "$n" &
}
# memcmp_hop N: once the guest has arrived (paused) in process N, compare
# its RAM with process N-1's, resume it, and log the pages that differ.
memcmp_hop()
{
	local n=$1 src=$OUT/vm$(($1 - 1)) dst=$OUT/vm$1 i pages

	# until it arrives, or its process is gone (a failed run's cleanup)
	until qmp "$dst/qmp2.sock" '{"execute":"query-status"}' |
	      grep -q '"status": *"paused"'; do
		[[ -S $dst/qmp2.sock ]] || return
	done
	for i in src dst; do
		qmp_ok "${!i}/qmp2.sock" "{\"execute\":\"pmemsave\",\"arguments\":{\"val\":0,\"size\":$MEM_BYTES,\"filename\":\"$OUT/$i$n.mem\"}}"
	done
	qmp_ok "$dst/qmp2.sock" '{"execute":"cont"}'
	pages=$(cmp -l "$OUT/src$n.mem" "$OUT/dst$n.mem" |
		awk '{ print int(($1 - 1) / 4096) }' | uniq | wc -l)
	echo "migration $n: $pages pages differ" >>"$OUT/memcmp.log"
	[[ $pages -eq 0 ]] && rm -f "$OUT/src$n.mem" "$OUT/dst$n.mem"
}
# migrate_args N MODEL: the options of a migration from process N-1 to N.
migrate_args()
{
	local n=$1 prev=$OUT/vm$(($1 - 1))

	echo --channel "$prev/agent.sock" --to-channel "$OUT/vm$n/agent.sock" \
		--uri "unix:$OUT/mig$n.sock" --to-model "$2" \
		--to-mac "52:54:00:5d:00:$(printf %02x $((0xb0 + n)))" \
		"$prev/qmp.sock" "$OUT/vm$n/qmp.sock"
}

start_destination 1
model=${HOPS[0]%%:*}
say "a guest that does not answer: refused, nothing changed"
agent noanswer migrate --guest-timeout 3000 $(migrate_args 1 "$model")
[[ $rc -eq 2 && $(end_field noanswer reason) == *"did not answer"* ]] &&
	ok "exit 2, the guest did not answer" || bad "exit $rc, not 2 for no answer"
nic_plugged "$OUT/vm0/qmp.sock" && ok "  the NIC is still plugged" || bad "  the NIC is gone"
wait_line "$OUT/vm0/results.tap" '^AGENT-UP' 60 || exit 1

say "a destination without the NIC model: refused, nothing changed"
agent nomodel migrate $(migrate_args 1 no-such-nic)
[[ $rc -eq 2 && $(end_field nomodel reason) == *"cannot plug a 'no-such-nic'"* ]] &&
	ok "exit 2, no such model at the destination" || bad "exit $rc, not 2 for a missing model"

say "a dry run: every check, no change"
agent dryrun migrate --dry-run $(migrate_args 1 "$model")
[[ $rc -eq 0 && $(end_field dryrun result) == dry-run ]] &&
	ok "dry run passes" || bad "dry run exit $rc"
nic_plugged "$OUT/vm0/qmp.sock" && ok "  the NIC is still plugged" || bad "  the NIC is gone"

say "a migration that fails: the NIC comes back at the source"
agent failing migrate --park-timeout 60000 --channel "$OUT/vm0/agent.sock" \
	--to-channel "$OUT/vm1/agent.sock" --uri "unix:$OUT/nowhere.sock" \
	--to-model "$model" "$OUT/vm0/qmp.sock" "$OUT/vm1/qmp.sock"
[[ $rc -eq 4 && $(end_field failing result) == rolled-back ]] &&
	ok "exit 4, rolled back" || bad "exit $rc, not 4 for a failed migration"
jq -s -e 'map(select(.phase == "swapped-back"))[0].detail.to.driver == "e1000"' \
	"$OUT/failing.json" >/dev/null && ok "  the guest is on e1000 again" ||
	bad "  the guest did not swap back onto e1000"

for ((n = 1; n <= ${#HOPS[@]}; n++)); do
	model=${HOPS[n - 1]%%:*}
	[[ $n -gt 1 ]] && start_destination "$n"
	say "migration $n: onto $model"
	agent "migrate$n" migrate --verify 192.0.2.2 "${quit[@]}" $(migrate_args "$n" "$model")
	[[ $rc -eq 0 ]] && ok "exit 0: $(end_field "migrate$n" state)" ||
		{ bad "migration $n exit $rc: $(end_field "migrate$n" reason)"; break; }
	wait_line "$OUT/vm$n/results.tap" "^ARRIVED ${HOPS[n - 1]#*:}" 120 ||
		bad "  the guest did not report its arrival on ${HOPS[n - 1]#*:}"
	jq -r 'select(.event == "phase") | "#   \(.phase): \(.took_ms) ms"' "$OUT/migrate$n.json"
done

last=$OUT/vm$((n - 1))
[[ $failures -eq 0 ]] || { cleanup; exit 1; }
wait "${pids[-1]}"
status=$?
say "== the guest, in its last QEMU process"
cat "$last/results.tap"
[[ $status -eq 0 ]] || bad "the guest's run failed (scripts/vm exit $status, $last/console.log)"
wait "$peer"
say "== the peer"
cat "$OUT/peer/results.tap"
sent=$(sed -n 's/^GUEST-STREAM //p' "$last/results.tap")
got=$(sed -n 's/^PEER-STREAM //p' "$OUT/peer/results.tap")
[[ -n $sent && $sent == "$got" ]] && ok "the peer received every byte: $got" ||
	bad "sent '$sent', the peer received '$got'"
for vm in "$OUT"/vm*/; do
	[[ -s $vm/warnings ]] && bad "kernel warning in $vm: $(head -1 "$vm/warnings")"
done
if [[ $MEMCMP == 1 ]]; then
	same=$(grep -c ': 0 pages differ' "$OUT/memcmp.log")
	[[ $same -eq ${#HOPS[@]} ]] && ok "the guest's memory arrived intact in each migration" ||
		bad "memory compared: $(tr '\n' ';' <"$OUT/memcmp.log") (files in $OUT)"
fi
[[ $failures -eq 0 ]] || exit 1
echo "migrated across ${#HOPS[@]} NIC models with migrate-agent; the stream came through"
