#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The outside peer of selftests/host/migrate_qemu.sh, in a QEMU process of
# its own: its NIC (in netns "peer", 192.0.2.2) shares a hub with loopback
# UDP sockets to each QEMU process the migrating guest will run in, so it
# sees the migration the way a real host on the LAN would. It receives the
# guest's TCP stream (keeping only its length and MD5) and its sequenced
# UDP stream (udpgap), and reports both once the guest closes them.

. /shadow/selftests/lib/lib.sh

# migrate-peer.sh [SESSIONS]: serve that many guests in turn (the
# benchmark's scenarios), one report each.
sessions=${1:-1}
STREAM_PORT=5202
for ((s = 1; s <= sessions; s++)); do
	rm -f /tmp/stream.bytes /tmp/stream.md5 /tmp/gap.json
	peer bash -c "nc -l -p $STREAM_PORT | tee >(wc -c >/tmp/stream.bytes) |
		      md5sum >/tmp/stream.md5" &
	server=$!
	peer udpgap recv -b "$PEER_IP" >/tmp/gap.json &
	gap=$!
	busywait 5000 bash -c "ip netns exec $PEER_NS ss -ltn | grep -q ':$STREAM_PORT '" ||
		fail "the stream receiver did not start"
	echo "READY $s"
	wait "$server"
	wait "$gap"
	busywait 5000 test -s /tmp/stream.bytes
	echo "PEER-STREAM bytes=$(<"/tmp/stream.bytes") md5=$(cut -d' ' -f1 /tmp/stream.md5)"
	echo "PEER-GAP $(cat /tmp/gap.json)"
done
