#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# wrapgen's tests. Prints one "ok N - name" or "not ok N - name" line per
# test and exits non-zero when any failed. Needs the pinned kernels' headers
# (scripts/setup); without the 6.1 headers every test is skipped.

set -o pipefail
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib/kernels.sh"
TESTS=$TOP/wrapgen/tests
WRAPGEN=${WRAPGEN:-$TOP/build/host/wrapgen}
ABI=$(kernel_abi 6.1)
KDIR=$(kernel_kdir "$ABI")
MODDIR=$(kernel_moddir "$ABI")
HDR=${KDIR%-amd64}-common/include
. "$TOP/scripts/lib/tap.sh"

# gen OUTDIR SPEC [CLANGFLAGS...]: wrapgen for 6.1.
gen()
{
	local out=$1 spec=$2
	shift 2
	"$WRAPGEN" -o "$out" --kernel-name 6.1 --release "$ABI" --kdir "$KDIR" \
		--cflags-from "$CMDFILE" --spec-name "${spec#"$TOP"/}" "$spec" \
		${1:+--} "$@"
}

# proto NAME FILE: the definition of NAME in FILE on one line.
proto()
{
	awk -v n="$2" '
		index($0, n "(") && /^static / { on = 1 }
		on { printf "%s ", $0 }
		on && /\)$/ { exit }' "$1" |
		sed -e 's/[[:space:]]\+/ /g' -e 's/ $//'
}

# not CMD...: succeeds when CMD fails (unlike "!", it counts under set -e).
not()
{
	if "$@"; then
		return 1
	fi
}

expect_proto()
{
	local file=$1 name=$2 want=$3 got
	got=$(proto "$file" "$name")
	if [[ $got != "$want" ]]; then
		echo "$name: got:  $got"
		echo "$name: want: $want"
		return 1
	fi
}

t_prototypes()
{
	local c=$TMP/p/net_taps.c
	# Pass-through stubs: the spec without its hand-written handlers.
	sed -E 's/[[:space:]]hook([[:space:]]|$)/\1/' "$TOP/taps/net.spec" > "$TMP/nohook.spec"
	gen "$TMP/p" "$TMP/nohook.spec"
	expect_proto "$c" tap_net_register_netdev \
		"static int tap_net_register_netdev(struct net_device *dev)"
	expect_proto "$c" tap_net_net_device_ops_ndo_change_mtu \
		"static int tap_net_net_device_ops_ndo_change_mtu(struct net_device *dev, int new_mtu)"
	expect_proto "$c" tap_net_netif_napi_add_weight \
		"static void tap_net_netif_napi_add_weight(struct net_device *dev, struct napi_struct *napi, int (*poll)(struct napi_struct *, int), int weight)"
	expect_proto "$c" tap_net_dma_alloc_attrs \
		"static void *tap_net_dma_alloc_attrs(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t flag, unsigned long attrs)"
	# and the headers say the same
	grep -q '^int register_netdev(struct net_device \*dev);' "$HDR/linux/netdevice.h"
	grep -q '(\*ndo_change_mtu)(struct net_device \*dev,$' "$HDR/linux/netdevice.h"
	grep -q 'ret = tap_net_orig_net_device_ops(dev)->ndo_change_mtu(dev, new_mtu);' "$c"
	# the lookup takes the object the members take first, typed
	tr -s '\n\t' '  ' < "$TMP/p/net_taps.h" |
		grep -q 'const struct net_device_ops \*tap_net_orig_net_device_ops( *const struct net_device \*obj);'
	grep -q 'ret = register_netdev(dev);' "$c"
	grep -q 'copy->ndo_open = tap_net_net_device_ops_ndo_open;' "$c"
	# query and datapath entries get no stub
	not grep -q 'ndo_start_xmit\|ndo_get_stats64' "$c"
	# with "hook", the stub hands the call to the hand-written handler
	gen "$TMP/h" "$TOP/taps/net.spec"
	grep -q 'ret = shadow_net_register_netdev(dev);' "$TMP/h/net_taps.c"
	grep -q '^int shadow_net_register_netdev(struct net_device \*dev);' "$TMP/h/net_taps.h"
}

t_overlay()
{
	mkdir -p "$TMP/overlay/linux"
	sed -e 's/^\tint\t\t\t(\*ndo_change_mtu)(/\tlong\t\t\t(*ndo_change_mtu)(/' \
		"$HDR/linux/netdevice.h" > "$TMP/overlay/linux/netdevice.h"
	grep -q 'long.*(\*ndo_change_mtu)' "$TMP/overlay/linux/netdevice.h"
	gen "$TMP/o" "$TOP/taps/net.spec" -I "$TMP/overlay"
	expect_proto "$TMP/o/net_taps.c" tap_net_net_device_ops_ndo_change_mtu \
		"static long tap_net_net_device_ops_ndo_change_mtu(struct net_device *dev, int new_mtu)"
	grep -q '^	long ret;' "$TMP/o/net_taps.c"
}

