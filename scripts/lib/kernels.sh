# SPDX-License-Identifier: GPL-2.0
#
# Where the pinned kernels live. Sourced by scripts/setup, scripts/vm and the
# Makefile's helpers, so that the cache layout is written down once.

SHADOW_TOP=${SHADOW_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
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

# kernel_list: "name abi version kbuild" for every pinned kernel, in order.
kernel_list()
{
	grep -v -e '^#' -e '^[[:space:]]*$' "$SHADOW_TOP/scripts/kernels.conf"
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
# of the pinned kernel with that short name or ABI.
kernel_field()
{
	local want=$1 col=$2 line
	local -a f

	while read -r line; do
		read -r -a f <<<"$line"
		if [[ $want == "${f[0]}" || $want == "${f[1]}" ]]; then
			echo "${f[col - 1]}"
			return 0
		fi
	done < <(kernel_list)
	echo "kernel '$want' is not pinned in scripts/kernels.conf" >&2
	return 1
}

# kernel_abi NAME|ABI: the ABI for a short name (6.1, 6.12) or an ABI.
kernel_abi() { kernel_field "$1" 2; }

# kernel_name NAME|ABI: the short name of a pinned kernel.
kernel_name() { kernel_field "$1" 1 2>/dev/null; }

kernel_root() { echo "$SHADOW_CACHE/kernels/$1"; }
kernel_kdir() { echo "$(kernel_root "$1")/usr/src/linux-headers-$1"; }
kernel_image() { echo "$(kernel_root "$1")/boot/vmlinuz-$1"; }
kernel_moddir() { echo "$(kernel_root "$1")/lib/modules/$1"; }

