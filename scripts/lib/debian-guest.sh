# SPDX-License-Identifier: GPL-2.0
#
# Booting the Debian image scripts/debian-image builds the way its own boot
# loader would: the kernel and initramfs its /boot holds at that moment
# (read out of the ext4 with debugfs, so that an initramfs the guest
# rebuilt is the one its next boot runs), root on a virtio disk, NICs on
# QEMU's hub 0 without a host back end, and a virtio-9p share from which
# the image's shadow-stage.service runs the script "stage". A guest that
# reboots or powers off ends QEMU (-no-reboot): the caller boots it again.
# Sourced by selftests/host/operator.sh, after scripts/lib/console.sh.

# debian_boot_files DISK ABI OUT: DISK's /boot/vmlinuz-ABI and
# /boot/initrd.img-ABI, as OUT/vmlinuz and OUT/initrd.img.
debian_boot_files()
{
	local disk=$1 abi=$2 out=$3 f

	for f in vmlinuz initrd.img; do
		rm -f "$out/$f"
		debugfs -R "dump /boot/$f-$abi $out/$f" "$disk" >/dev/null 2>&1
		[[ -s $out/$f ]] || { echo "$disk has no /boot/$f-$abi" >&2; return 1; }
	done
}

# debian_boot DISK ABI SHARE OUT TIMEOUT MODEL@SLOT...: boot DISK once with
# those NICs at those PCI slots; its console goes to OUT/console.log.
# Returns 0 when the guest ended by itself with a clean console, 2 when
# the kernel warned or crashed, 3 on timeout, 1 otherwise.
debian_boot()
{
	local disk=$1 abi=$2 share=$3 out=$4 timeout=$5 n=0 nic rc=0
	shift 5
	local -a q

	mkdir -p "$out"
	debian_boot_files "$disk" "$abi" "$out" || return 1
	# As in scripts/vm: a warning is a failure, whatever its cause.
	q=(qemu-system-x86_64 -machine pc,accel=tcg -cpu max -smp 1 -m 2048
	   -nodefaults -display none -no-reboot
	   -kernel "$out/vmlinuz" -initrd "$out/initrd.img"
	   -append "root=/dev/vda rw console=ttyS0,115200 panic_on_warn=1 panic=-1 oops=panic"
	   -drive "file=$disk,format=raw,if=none,id=root,cache=unsafe"
	   -device virtio-blk-pci,drive=root,addr=0x10
	   -fsdev "local,id=stage,path=$share,security_model=none"
	   -device virtio-9p-pci,fsdev=stage,mount_tag=stage,addr=0x11
	   -serial "file:$out/console.log")
	for nic in "$@"; do
		n=$((n + 1))
		q+=(-netdev "hubport,id=hp$n,hubid=0"
		    -device "${nic%@*},netdev=hp$n,addr=${nic#*@}")
	done
	printf '%q ' "${q[@]}" >"$out/qemu.cmd"
	timeout -k 10 "$timeout" "${q[@]}" </dev/null >"$out/qemu.log" 2>&1 || rc=$?
	if check_console "$out/console.log" >"$out/warnings"; then
		echo "the guest kernel warned or crashed ($out/console.log):" >&2
		cat "$out/warnings" >&2
		return 2
	fi
	case $rc in
	0) return 0 ;;
	124 | 137) echo "the guest did not end within ${timeout}s ($out/console.log)" >&2; return 3 ;;
	*) echo "qemu exit $rc ($out/qemu.log)" >&2; return 1 ;;
	esac
}