t_second_class()
{
	local c=$TMP/b/blk_taps.c h=$TMP/b/blk_taps.h
	gen "$TMP/b" "$TESTS/blk.spec"
	expect_proto "$c" tap_blk_block_device_operations_open \
		"static int tap_blk_block_device_operations_open(struct block_device *arg0, fmode_t arg1)"
	grep -q 'shadow_blk_block_device_operations_release(arg0, arg1);' "$c"
	tr -s '\n\t' '  ' < "$h" | sed 's/  */ /g' |
		grep -q 'void shadow_blk_block_device_operations_release(struct gendisk \*arg0, fmode_t arg1);'
	grep -q 'tap_blk_fill_block_device_operations' "$h"
	# open takes a block_device, release a gendisk: one lookup for each
	tr -s '\n\t' '  ' < "$c" | sed 's/  */ /g' | grep -q 'ret = tap_blk_orig_block_device_operations_block_device(arg0)->open(arg0, arg1);'
	tr -s '\n\t' '  ' < "$h" | sed 's/  */ /g' | grep -q 'const struct block_device_operations \*tap_blk_orig_block_device_operations_block_device( *const struct block_device \*obj);'
	tr -s '\n\t' '  ' < "$h" | sed 's/  */ /g' | grep -q 'const struct block_device_operations \*tap_blk_orig_block_device_operations_gendisk( *const struct gendisk \*obj);'
	not grep -q 'tap_blk_orig_block_device_operations(' "$h"
	grep -q 'TAP_BLK_DEL_GENDISK,' "$h"
	grep -q '\.flags = TAP_F_HOOK,' "$c"
	grep -q 'ret = device_add_disk(parent, disk, groups);' "$c"
	not grep -q submit_bio "$c"
}

# expect_err SPEC-TEXT MESSAGE-REGEX: wrapgen fails with exit 2 and says so.
expect_err()
{
	local text=$1 re=$2 rc=0
	printf '%s\n' "$text" > "$TMP/bad.spec"
	gen "$TMP/e" "$TMP/bad.spec" 2> "$TMP/err" || rc=$?
	cat "$TMP/err"
	[[ $rc == 2 ]] || { echo "exit $rc, want 2"; return 1; }
	grep -Eq "$re" "$TMP/err" || { echo "want /$re/"; return 1; }
}

t_errors()
{
	local head=$'class t\ninclude linux/netdevice.h'
	expect_err "$head"$'\ntable net_device_ops\n\tndo_open bogus' \
		"^wrapgen: $TMP/bad.spec:4: unknown kind 'bogus'"
	expect_err "$head"$'\ntable net_device_ops\n\tndo_bogus lifecycle' \
		"^wrapgen: $TMP/bad.spec:4: struct net_device_ops .*netdevice.h:[0-9]+\\) has no member 'ndo_bogus'"
	expect_err "$head"$'\ntable net_device_ops\n\tndo_bogus lifecycle optional\nexports\n\tnetif_stop_queue state queue off' \
		"^wrapgen: $TMP/bad.spec:6: netif_stop_queue is static inline \\(defined at .*/linux/netdevice.h:[0-9]+\\)"
	expect_err "$head"$'\nexports\n\tnetif_carrier_on state' \
		"^wrapgen: $TMP/bad.spec:4: netif_carrier_on: kind state needs a KEY"
	expect_err "$head"$'\nexports\n\talloc_netdev_mqs object-create hook' \
		"^wrapgen: $TMP/bad.spec:4: alloc_netdev_mqs: kind object-create needs a KEY"
	expect_err "$head"$'\nexports\n\tregister_netdev lifecycle bogus' \
		"^wrapgen: $TMP/bad.spec:4: register_netdev: unexpected token 'bogus'"
	expect_err "$head"$'\ninclude linux/pci.h\nexports\n\tpci_register_driver lifecycle' \
		"^wrapgen: $TMP/bad.spec:5: pci_register_driver is a macro \\(defined at .*/linux/pci.h:[0-9]+\\)"
	expect_err "$head"$'\nexports\n\tno_such_function lifecycle' \
		"^wrapgen: $TMP/bad.spec:4: no function no_such_function in the headers"
	expect_err "$head"$'\nexports\n\tnetdev_printk lifecycle' \
		"^wrapgen: $TMP/bad.spec:4: netdev_printk: function at .* is variadic"
	expect_err $'class t\ninclude linux/suspend.h\ntable platform_suspend_ops\n\tbegin lifecycle' \
		"^wrapgen: $TMP/bad.spec:4: begin: member at .* takes suspend_state_t first, not a pointer"
	expect_err $'class t\ndoc "one"\ndoc "two"\ninclude linux/netdevice.h' \
		"^wrapgen: $TMP/bad.spec:3: second doc statement"
	expect_err $'class t\ninclude linux/no_such_header.h\nexports\n\tfoo lifecycle' \
		"^wrapgen: $TMP/bad.spec:2: include linux/no_such_header.h: 'linux/no_such_header.h' file not found"
}

