#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: Debian's own tools (dpkg-buildpackage, debhelper, dh-dkms)
# build shadow-dkms and shadow-tools from the files git tracks, with
# migrate-agent's tests run by the build, and lintian passes them (at
# warning level; debian/*.lintian-overrides explain what is left at info
# level). shadow-dkms depends on dkms, registers the module in its
# postinst, and carries exactly the tree make dkms-source assembles (which
# dkms.sh builds and runs); shadow-tools carries the tools, which run, the
# man pages, completions, units and the boot integration.
# Exit 0 pass, 1 fail, 4 skip (no dpkg-buildpackage or dh_dkms).

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/deb
failed=0
fail() { echo "FAIL: $*"; failed=1; }

command -v dpkg-buildpackage >/dev/null && command -v dh_dkms >/dev/null ||
	{ echo "SKIP: no dpkg-buildpackage or dh_dkms (scripts/setup installs them)"; exit 4; }
version=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
make -C "$TOP" --no-print-directory deb >"$TOP/build/deb.log" 2>&1 ||
	{ tail -n 40 "$TOP/build/deb.log"; echo "FAIL: make deb (build or lintian)"; exit 1; }
grep -c '^ok ' "$TOP/build/deb.log" | sed 's/^/migrate-agent tests passed in the build: /'
dkms_deb=$OUT/shadow-dkms_${version}_all.deb
tools_deb=$(compgen -G "$OUT/shadow-tools_${version}_*.deb" | grep -v dbgsym)
[[ -f $dkms_deb && -f $tools_deb ]] || { echo "FAIL: the two packages were not built"; exit 1; }

dpkg-deb -f "$dkms_deb" Depends | grep -q 'dkms' || fail "shadow-dkms does not depend on dkms"
dpkg-deb -I "$dkms_deb" postinst | grep -q 'dkms' || fail "shadow-dkms's postinst does not register the module"
rm -rf "$OUT/x" && mkdir -p "$OUT/x/dkms" "$OUT/x/tools"
dpkg-deb -x "$dkms_deb" "$OUT/x/dkms"
dpkg-deb -x "$tools_deb" "$OUT/x/tools"
make -C "$TOP" --no-print-directory -s dkms-source VERSION="$version" DKMS_SRC="$OUT/x/ref" >/dev/null
diff -r "$OUT/x/ref" "$OUT/x/dkms/usr/src/shadow-$version" ||
	fail "shadow-dkms's /usr/src/shadow-$version differs from make dkms-source"
grep -q "^PACKAGE_VERSION=\"$version\"" "$OUT/x/dkms/usr/src/shadow-$version/dkms.conf" ||
	fail "dkms.conf does not carry version $version"
for f in usr/sbin/shadowctl usr/sbin/migrate-agent usr/sbin/shadow-boot-config \
	usr/share/man/man8/shadowctl.8.gz usr/share/man/man8/migrate-agent.8.gz \
	usr/share/man/man8/shadow-boot-config.8.gz \
	usr/share/bash-completion/completions/shadowctl \
	usr/share/bash-completion/completions/migrate-agent \
	usr/lib/systemd/system/migrate-agent-guest.service \
	usr/share/initramfs-tools/hooks/shadow etc/shadow/drivers; do
	[[ -e $OUT/x/tools/$f ]] || fail "shadow-tools has no /$f"
done
# The DKMS parts are shadow-dkms's alone (both packages had them once,
# and apt refused the pair: two owners of /usr/src/shadow-*/dkms.conf).
dpkg-deb -f "$tools_deb" Depends | grep -qw dkms && fail "shadow-tools depends on dkms"
dpkg-deb -I "$tools_deb" postinst 2>/dev/null | grep -q dkms && fail "shadow-tools's postinst runs dkms"
[[ -e $OUT/x/tools/usr/src ]] && fail "shadow-tools carries /usr/src"
# The operator's list is a conffile (kept on remove, gone on purge); the
# softdeps generated from it go with the package, and the initramfs is
# rebuilt with or without the hook.
dpkg-deb -I "$tools_deb" conffiles | grep -qx /etc/shadow/drivers ||
	fail "/etc/shadow/drivers is not a conffile"
dpkg-deb -I "$tools_deb" postrm | grep -q shadow-softdep.conf ||
	fail "shadow-tools's postrm leaves the generated softdeps"
dpkg-deb -I "$tools_deb" triggers | grep -q 'update-initramfs' ||
	fail "shadow-tools does not trigger update-initramfs"
for t in shadowctl migrate-agent shadow-boot-config; do
	[[ $("$OUT/x/tools/usr/sbin/$t" --version 2>&1) == *"$version"* ]] ||
		fail "$t --version does not say $version"
done
[[ $failed -eq 0 ]] || exit 1
echo "make deb: shadow-dkms and shadow-tools $version built, lintian-clean"
