#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# shadow.ko, built by this project against this very kernel, loads and
# unloads cleanly: it appears in /sys/module with the version it was built
# with, leaves no warning and no warning taint, and is gone after rmmod.
# It logs how long each took (a figure, not a check: TCG timing varies).

. /shadow/selftests/lib/lib.sh

TAINT_WARN=$((1 << 9))

[[ -f /lib/modules/$(uname -r)/extra/shadow.ko ]] ||
	fail "shadow.ko was not built for $(uname -r)"
before=$(warn_count)

t0=$(now_ms)
modprobe shadow || fail "modprobe shadow failed"
t1=$(now_ms)
[[ -d /sys/module/shadow ]] || fail "/sys/module/shadow missing after load"
version=$(cat /sys/module/shadow/version)
log "loaded shadow $version on $(uname -r) in $((t1 - t0)) ms"
dmesg | grep -q "shadow: version $version loaded" ||
	fail "no load message in the kernel log"

t0=$(now_ms)
rmmod shadow || fail "rmmod shadow failed"
t1=$(now_ms)
[[ ! -e /sys/module/shadow ]] || fail "/sys/module/shadow still present"
dmesg | grep -q "shadow: unloaded" || fail "no unload message in the kernel log"

(( $(cat /proc/sys/kernel/tainted) & TAINT_WARN )) && fail "kernel is tainted by a warning"
(( $(warn_count) == before )) || fail "kernel log gained a warning"
log "unloaded cleanly in $((t1 - t0)) ms"
exit $KSFT_PASS
