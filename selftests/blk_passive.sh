#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The block class in passive mode (shadow/blk_disk.c). With the shadow
# loaded before the disk drivers, every disk that virtio_blk, nvme (through
# nvme_core) and sd_mod (over virtio_scsi) registers is recorded in debugfs
# "disks" with what sysfs says of it: device number, PCI device, capacity,
# block sizes, read-only state, queue limits, hardware queues. Data written
# through each disk reads back; shadowctl disk show, run by nobody, says
# the same as JSON, and is refused in another network namespace. The net
# class's taps see none of the disk drivers' calls (each class redirects
# only its own drivers'). Unbinding a disk's PCI device drops its record
# and binding it again records it anew; unloading a disk driver drops its
# disks; unloading the shadow under recorded disks leaves them working.

. /shadow/selftests/lib/lib.sh

DEBUGFS=/sys/kernel/debug/shadow
DISK_MODULES=(sd_mod virtio_scsi virtio_blk nvme)
declare -A net_before

# PCI functions that present disks (scripts/vm --disks): nvme by class,
# virtio-blk and virtio-scsi by id (legacy and modern).
disk_functions()
{
	local d id

	for d in /sys/bus/pci/devices/*; do
		id=$(cat "$d/vendor"):$(cat "$d/device")
		case $(cat "$d/class"):$id in
		0x010802:*|*:0x1af4:0x1001|*:0x1af4:0x1042|*:0x1af4:0x1004|*:0x1af4:0x1048)
			echo "${d##*/}" ;;
		esac
	done
}

# The disks on a PCI function: "NAME PCI" for each block device below one.
pci_disks()
{
	local b path pci

	for b in /sys/block/*; do
		path=$(readlink -f "$b")
		pci=$(echo "$path" | grep -oE '[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]' | tail -n 1)
		[[ -n $pci ]] && echo "${b##*/} $pci"
	done
}
disk_count() { pci_disks | wc -l; }
recorded() { grep -c . "$DEBUGFS/disks"; }
# field DISK KEY: the value after KEY on DISK's line of debugfs "disks"
field()
{
	awk -v d="$1" -v k="$2" '$1 == d { for (i = 3; i < NF; i++) if ($i == k) print $(i + 1) }' \
		"$DEBUGFS/disks"
}
# calls CLASS TAP: how often CLASS's tap TAP was called ("calls" file)
calls()
{
	awk -v c="$1" -v t="$2" '/^[^ ]/ { cls = $1; next } cls == c && $1 == t { n = $2 }
		END { print n + 0 }' "$DEBUGFS/calls"
}

