#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel pin survives Debian retiring it. On temporary copies of
# scripts/kernels.conf and of the cache (the real ones are not touched):
#  1. a pin naming an ABI that never existed resolves, through setup's own
#     resolution, to the series' newest ABI in Debian's archive, with the
#     one-line message; the other series stays on its pin;
#  2. a series Debian does not ship stops setup with an error naming it;
#  3. once setup has recorded a fallback in the cache, every script's view
#     (kernel_list, kernel_abi, kernel_origin, kernel_tapdir) uses it, and
#     an exact ABI held in the cache can still be named.
# Exit 0 pass, 1 fail, 4 skip (apt knows no Debian kernels here).

set -o pipefail
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

fail() { echo "FAIL: $*"; failed=1; }

[[ $(apt-cache policy linux-headers-amd64 2>/dev/null) == *"Candidate: "[0-9]* ]] ||
	{ echo "SKIP: apt knows no linux-headers-amd64 (apt-get update)"; exit 4; }

conf=$TMP/kernels.conf
grep '^#' "$TOP/scripts/kernels.conf" >"$conf"
printf '6.1\t6.1.0-0-amd64\t6.1.0-0\tlinux-kbuild-6.1\tlinux-headers-amd64\n' >>"$conf"
grep -v '^#' "$TOP/scripts/kernels.conf" | grep '^6\.12[[:space:]]' >>"$conf"

# 1. A pin that is gone falls back to the series' newest, saying so.
out=$(SHADOW_KERNELS_CONF=$conf "$TOP/scripts/setup" --resolve 2>"$TMP/err")
rc=$?
echo "$out" | sed 's/^/  resolved: /'
grep -v -e '^Get:' -e '^Fetched' -e '^Reading' -e '^Hit:' "$TMP/err" | sed 's/^/  said: /'
[[ $rc -eq 0 ]] || fail "setup --resolve exited $rc on a gone pin"
read -r name abi ver kb origin < <(echo "$out" | awk '$1 == "6.1"')
[[ $origin == fallback ]] || fail "6.1 resolved as '$origin', not fallback"
[[ $abi =~ ^6\.1\.0-[0-9]+-amd64$ && $abi != 6.1.0-0-amd64 ]] ||
	fail "6.1 resolved to ABI '$abi'"
[[ $(apt-cache show "linux-image-$abi-unsigned=$ver" 2>/dev/null) == *"Package: "* ]] ||
	fail "the archive has no linux-image-$abi-unsigned $ver"
[[ $kb == linux-kbuild-6.1* ]] || fail "6.1's kbuild package is '$kb'"
[[ $(grep -c "series 6.1: pin 6.1.0-0-amd64 (6.1.0-0) is gone from Debian's archive; using $abi ($ver)" "$TMP/err") -eq 1 ]] ||
	fail "no one-line message naming the gone pin and the ABI used"
echo "$out" | awk '$1 == "6.12" { print $5 }' | grep -qx pinned ||
	fail "6.12 did not stay on its pin"

# 2. A series that does not exist at all is a clear error.
bad=$TMP/bad.conf
grep '^#' "$TOP/scripts/kernels.conf" >"$bad"
printf '5.99\t5.99.0-1-amd64\t5.99.1-1\tlinux-kbuild-5.99\tlinux-headers-5.99-amd64\n' >>"$bad"
if SHADOW_KERNELS_CONF=$bad "$TOP/scripts/setup" --resolve >"$TMP/out" 2>"$TMP/err"; then
	fail "setup --resolve accepted series 5.99"
fi
grep -q "series 5.99: .*linux-headers-5.99-amd64.*Debian does not ship this series" "$TMP/err" ||
	{ fail "no error naming series 5.99"; cat "$TMP/err"; }
grep "series 5.99" "$TMP/err" | sed 's/^/  said: /'

# 3. The rest of the scripts use the ABI setup recorded for the series.
cache=$TMP/cache
mkdir -p "$cache/kernels/$abi" "$cache/selected"
printf '6.1\t%s\t%s\t%s\n' "$abi" "$ver" "$kb" >"$cache/kernels/$abi/.pin"
echo "$ver" >"$cache/kernels/$abi/.complete"
echo "$abi" >"$cache/selected/6.1"
view=$(SHADOW_KERNELS_CONF=$conf SHADOW_CACHE=$cache bash -c '
	. "$1/scripts/lib/kernels.sh"
	kernel_list | head -n 1
	kernel_abi 6.1
	kernel_origin 6.1
	kernel_tapdir 6.1
	kernel_abi "$2" || echo "no $2"
	kernel_abi 6.1.0-0-amd64 2>/dev/null || echo "no pinned abi"
	kernel_origin 6.12' _ "$TOP" "$abi")
echo "$view" | sed 's/^/  view: /'
mapfile -t v <<<"$view"
[[ ${v[0]} == "6.1"$'\t'"$abi"$'\t'"$ver"$'\t'"$kb" ]] || fail "kernel_list: '${v[0]}'"
[[ ${v[1]} == "$abi" ]] || fail "kernel_abi 6.1: '${v[1]}'"
[[ ${v[2]} == "fallback: pin 6.1.0-0-amd64 6.1.0-0 is gone" ]] || fail "kernel_origin 6.1: '${v[2]}'"
[[ ${v[3]} == "$TOP/build/$abi/taps-gen" ]] || fail "kernel_tapdir 6.1: '${v[3]}'"
[[ ${v[4]} == "$abi" ]] || fail "the exact ABI $abi: '${v[4]}'"
[[ ${v[5]} == "no pinned abi" ]] || fail "an ABI not in the cache was accepted: '${v[5]}'"
[[ ${v[6]} == pinned ]] || fail "kernel_origin 6.12: '${v[6]}'"

[[ $failed -eq 0 ]] && echo "kernel pins: a gone pin falls back to $abi and every script uses it"
exit $failed
