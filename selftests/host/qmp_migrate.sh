#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The runner drives a QEMU live migration to a second local QEMU process:
# boot a guest with a ping stream to the peer running, start a destination
# with the same configuration (scripts/vm --incoming --like), migrate over a
# unix socket with QMP, stop the source, and check that the guest finished
# its work on the destination: its status came back from there, and the
# stream lost (almost) nothing.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/qmp.sh"
OUT=$TOP/build/check/host-migrate

make -C "$TOP" --no-print-directory modules >/dev/null || exit 1
rm -rf "$OUT"
mkdir -p "$OUT"
"$TOP/scripts/vm" -n e1000 -t 300 -o "$OUT/src" -- \
	bash /shadow/guest/migrate-stream.sh >/dev/null 2>"$OUT/src.log" &
src=$!
wait_line "$OUT/src/results.tap" '^READY' 120 || exit 1

"$TOP/scripts/vm" -t 300 -o "$OUT/dst" --like "$OUT/src" \
	--incoming "unix:$OUT/mig.sock" >/dev/null 2>"$OUT/dst.log" &
dst=$!
for _ in $(seq 100); do [[ -S $OUT/mig.sock ]] && break; sleep 0.1; done

start=$(date +%s%N)
qmp_ok "$OUT/src/qmp.sock" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"unix:$OUT/mig.sock\"}}" ||
	exit 1
for _ in $(seq 600); do
	state=$(qmp "$OUT/src/qmp.sock" '{"execute":"query-migrate"}' |
		grep -o '"status": *"[a-z-]*"' | tail -n 1)
	[[ $state == *completed* || $state == *failed* ]] && break
	sleep 0.2
done
echo "migration $state after $((($(date +%s%N) - start) / 1000000)) ms"
qmp "$OUT/src/qmp.sock" '{"execute":"query-migrate"}' | grep -o '"downtime": *[0-9]*' || true
qmp "$OUT/src/qmp.sock" '{"execute":"quit"}' >/dev/null
wait $src
[[ $state == *completed* ]] || qmp "$OUT/dst/qmp.sock" '{"execute":"quit"}' >/dev/null
wait $dst
status=$?
cat "$OUT/dst/results.tap"
[[ $state == *completed* ]] || { echo "FAIL: migration did not complete"; exit 1; }
grep -q '^SHADOW-EXIT' "$OUT/src/results.tap" &&
	{ echo "FAIL: the guest finished on the source"; exit 1; }
[[ $status -eq 0 ]] || { echo "FAIL: destination run exit $status"; cat "$OUT/dst.log"; exit 1; }
grep -q '^STREAM ok' "$OUT/dst/results.tap" || { echo "FAIL: no stream result"; exit 1; }
echo "live migration to a second QEMU works; the guest finished there"
