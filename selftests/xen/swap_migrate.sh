#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap_migrate.sh, in dom0 (scripts/xen-vm): a PV domU live-migrates from
# a passed-through e1000 to a passed-through rtl8139, by hand, with the
# steps the migration agent's Xen back end is to take: the guest parks
# its interface (park_swap.sh), dom0 detaches the e1000, xl migrate moves
# the domain to localhost, dom0 attaches the rtl8139, and the parked
# interface takes it with its ifindex, MAC and address, and reaches dom0
# again. On resume the guest must not crash (scripts/xen-vm fails the run
# on any oops): shadow.ko released the legacy interrupt binding pcifront
# leaks, which the guest's swap result notes.

. /shadow/selftests/lib/lib.sh
. /shadow/selftests/xen/lib.sh

trap '$XL destroy dS 2>/dev/null' EXIT

$XL pci-assignable-add 0000:00:05.0 || fail "pci-assignable-add 00:05.0"
$XL pci-assignable-add 0000:00:06.0 || fail "pci-assignable-add 00:06.0"
domain_cfg dS park_swap 'passthrough = "enabled"' 'pci = [ "0000:00:05.0" ]'
$XL create /tmp/dS.cfg >/tmp/create.log 2>&1 || { cat /tmp/create.log; fail "xl create dS"; }
wait_said 300 dS READY || fail "dS never got ready on e1000: $(said dS FAIL)"
log "dS ready: $(said dS READY)"
wait_said 120 dS PARKED || fail "dS never parked"
log "dS parked: $(said dS PARKED)"

start=$(now_ms)
$XL pci-detach dS 0000:00:05.0 || fail "pci-detach 00:05.0"
check "the e1000 left dS ($(($(now_ms) - start)) ms)" \
	bash -c "! $XL pci-list dS | grep -q 00:05.0"
old=$(domid dS)
start=$(now_ms)
$XL migrate -s '' dS "$XL migrate-receive" >/tmp/migrate.log 2>&1
rc=$?
check "xl migrate exit 0 (got $rc, $(($(now_ms) - start)) ms)" [ $rc -eq 0 ]
[[ $rc -eq 0 ]] || tail -n 5 /tmp/migrate.log
check "  dS is a new domain ($old -> $(domid dS))" is_new "$old" "$(domid dS)"
start=$(now_ms)
$XL pci-attach dS 0000:00:06.0 || fail "pci-attach 00:06.0"
check "the parked interface took the rtl8139" wait_said 180 dS SWAPPED
result=$(said dS SWAPPED)
log "  $result"
check "  swapped (shadowctl exit ${result%% *}, $(($(now_ms) - start)) ms after the attach)" \
	[ "${result%% *}" == 0 ]
check "  onto 8139cp" grep -q '"driver":"8139cp"' <<<"$result"
check "  noting the irq it released before the detach" grep -q 'released irq' <<<"$result"
# The comparison follows the outcome on the console: wait for it.
wait_said 30 dS '\(SAME\|CHANGED\)'
check "  same ifindex, MAC and address ($(said dS CHANGED))" has_said dS SAME
hb=$(last_hb dS)
check "  and dS pings dom0 through it" wait_hb 60 hb_ping_after dS "$hb"
check "  it never booted again" [ "$(boots dS)" -eq 1 ]

[[ $failures -eq 0 ]] || fail "$failures mismatches"
exit $KSFT_PASS
