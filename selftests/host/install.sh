#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install and make uninstall, as a package build runs them, for every
# pinned kernel: into a DESTDIR with PREFIX=/usr, exactly the module (of
# that kernel, and no selftest module), the two tools, their man pages and
# the guest's units (pointed at the installed agent) and the bash
# completions, and the boot integration (shadow-boot-config, its man
# page, an example driver list, the initramfs-tools hook) land there; the tools
# run, the man pages and units parse; nothing is written outside DESTDIR;
# and make uninstall leaves no file behind.

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"

DEST=$TOP/build/check/install
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# files: what DESTDIR holds, one path a line.
files() { (cd "$DEST" && find . -type f | sed 's|^\./|/|' | sort); }

one()
{
	local kver=$1 abi ko f want got vermagic

	abi=$(kernel_abi "$kver")
	rm -rf "$DEST"
	make -C "$TOP" --no-print-directory KVER="$kver" install DESTDIR="$DEST" PREFIX=/usr \
		>"$DEST.log" 2>&1 || { cat "$DEST.log"; fail "$kver: make install"; return; }
	ko=$(cd "$DEST" && compgen -G "lib/modules/$abi/extra/shadow/shadow.ko*")
	want=$(printf '%s\n' "/$ko" /usr/sbin/shadowctl /usr/sbin/migrate-agent \
		/usr/share/man/man8/shadowctl.8 /usr/share/man/man8/migrate-agent.8 \
		/usr/lib/systemd/system/migrate-agent-guest.service \
		/usr/lib/systemd/system/migrate-agent-guest-xen.service \
		/usr/share/bash-completion/completions/shadowctl \
		/usr/share/bash-completion/completions/migrate-agent \
		/usr/sbin/shadow-boot-config /usr/share/man/man8/shadow-boot-config.8 \
		/usr/share/doc/shadow/drivers.example \
		/usr/share/initramfs-tools/hooks/shadow | sort)
	got=$(files)
	[[ -n $ko && $got == "$want" ]] ||
		{ fail "$kver: installed files differ:"; diff <(echo "$want") <(echo "$got"); }
	vermagic=$(modinfo -F vermagic "$DEST/$ko")
	[[ $vermagic == "$abi "* ]] || fail "$kver: the module is for '$vermagic', not $abi"
	"$DEST/usr/sbin/shadowctl" --version >/dev/null || fail "$kver: shadowctl --version"
	"$DEST/usr/sbin/migrate-agent" --version >/dev/null || fail "$kver: migrate-agent --version"
	"$DEST/usr/sbin/shadow-boot-config" --version | grep -qv '@VERSION@' ||
		fail "$kver: shadow-boot-config --version"
	for f in "$DEST"/usr/share/man/man8/*.8; do
		[[ -z $(groff -man -ww -z "$f" 2>&1) ]] || fail "$kver: groff warns on ${f##*/}"
	done
	grep -q '^ExecStart=/usr/sbin/migrate-agent ' "$DEST"/usr/lib/systemd/system/*.service ||
		fail "$kver: the units do not start the installed agent"
	make -C "$TOP" --no-print-directory KVER="$kver" uninstall DESTDIR="$DEST" PREFIX=/usr \
		>"$DEST.log" 2>&1 || { cat "$DEST.log"; fail "$kver: make uninstall"; return; }
	got=$(files)
	[[ -z $got ]] || fail "$kver: make uninstall left: $got"
	echo "$kver: installed $(wc -l <<<"$want") files ($ko), uninstalled them"
}

mkdir -p "$TOP/build/check"
marker=$(mktemp)
each_kernel one
# Where an install without DESTDIR would have written.
outside=$(find /usr/local /usr/sbin /usr/share/man/man8 /usr/lib/systemd/system \
	/usr/share/bash-completion /usr/share/doc /usr/share/initramfs-tools /etc \
	/lib/modules -newer "$marker" \( -type f -o -type l \) 2>/dev/null | head)
rm -f "$marker"
[[ -z $outside ]] || fail "written outside DESTDIR: $outside"
[[ $failed -eq 0 ]] || exit 1
echo "make install and uninstall honour DESTDIR and PREFIX on every kernel"
