# SPDX-License-Identifier: GPL-2.0
#
# Which kernels Shadow builds and tests against, and where they live.
# Sourced by scripts/setup, scripts/vm, scripts/check, the benchmarks and
# the Makefile's helpers, so that the pin, the cache layout and the series
# fallback are written down once.
#
# scripts/kernels.conf pins each supported series (6.1, 6.12) to the ABI
# last tested. Debian retires ABIs without notice, so the ABI a machine
# uses is the pin when the cache holds it, else the one scripts/setup
# fetched in its place (the series' newest, recorded in
# $SHADOW_CACHE/selected/<series>). Everything below answers with the ABI in
# use; kernel_origin says whether that is the pin.

SHADOW_TOP=${SHADOW_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SHADOW_KERNELS_CONF=${SHADOW_KERNELS_CONF:-$SHADOW_TOP/scripts/kernels.conf}
# HOME may be unset under CI; the cache then goes to /var/cache.
if [[ -z ${SHADOW_CACHE:-} ]]; then
	if [[ -n ${XDG_CACHE_HOME:-} ]]; then
		SHADOW_CACHE=$XDG_CACHE_HOME/shadow
	elif [[ -n ${HOME:-} ]]; then
		SHADOW_CACHE=$HOME/.cache/shadow
	else
		SHADOW_CACHE=/var/cache/shadow
	fi
fi
export SHADOW_CACHE

kernel_root() { echo "$SHADOW_CACHE/kernels/$1"; }
kernel_kdir() { echo "$(kernel_root "$1")/usr/src/linux-headers-$1"; }
kernel_image() { echo "$(kernel_root "$1")/boot/vmlinuz-$1"; }
kernel_moddir() { echo "$(kernel_root "$1")/lib/modules/$1"; }
kernel_selected_file() { echo "$SHADOW_CACHE/selected/$1"; }

# kernel_cached ABI VERSION: the cache holds that exact kernel, complete.
kernel_cached()
{
	local f
	f=$(kernel_root "$1")/.complete
	[[ -f $f && $(<"$f") == "$2" ]]
}

# kernel_pins: "name abi version kbuild meta" for every pinned series, in
# order, as scripts/kernels.conf has them.
kernel_pins()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$SHADOW_KERNELS_CONF"
}

# kernel_in_use NAME ABI VERSION KBUILD: the line "name abi version kbuild"
# of the kernel to use for one pin: the pin when it is in the cache, else
# the fallback setup recorded for the series if that is in the cache, else
# the pin (not fetched yet: its users say "run scripts/setup").
kernel_in_use()
{
	local name=$1 abi=$2 ver=$3 kb=$4 sel f

	if ! kernel_cached "$abi" "$ver"; then
		sel=$(kernel_selected_file "$name")
		if [[ -f $sel ]]; then
			read -r f <"$sel"
			f=$(kernel_root "$f")/.pin
			if [[ -f $f ]]; then
				read -r name abi ver kb <"$f"
				kernel_cached "$abi" "$ver" || {
					name=$1 abi=$2 ver=$3 kb=$4
				}
			fi
		fi
	fi
	printf '%s\t%s\t%s\t%s\n' "$name" "$abi" "$ver" "$kb"
}

# kernel_list: "name abi version kbuild" of the kernel in use for every
# pinned series, in order. The first line is the default KVER.
kernel_list()
{
	local name abi ver kb

	while read -r name abi ver kb _; do
		kernel_in_use "$name" "$abi" "$ver" "$kb"
	done < <(kernel_pins)
}

# kernel_origin NAME: "pinned" when the series runs its pinned ABI, else
# "fallback: pin ABI VERSION is gone".
kernel_origin()
{
	local name abi ver kb use

	while read -r name abi ver kb _; do
		[[ $name == "$1" ]] || continue
		read -r _ use _ < <(kernel_in_use "$name" "$abi" "$ver" "$kb")
		if [[ $use == "$abi" ]]; then
			echo pinned
		else
			echo "fallback: pin $abi $ver is gone"
		fi
		return 0
	done < <(kernel_pins)
	return 1
}

# kernel_pinned_abi NAME: the ABI scripts/kernels.conf pins for a series.
kernel_pinned_abi()
{
	kernel_pins | awk -v n="$1" '$1 == n { print $2; exit }'
}

# each_kernel FUNC: FUNC NAME for every pinned kernel, all of them even if
# one fails; fails if any did.
each_kernel()
{
	local name failed=0

	while read -r name _; do
		"$1" "$name" || failed=1
	done < <(kernel_list)
	return $failed
}

# kernel_field NAME|ABI COLUMN: a column (1 name, 2 abi, 3 version, 4 kbuild)
# of the kernel in use for that series name or ABI, or of any other ABI
# the cache holds whole (make KVER=<abi> picks an exact one).
kernel_field()
{
	local want=$1 col=$2 line pin
	local -a f

	while read -r line; do
		read -r -a f <<<"$line"
		if [[ $want == "${f[0]}" || $want == "${f[1]}" ]]; then
			echo "${f[col - 1]}"
			return 0
		fi
	done < <(kernel_list)
	pin=$(kernel_root "$want")/.pin
	if [[ $want == */* || ! -f $pin ]] ||
	   ! read -r -a f <"$pin" || ! kernel_cached "${f[1]}" "${f[2]}"; then
		echo "kernel '$want' is neither a series of scripts/kernels.conf nor an ABI in $SHADOW_CACHE/kernels" >&2
		return 1
	fi
	echo "${f[col - 1]}"
}

# kernel_abi NAME|ABI: the ABI for a short name (6.1, 6.12) or an ABI.
kernel_abi() { kernel_field "$1" 2; }

# kernel_name NAME|ABI: the series of a kernel.
kernel_name() { kernel_field "$1" 1 2>/dev/null; }

# kernel_tapdir NAME|ABI: where the taps for that kernel are. The committed
# taps/gen/<series>/ were generated from the pinned ABI's headers; another
# ABI of the series gets its own, generated into build/<abi>/taps-gen/ and
# compared with the committed ones (scripts/regen-taps).
kernel_tapdir()
{
	local name abi
	abi=$(kernel_abi "$1") || return 1
	name=$(kernel_name "$abi")
	if [[ $abi == "$(kernel_pinned_abi "$name")" ]]; then
		echo "$SHADOW_TOP/taps/gen/$name"
	else
		echo "$SHADOW_TOP/build/$abi/taps-gen"
	fi
}
