#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# agent_migrate.sh, in dom0 (scripts/xen-vm): migrate-agent's Xen back
# end. A PV domU (agent_guest.sh: shadow.ko, an e1000 passed through,
# MTU 1400, the guest side on xenstore) is live-migrated to localhost
# onto an rtl8139 (another model and driver) and back onto the e1000,
# (the second time through --ssh, as to another host), each by one
# `migrate-agent migrate --xen`, keeping its ifindex, name,
# MAC, MTU and address and reaching dom0. Before that, the failures end
# in their documented states, the interface never lost:
#  - a guest that never answers (dom0 takes its read access to the
#    channel away): refused (exit 2), its NIC still attached;
#  - a destination NIC that is not there: refused (exit 2);
#  - a dry run: exit 0, nothing changed;
#  - a migration that fails (the receiver command is `false`): rolled
#    back (exit 4), the e1000 attached again and taken by the interface.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/xen/lib.sh

MA=/shadow/bin/migrate-agent
E1000=0000:00:05.0
RTL=0000:00:06.0
trap '$XL destroy dS 2>/dev/null' EXIT

# agent ARGS...: migrate-agent -j, its JSON lines in /tmp/agent.json, its
# notes in /tmp/agent.err; its exit status in $rc.
agent()
{
	local start

	start=$(now_ms)
	$MA -j "$@" >/tmp/agent.json 2>/tmp/agent.err
	rc=$?
	took=$(($(now_ms) - start))
	log "  migrate-agent $*: exit $rc in $took ms"
	sed 's/^/    /' /tmp/agent.err | tail -n 4
	jq -c 'select(.event == "phase") | [.phase, .took_ms]' /tmp/agent.json |
		tr '\n' ' ' | sed 's/^/    phases: /'
	echo
}

outcome() { jq -r "select(.event == \"end\") | .$1" /tmp/agent.json; }
attached() { $XL pci-list dS | grep -q "${1#0000:}"; }

# identity: what the user sees of the interface, from the guest's status.
identity()
{
	$MA -j status --xen dS | jq -r --arg d "$dev" \
		'.ifaces[] | select(.ifname == $d) | "ifindex=\(.ifindex) mac=\(.mac) mtu=\(.mtu) addrs=\(.addrs | join(","))"'
}
# fetch_intact: the guest's blob over TCP, with the checksum it said.
fetch_intact()
{
	local start sum

	start=$(now_ms)
	timeout 120 nc 169.254.1.2 5000 >/tmp/blob
	sum=$(sha256sum </tmp/blob)
	log "    $(wc -c </tmp/blob) bytes in $(($(now_ms) - start)) ms"
	[[ ${sum%% *} == "$blobsum" ]]
}

# pool_whole: the swap found no segment of the bounce pool still broken.
pool_whole() { ! grep -q 'not machine-contiguous' <<<"$swapped"; }

driver() {
	$MA -j status --xen dS | jq -r --arg d "$dev" '.ifaces[] | select(.ifname == $d) | .driver'
}

$XL pci-assignable-add $E1000 || fail "pci-assignable-add $E1000"
domain_cfg dS agent_guest 'passthrough = "enabled"' "pci = [ \"$E1000\" ]"
$XL create /tmp/dS.cfg >/tmp/create.log 2>&1 || { cat /tmp/create.log; fail "xl create dS"; }
wait_said 300 dS READY || fail "dS never got ready: $(said dS FAIL)"
read -r dev _ blobsum <<<"$(said dS READY)"
[[ $blobsum != e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ]] ||
	fail "dS serves an empty blob"
busywait 30000 bash -c "$MA status --xen dS >/dev/null 2>&1" || fail "the guest side never answered"
before=$(identity)
log "dS ready on e1000: $dev $before"
check "status shows $dev on e1000" [ "$(driver)" == e1000 ]
check "2 MiB from dS arrive intact" fetch_intact