t_deterministic()
{
	gen "$TMP/d1" "$TOP/taps/net.spec" > /dev/null
	gen "$TMP/d2" "$TOP/taps/net.spec" > /dev/null
	cmp "$TMP/d1/net_taps.c" "$TMP/d2/net_taps.c"
	cmp "$TMP/d1/net_taps.h" "$TMP/d2/net_taps.h"
	# unchanged output is not rewritten
	touch -d '2000-01-01' "$TMP/d1/net_taps.c"
	[[ -z $(gen "$TMP/d1" "$TOP/taps/net.spec") ]]
	[[ $(stat -c %Y "$TMP/d1/net_taps.c") == 946684800 ]]
	not grep -q "$HOME\|/work\|/root\|/tmp" "$TMP/d1/net_taps.c" "$TMP/d1/net_taps.h"
}

t_audit()
{
	local ko=$MODDIR/kernel/drivers/net/ethernet/intel/e1000/e1000.ko
	"$WRAPGEN" --audit "$TOP/taps/net.spec" "$ko" > "$TMP/a"
	grep -Eq '^  register_netdev +object-create netdev_registration$' "$TMP/a"
	grep -Eq '^  _printk +ignored \(_printk\)$' "$TMP/a"
	"$WRAPGEN" --audit --json "$TOP/taps/net.spec" "$ko" > "$TMP/j"
	grep -q '{"name":"register_netdev","class":"entry","kind":"object-create","key":"netdev_registration"}' "$TMP/j"
	# a spec without the entry leaves it unclassified, and --strict fails
	printf 'class t\ninclude linux/netdevice.h\nexports\n\tfree_netdev object-destroy netdev\n' > "$TMP/s.spec"
	"$WRAPGEN" --audit "$TMP/s.spec" "$ko" | grep -Eq '^  register_netdev +UNCLASSIFIED$'
	not "$WRAPGEN" --audit --strict "$TMP/s.spec" "$ko" > /dev/null
}

# The generated taps compile with W=1 and the kernel's flags, without warnings.
t_compiles()
{
	local name=$1 abi kdir d c objs=()
	abi=$(kernel_abi "$name")
	kdir=$(kernel_kdir "$abi")
	d=$TOP/build/$abi/tap-try
	rm -rf "$d"
	mkdir -p "$d"
	# every class: net's and blk's
	for c in "$TOP/taps/gen/$name"/*_taps.c; do
		cp "$c" "${c%.c}.h" "$d/"
		c=${c##*/}
		objs+=("${c%.c}.o")
	done
	[[ ${#objs[@]} -ge 2 ]] || { echo "only ${objs[*]} in taps/gen/$name"; return 1; }
	# The objects alone: the handlers they call live in shadow.ko, which
	# make check links and loads (net), or do not exist yet (blk).
	cat > "$d/Kbuild" <<-EOK
	obj-m := ${objs[*]}
	ccflags-y := -I$TOP/shadow -fno-optimize-sibling-calls
	EOK
	make -C "$kdir" M="$d" W=1 "${objs[@]}" > "$d/build.log" 2>&1 ||
		{ cat "$d/build.log"; return 1; }
	for c in "${objs[@]}"; do
		[[ -f $d/$c ]] || { cat "$d/build.log"; return 1; }
	done
	if grep -E 'warning|error' "$d/build.log" | grep -v 'Skipping BTF'; then
		return 1
	fi
}

# No exported function is tapped by two classes: each class's hooks are one
# ftrace_ops with IPMODIFY (shadow/hook.c), and ftrace refuses a second
# such ops on a function, so shadow.ko would fail to load.
t_one_class_per_export()
{
	local name dups

	for name in 6.1 6.12; do
		dups=$(cat "$TOP/taps/gen/$name"/*_taps.c |
			sed -n 's/^[[:space:]]*\.symbol = "\(.*\)",$/\1/p' | sort | uniq -d)
		[[ -z $dups ]] || { echo "$name: tapped by two classes: $dups"; return 1; }
	done
	# and the check sees symbols at all
	grep -q '\.symbol = "device_add_disk",' "$TOP/taps/gen/6.1/blk_taps.c"
}

main()
{
	if [[ ! -f $KDIR/Makefile ]]; then
		echo "ok 1 # SKIP no 6.1 headers at $KDIR (scripts/setup)"
		exit 0
	fi
	make -s -C "$TOP/wrapgen" || exit 1
	CMDFILE=$("$TOP/scripts/regen-taps" --cmdfile 6.1) || exit 1

	run "prototypes from the 6.1 headers" t_prototypes
	run "a changed header prototype changes the stub" t_overlay
	run "a second class (block_device_operations) with the same binary" t_second_class
	run "spec and header errors name file:line" t_errors
	run "output is deterministic and rewritten only on change" t_deterministic
	run "audit classifies e1000.ko imports" t_audit
	run "generated taps build with W=1 (6.1)" t_compiles 6.1
	run "generated taps build with W=1 (6.12)" t_compiles 6.12
	run "no export is tapped by two classes" t_one_class_per_export
	echo "1..$N"
	[[ $FAILED == 0 ]]
}

main "$@"
