#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS, as a machine rebuilding the module on a kernel update runs it, for
# every pinned kernel: make dkms-source assembles the tree, Debian's dkms
# adds and builds it (in a DKMS tree of its own under build/, against the
# cached headers), the module it built is for that kernel and carries the
# version, and a guest of that kernel given only that module loads it and
# shadows e1000 with it (module_load.sh, passive_log.sh). A kernel series
# the tree has no taps for is refused, saying so.
# Exit 0 pass, 1 fail, 4 skip (no dkms).

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"

command -v dkms >/dev/null || { echo "SKIP: no dkms (scripts/setup installs it)"; exit 4; }
OUT=$TOP/build/check/dkms
VERSION=$(git -C "$TOP" describe --always --dirty --tags 2>/dev/null || echo unknown)
SRC=$OUT/src
TREE=$OUT/tree
failed=0
fail() { echo "FAIL: $*"; failed=1; }

rm -rf "$OUT"
mkdir -p "$SRC" "$TREE"
make -C "$TOP" --no-print-directory dkms-source DKMS_SRC="$SRC/shadow-$VERSION" ||
	{ echo "FAIL: make dkms-source"; exit 1; }
dk() { dkms "$@" -m shadow -v "$VERSION" --sourcetree "$SRC" --dkmstree "$TREE"; }
dk add >"$OUT/add.log" 2>&1 || { cat "$OUT/add.log"; echo "FAIL: dkms add"; exit 1; }

one()
{
	local kver=$1 abi kdir ko mods

	abi=$(kernel_abi "$kver")
	kdir=$(kernel_kdir "$abi")
	if ! dk build -k "$abi" --kernelsourcedir "$kdir" >"$OUT/build-$abi.log" 2>&1; then
		tail -n 30 "$TREE/shadow/$VERSION/build/make.log" 2>/dev/null || cat "$OUT/build-$abi.log"
		fail "$kver: dkms build"
		return
	fi
	ko=$(compgen -G "$TREE/shadow/$VERSION/$abi/*/module/shadow.ko*" | head -n 1)
	[[ -n $ko ]] || { fail "$kver: dkms built no shadow.ko"; return; }
	[[ $(modinfo -F vermagic "$ko") == "$abi "* ]] ||
		fail "$kver: the DKMS module is for '$(modinfo -F vermagic "$ko")'"
	[[ $(modinfo -F version "$ko") == "$VERSION" ]] ||
		fail "$kver: the DKMS module's version is '$(modinfo -F version "$ko")', not $VERSION"
	mods=$OUT/modules-$abi
	mkdir -p "$mods"
	cp "$ko" "$mods/"
	make -C "$TOP" --no-print-directory KVER="$kver" tools >/dev/null || { fail "make tools"; return; }
	SHADOW_MODULES=$mods "$TOP/scripts/vm" -k "$kver" -n e1000 -t 400 -o "$OUT/vm-$abi" -- \
		bash /shadow/selftests/run_tests.sh module_load.sh "passive_log.sh e1000" >/dev/null 2>&1
	sed 's/^/  /' "$OUT/vm-$abi/results.tap" | grep -e '^  ok ' -e '^  not ok ' -e 'loaded shadow'
	grep -q '^ok 2 ' "$OUT/vm-$abi/results.tap" && grep -q '^ok 1 ' "$OUT/vm-$abi/results.tap" ||
		fail "$kver: the DKMS-built module does not pass in the guest"
	echo "$kver: dkms built and the guest ran ${ko##*/} ($VERSION)"
}

each_kernel one
# A series this tree has no taps for: refused before any compiler runs.
out=$(make -C "$SRC/shadow-$VERSION" KVER=5.10.0-30-amd64 KDIR=/nonexistent 2>&1)
rc=$?
[[ $rc -ne 0 && $out == *"no taps for kernel 5.10.0-30-amd64"* ]] ||
	fail "a kernel without taps was not refused (exit $rc): $out"
dk remove --all >/dev/null 2>&1 || fail "dkms remove"
[[ ! -e $TREE/shadow/$VERSION ]] || fail "dkms remove left $TREE/shadow/$VERSION"
[[ $failed -eq 0 ]] || exit 1
echo "DKMS builds shadow.ko for every pinned kernel, and the guests run it"