mapfile -t functions < <(disk_functions)
[[ ${#functions[@]} -gt 0 ]] || skip "no disk in this guest (scripts/vm --disks)"
modprobe -r shadow 2>/dev/null
for m in "${DISK_MODULES[@]}"; do
	[[ ! -d /sys/module/$m ]] || modprobe -r "$m" || fail "cannot unload $m"
done
[[ $(disk_count) -eq 0 ]] || fail "disks left after unloading their drivers: $(pci_disks)"

modprobe shadow || fail "modprobe shadow failed"
for f in dma_alloc_attrs request_threaded_irq __pci_register_driver pci_alloc_irq_vectors_affinity; do
	net_before[$f]=$(calls net "$f")
done
# the drivers this guest has (scripts/vm --disks ships them)
for m in nvme virtio_blk virtio_scsi sd_mod; do
	modinfo "$m" >/dev/null 2>&1 || continue
	modprobe "$m" || fail "modprobe $m under the shadow failed"
done
# one disk per function (scripts/vm gives each one disk)
all_disks() { [[ $(disk_count) -ge ${#functions[@]} ]]; }
busywait 30000 all_disks ||
	fail "${#functions[@]} disk functions, disks: $(pci_disks | tr '\n' ' ')"
for m in virtio_blk nvme_core sd_mod; do
	[[ ! -d /sys/module/$m ]] ||
		check "$m is shadowed in the block class" grep -q "^shadowed $m blk\$" "$DEBUGFS/drivers"
done
log "$(disk_count) disks on ${#functions[@]} functions; recorded:"
sed 's/^/  /' "$DEBUGFS/disks"

# mq_queues DISK: hardware queues, as the block layer's sysfs lists them
mq_queues() { ls -d "/sys/block/$1/mq/"* 2>/dev/null | wc -l; }
dd if=/dev/urandom of=/tmp/blk.pattern bs=64k count=16 2>/dev/null
while read -r disk pci; do
	q=/sys/block/$disk/queue
	[[ -n $(field "$disk" pci) ]] || { check "$disk is recorded" false; continue; }
	driver=$(awk -v d="$disk" '$1 == d { print $2 }' "$DEBUGFS/disks")
	case $disk in
	vd*) want=virtio_blk ;;
	nvme*) want=nvme_core ;;
	sd*) want=sd_mod ;;
	*) want=unknown ;;
	esac
	check "$disk: made by $want" [ "$driver" = "$want" ]
	check "$disk: on $pci" [ "$(field "$disk" pci)" = "$pci" ]
	check "$disk: device number" [ "$(field "$disk" dev)" = "$(cat "/sys/block/$disk/dev")" ]
	check "$disk: capacity" [ "$(field "$disk" capacity)" = "$(cat "/sys/block/$disk/size")" ]
	check "$disk: read-only" [ "$(field "$disk" ro)" = "$(cat "/sys/block/$disk/ro")" ]
	check "$disk: logical block size" [ "$(field "$disk" lbs)" = "$(cat "$q/logical_block_size")" ]
	check "$disk: physical block size" [ "$(field "$disk" pbs)" = "$(cat "$q/physical_block_size")" ]
	check "$disk: io_min" [ "$(field "$disk" io_min)" = "$(cat "$q/minimum_io_size")" ]
	check "$disk: io_opt" [ "$(field "$disk" io_opt)" = "$(cat "$q/optimal_io_size")" ]
	# sysfs halves it, rounding down (virtio_blk's is 2^32 - 1)
	check "$disk: max_hw_sectors" [ "$(($(field "$disk" max_hw_sectors) / 2))" = "$(cat "$q/max_hw_sectors_kb")" ]
	check "$disk: max_segments" [ "$(field "$disk" max_segments)" = "$(cat "$q/max_segments")" ]
	check "$disk: max_segment_size" [ "$(field "$disk" max_segment_size)" = "$(cat "$q/max_segment_size")" ]
	check "$disk: max_discard_sectors" [ "$(field "$disk" max_discard_sectors)" = "$(($(cat "$q/discard_max_bytes") / 512))" ]
	check "$disk: hardware queues" [ "$(field "$disk" hw_queues)" = "$(mq_queues "$disk")" ]
	# data through the shadowed driver, around the page cache
	dd if=/tmp/blk.pattern of="/dev/$disk" bs=64k seek=16 oflag=direct conv=fsync 2>/dev/null &&
		dd if="/dev/$disk" of=/tmp/blk.back bs=64k skip=16 count=16 iflag=direct 2>/dev/null
	check "$disk: 1 MiB written and read back" cmp -s /tmp/blk.pattern /tmp/blk.back
done < <(pci_disks)
# shadowctl disk show says the same, as JSON, to any user; not in
# another network namespace (disks belong to none)
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- \
	shadowctl -j disk show >/tmp/disks.json || fail "shadowctl disk show as nobody failed"
check "shadowctl lists as many disks as debugfs" \
	[ "$(jq length /tmp/disks.json)" -eq "$(recorded)" ]
while read -r disk pci; do
	for k in driver pci capacity ro lbs pbs io_min io_opt max_hw_sectors max_segments \
		 max_segment_size max_discard_sectors hw_queues; do
		got=$(jq -r --arg d "$disk" --arg k "$k" '.[] | select(.name == $d) | .[$k]' /tmp/disks.json)
		want=$(field "$disk" "$k")
		[[ $k == driver ]] && want=$(awk -v d="$disk" '$1 == d { print $2 }' "$DEBUGFS/disks")
		check "shadowctl: $disk $k" [ "$got" = "$want" ]
	done
	check "shadowctl: $disk dev" [ "$(jq -r --arg d "$disk" '.[] | select(.name == $d) | "\(.major):\(.minor)"' /tmp/disks.json)" = "$(field "$disk" dev)" ]
done < <(pci_disks)
check "shadowctl disk show is refused in another namespace" \
	eval '! peer shadowctl disk show 2>/tmp/disks.err && grep -q "initial network namespace" /tmp/disks.err'
adds=$(calls blk device_add_disk)
check "device_add_disk seen for every disk ($adds)" [ "$adds" -ge "$(disk_count)" ]
for f in "${!net_before[@]}"; do
	check "the net class's $f tap saw no disk driver" [ "$(calls net "$f")" -eq "${net_before[$f]}" ]
done

# unbind and bind each disk's PCI function again: the record follows
records_are() { [[ $(recorded) -eq $1 ]]; }
for pci in "${functions[@]}"; do
	drv=$(basename "$(readlink -f "/sys/bus/pci/devices/$pci/driver")")
	before=$(recorded)
	echo "$pci" >"/sys/bus/pci/devices/$pci/driver/unbind" || fail "cannot unbind $pci"
	check "$pci unbound: its disk's record is gone" busywait 10000 records_are $((before - 1))
	echo "$pci" >"/sys/bus/pci/drivers/$drv/bind" || fail "cannot bind $pci to $drv again"
	check "$pci bound again: its disk is recorded" busywait 30000 records_are "$before"
done
dels=$(calls blk del_gendisk)
check "del_gendisk seen for every unbind ($dels)" [ "$dels" -ge "${#functions[@]}" ]

# unloading a disk driver drops its disks
if grep -q ' virtio_blk ' "$DEBUGFS/disks"; then
	modprobe -r virtio_blk || fail "cannot unload virtio_blk"
	check "virtio_blk unloaded: no record of its disks" eval '! grep -q " virtio_blk " "$DEBUGFS/disks"'
	modprobe virtio_blk || fail "cannot load virtio_blk again"
	check "virtio_blk again: its disk recorded" busywait 30000 grep -q ' virtio_blk ' "$DEBUGFS/disks"
fi

# the shadow goes under recorded disks; they stay usable
n=$(recorded)
modprobe -r shadow || fail "cannot unload the shadow with $n disks recorded"
while read -r disk pci; do
	dd if="/dev/$disk" of=/tmp/blk.back bs=64k skip=16 count=16 iflag=direct 2>/dev/null
	check "$disk: readable after the shadow left" cmp -s /tmp/blk.pattern /tmp/blk.back
done < <(pci_disks)
rm -f /tmp/blk.pattern /tmp/blk.back /tmp/disks.json /tmp/disks.err
[[ $failures -eq 0 ]] || fail "$failures checks failed"
exit $KSFT_PASS
