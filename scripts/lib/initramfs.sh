# SPDX-License-Identifier: GPL-2.0
#
# Build the test guest's initramfs in two layers, concatenated at boot:
#  - base: busybox, bash, the host's own ip/tc/ss/ethtool/iperf3/kmod with
#    their libraries, and the kernel's NIC driver modules; cached per kernel
#    and rebuilt when an input changes;
#  - overlay: this project's modules, selftests and the run request; small,
#    built fresh for every boot.
# Sourced by scripts/vm after scripts/lib/kernels.sh.

# Real binaries the guest needs; busybox provides the rest. Debian's busybox
# prefers its own applets in its shell, so tests run under bash and these
# stay first in PATH (TESTBED.md, "traps").
GUEST_BINARIES=(
	/bin/bash /usr/sbin/ip /usr/sbin/bridge /usr/sbin/tc /usr/bin/ss /usr/sbin/ethtool
	/usr/bin/iperf3 /usr/bin/kmod /usr/bin/jq /usr/bin/setpriv
)
KMOD_LINKS=(modprobe insmod rmmod lsmod depmod modinfo)

# copy_with_libs ROOT BIN...: copy binaries and every library they load.
copy_with_libs()
{
	local root=$1 bin lib
	shift

	for bin in "$@"; do
		[[ -x $bin ]] || { echo "initramfs: $bin missing (run scripts/setup)" >&2; return 1; }
		install -D -m 0755 "$bin" "$root$bin"
		while read -r lib; do
			[[ -e $root$lib ]] || install -D -m 0755 "$lib" "$root$lib"
		done < <(ldd "$bin" | grep -o '/[^ ]*' | sort -u)
	done
}

# guest_module_names: every module the NIC list and modules.list ask for.
guest_module_names()
{
	awk '!/^#/ && NF >= 3 { for (i = 3; i <= NF; i++) print $i }' \
		"$SHADOW_TOP/scripts/nics.conf"
	grep -v -e '^#' -e '^[[:space:]]*$' "$SHADOW_TOP/scripts/guest/modules.list"
}

# copy_module_list ROOT ABI MODULE...: the modules, their dependencies
# and the files modprobe reads beside them.
copy_module_list()
{
	local root=$1 abi=$2 kroot mod path rel

	shift 2
	kroot=$(kernel_root "$abi")
	for mod in "$@"; do
		modprobe -D -d "$kroot" -S "$abi" "$mod" ||
			{ echo "initramfs: no module $mod in $abi" >&2; return 1; }
	done |
	while read -r verb path _; do
		[[ $verb == insmod ]] || continue
		rel=${path#"$kroot"/}
		rel=${rel#./}
		install -D -m 0644 "$path" "$root/$rel"
	done
	mkdir -p "$root/lib/modules/$abi"
	install -m 0644 "$(kernel_moddir "$abi")"/modules.{order,builtin,builtin.modinfo} \
		"$root/lib/modules/$abi/"
}

# copy_modules ROOT ABI: the modules the NIC list and modules.list name.
copy_modules()
{
	local -a mods

	mapfile -t mods < <(guest_module_names)
	copy_module_list "$1" "$2" "${mods[@]}"
}

# build_base ABI OUT: the cached lower layer.
build_base()
{
	local abi=$1 out=$2 root applet

	root=$(mktemp -d)
	chmod 0755 "$root"	# mktemp's 0700 would lock everyone but root out of /
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,var}
	ln -s ../run "$root/var/run"
	install -m 0755 /bin/busybox "$root/bin/busybox"
	for applet in $(/bin/busybox --list); do
		[[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
	done
	# The real tools replace busybox's applets of the same name.
	for applet in "${GUEST_BINARIES[@]##*/}" "${KMOD_LINKS[@]}"; do
		rm -f "$root/bin/$applet"
	done
	copy_with_libs "$root" "${GUEST_BINARIES[@]}"
	for applet in "${KMOD_LINKS[@]}"; do
		ln -s ../bin/kmod "$root/usr/sbin/$applet"
	done
	# The kernel's request_module() runs /sbin/modprobe.
	ln -s ../usr/bin/kmod "$root/sbin/modprobe"
	printf '%s\n' 'root:x:0:0:root:/root:/bin/bash' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/bash' >"$root/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
	copy_modules "$root" "$abi"
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$root"
}

# base_inputs: the files whose change makes the cached base stale.
base_inputs()
{
	echo "$SHADOW_TOP/scripts/lib/initramfs.sh" "$SHADOW_TOP/scripts/nics.conf" \
	     "$SHADOW_TOP/scripts/guest/modules.list" "${GUEST_BINARIES[@]}"
}

# ensure_base ABI OUT: rebuild the base layer only when stale.
ensure_base()
{
	local abi=$1 out=$2 f

	if [[ -f $out ]]; then
		for f in $(base_inputs); do
			[[ $f -nt $out ]] && break
		done
		[[ $f -nt $out ]] || return 0
	fi
	echo "vm: building base initramfs for $abi" >&2
	mkdir -p "$(dirname "$out")"
	build_base "$abi" "$out"
}

# build_overlay ABI BUILDDIR OUT RUNFILE NICSFILE: the per-boot upper layer.
build_overlay()
{
	local abi=$1 build=$2 out=$3 runfile=$4 nicsfile=$5 root ko bin lib

	root=$(mktemp -d)
	chmod 0755 "$root"
	mkdir -p "$root/shadow" "$root/lib/modules/$abi/extra"
	install -m 0755 "$SHADOW_TOP/scripts/guest/init" "$root/init"
	cp -r "$SHADOW_TOP/selftests" "$root/shadow/selftests"
	mkdir -p "$root/shadow/guest"
	cp "$SHADOW_TOP"/scripts/guest/*.sh "$root/shadow/guest/"
	rm -rf "$root/shadow/selftests/modules" "$root/shadow/selftests/host"
	install -m 0644 "$runfile" "$root/shadow/run"
	install -m 0644 "$nicsfile" "$root/shadow/nics"
	# A benchmark's own modules (the cached base has what the tests load).
	# shellcheck disable=SC2086 # a word list
	[[ -z ${SHADOW_GUEST_MODULES:-} ]] ||
		copy_module_list "$root" "$abi" $SHADOW_GUEST_MODULES || return 1
	if [[ -d $build ]]; then
		while IFS= read -r -d '' ko; do
			install -m 0644 "$ko" "$root/lib/modules/$abi/extra/"
		done < <(find "$build" -name '*.ko' -print0)
	fi
	# This project's programs (shadowctl), with the libraries they load.
	for bin in "$SHADOW_TOP"/build/bin/*; do
		[[ -x $bin ]] || continue
		install -D -m 0755 "$bin" "$root/shadow/bin/${bin##*/}"
		while read -r lib; do
			install -D -m 0755 "$lib" "$root$lib"
		done < <(ldd "$bin" | grep -o '/[^ ]*' | sort -u)
	done
	# And its BPF objects, which are data.
	for bin in "$SHADOW_TOP"/build/bin/*.bpf.o; do
		[[ -f $bin ]] && install -D -m 0644 "$bin" "$root/shadow/bin/${bin##*/}"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
	rm -rf "$root"
}
