#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed requests to the shadow's generic netlink family get a clear
# error and no crash (the runner fails the run on any kernel warning), and
# the family keeps answering. The cases are in selftests/tools/genl_abuse.c.

. /shadow/selftests/lib/lib.sh

modprobe shadow || fail "modprobe shadow failed"
trap 'modprobe -r shadow' EXIT
genl_abuse || fail "a malformed request was not refused"
shadowctl dev show >/dev/null || fail "shadowctl fails after the abuse"
exit $KSFT_PASS