log "a guest that does not answer"
id=$(domid dS)
xenstore-chmod -r "/local/domain/$id/data/shadow" n0
agent migrate --xen --to-nic $RTL --guest-timeout 3000 dS localhost
xenstore-rm "/local/domain/$id/data/shadow/request" 2>/dev/null
xenstore-chmod -r "/local/domain/$id/data/shadow" "n$id"
check "  refused (exit 2)" [ $rc -eq 2 ]
check "  saying the guest did not answer" grep -q "did not answer" <<<"$(outcome reason)"
check "  the e1000 still attached" attached $E1000

log "a destination NIC that is not there"
agent migrate --xen --to-nic 0000:00:09.0 dS localhost
check "  refused (exit 2)" [ $rc -eq 2 ]
check "  naming it" grep -q "no PCI device 0000:00:09.0" <<<"$(outcome reason)"

log "a dry run"
agent migrate --xen --dry-run --to-nic $RTL dS localhost
check "  exit 0, result dry-run" [ $rc -eq 0 -a "$(outcome result)" == dry-run ]
check "  the e1000 still attached" attached $E1000
check "  nothing changed in the guest" [ "$(identity)" == "$before" ]

log "a migration that fails (the receiver is 'false')"
agent migrate --xen --to-nic $RTL --ssh '' dS false
check "  rolled back (exit 4)" [ $rc -eq 4 ]
check "  through the phases parked, nic-detached, nic-reattached, swapped-back" \
	[ "$(jq -r 'select(.event == "phase") | .phase' /tmp/agent.json | tr '\n' ' ')" == \
	  "checked parked nic-detached nic-reattached swapped-back " ]
check "  the e1000 attached again" attached $E1000
check "  the same domain" [ "$(domid dS)" == "$id" ]
check "  $dev back on e1000" [ "$(driver)" == e1000 ]
check "  with its identity" [ "$(identity)" == "$before" ]

# Back as if to another host: through --ssh (fake-ssh runs it here), by
# which xl reaches its receiver and the agent its arrive half there.
for step in "$RTL 8139cp localhost" "$E1000 e1000 otherhost"; do
	read -r nic drv dest <<<"$step"
	old=$(domid dS)
	log "migrate to $dest onto $drv ($nic)"
	if [[ $dest == localhost ]]; then
		agent migrate --xen --to-nic "$nic" --verify 169.254.1.1 dS localhost
	else
		agent migrate --xen --to-nic "$nic" --verify 169.254.1.1 \
			--ssh /shadow/selftests/xen/fake-ssh dS "$dest"
	fi
	check "  exit 0, result migrated" [ $rc -eq 0 -a "$(outcome result)" == migrated ]
	check "  every phase" [ "$(jq -r 'select(.event == "phase") | .phase' /tmp/agent.json | tr '\n' ' ')" == \
		"checked parked nic-detached migrated nic-attached swapped verified " ]
	[[ $dest == localhost ]] ||
		check "  the attach and the swap reported by the agent at $dest" \
			grep -q '"phase":"swapped".*(at the destination)' /tmp/agent.json
	check "  dS is a new domain ($old -> $(domid dS))" is_new "$old" "$(domid dS)"
	check "  $nic attached to it" attached "$nic"
	check "  $dev now on $drv" [ "$(driver)" == "$drv" ]
	check "  the same ifindex, MAC, MTU and address" [ "$(identity)" == "$before" ]
	swapped=$(jq -c 'select(.phase == "swapped") | .detail' /tmp/agent.json)
	jq -r '.notes[]? | "    note: " + .' <<<"$swapped"
	check "  the swap noted the irq it released before the detach" \
		grep -q 'released irq' <<<"$swapped"
	check "  the DMA bounce pool the migration moved was laid out again" \
		grep -q 'swiotlb-xen pool laid out again after the resume: [1-9][0-9]* segments moved by the migration, 0 failed' <<<"$swapped"
	check "  and is whole" pool_whole
	check "  2 MiB from dS arrive intact" fetch_intact
	hb=$(last_hb dS)
	check "  and dS pings dom0 on its heartbeat" wait_hb 60 hb_ping_after dS "$hb"
done
check "dS never booted again" [ "$(boots dS)" -eq 1 ]

[[ $failures -eq 0 ]] || fail "$failures mismatches"
exit $KSFT_PASS
