# SPDX-License-Identifier: GPL-2.0
#
# The Xen test bed: which hypervisor and tools, and where they live.
# Sourced by scripts/setup (which fetches them) and scripts/xen-vm (which
# boots them), after scripts/lib/kernels.sh.
#
# The hypervisor is pinned to 4.17.5+72 from Debian 12's main archive:
# the security update 4.17.7 is built without shadow paging, and a PV
# guest's live migration then fails ("Failed to enable logdirty: 95";
# TESTBED.md). Debian will drop it at some point release; the copy in
# ../shared/vendor/ is the fallback, and either must match the checksum
# below. The toolstack (xl, libxl, xenstored) is the archive's current
# 4.17, which drives that hypervisor. Nothing is installed on the host:
# the packages are unpacked into the cache and packed into dom0's
# initramfs.

XEN_HV_PKG=xen-hypervisor-4.17-amd64
XEN_HV_VERSION=4.17.5+72-g01140da4e8-1
XEN_HV_SHA256=b602bb2aa83042bd1e3390ff66201b62da806d2ff6f2c86a2759997aa968222b
XEN_VENDOR_DIR=${XEN_VENDOR_DIR:-$SHADOW_TOP/../shared/vendor}

# dom0's toolstack: xl and libxl, xenstored, xenconsoled and the
# libraries they load that Debian's base system does not have.
XEN_TOOL_PKGS=(
	xen-utils-4.17 xen-utils-common xenstore-utils libxenmisc4.17
	libxenstore4 libxencall1 libxenevtchn1 libxenforeignmemory1
	libxengnttab1 libxentoollog1 libxentoolcore1 libxendevicemodel1
	libxenhypfs1 libyajl2
)

# Modules dom0 loads (their dependencies come along).
XEN_DOM0_MODULES=(
	xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-pciback
	xen-netback xen-blkback bridge virtio_pci virtio_net virtio_console
)

xen_dir() { echo "$SHADOW_CACHE/xen"; }
xen_hypervisor() { echo "$(xen_dir)/xen-$XEN_HV_VERSION.elf"; }
xen_tools() { echo "$(xen_dir)/tools"; }
xen_libdir() { echo "$(xen_tools)/usr/lib/xen-4.17/bin"; }

# xen_ready: setup fetched both, complete.
xen_ready()
{
	[[ -f $(xen_hypervisor) && -f $(xen_tools)/.complete ]]
}

# xen_fetch_hypervisor: the pinned hypervisor, from the archive or the
# vendored copy, checked, unpacked to a multiboot ELF.
xen_fetch_hypervisor()
{
	local dir deb tmp sum

	[[ -f $(xen_hypervisor) ]] && return 0
	dir=$(xen_dir)
	mkdir -p "$dir"
	tmp=$(mktemp -d "$dir/hv.XXXXXX")
	deb=$tmp/${XEN_HV_PKG}_${XEN_HV_VERSION}_amd64.deb
	if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root \
		"$XEN_HV_PKG=$XEN_HV_VERSION" >&2) || [[ ! -f $deb ]]; then
		echo "xen: $XEN_HV_PKG $XEN_HV_VERSION is not in the archive; trying $XEN_VENDOR_DIR" >&2
		cp "$XEN_VENDOR_DIR/${XEN_HV_PKG}_${XEN_HV_VERSION}_amd64.deb" "$deb" ||
			{ rm -rf "$tmp"; echo "xen: no copy of $XEN_HV_PKG $XEN_HV_VERSION" >&2; return 1; }
	fi
	sum=$(sha256sum "$deb" | cut -d' ' -f1)
	if [[ $sum != "$XEN_HV_SHA256" ]]; then
		rm -rf "$tmp"
		echo "xen: $deb: sha256 $sum, want $XEN_HV_SHA256" >&2
		return 1
	fi
	dpkg-deb -x "$deb" "$tmp/x"
	if ! grep -q '^CONFIG_SHADOW_PAGING=y' "$tmp"/x/boot/xen-*.config; then
		rm -rf "$tmp"
		echo "xen: $XEN_HV_VERSION has no shadow paging: PV live migration would fail" >&2
		return 1
	fi
	gunzip -c "$tmp"/x/boot/xen-4.17-amd64.gz >"$(xen_hypervisor).tmp"
	mv "$(xen_hypervisor).tmp" "$(xen_hypervisor)"
	rm -rf "$tmp"
}

# xen_fetch_tools: the archive's current toolstack, unpacked into the
# cache; fetched again when the archive's versions change.
xen_fetch_tools()
{
	local dest tmp want deb

	dest=$(xen_tools)
	want=$(apt-cache policy "${XEN_TOOL_PKGS[@]}" | awk '/^[^ ]/ { p = $1 } /Candidate:/ { print p, $2 }')
	[[ -f $dest/.complete && $(<"$dest/.complete") == "$want" ]] && return 0
	mkdir -p "$(xen_dir)"
	tmp=$(mktemp -d "$(xen_dir)/tools.XXXXXX")
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "${XEN_TOOL_PKGS[@]}" >&2) ||
		{ rm -rf "$tmp"; echo "xen: cannot download the toolstack" >&2; return 1; }
	mkdir "$tmp/root"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
	done
	echo "$want" >"$tmp/root/.complete"
	rm -rf "$dest"
	mv "$tmp/root" "$dest"
	rm -rf "$tmp"
}
