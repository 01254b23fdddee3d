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

# kernel_abi NAME|ABI: the ABI for a short name (6.1, 6.12) or an ABI.
kernel_abi()
{
	local want=$1 name abi ver kb

	while read -r name abi ver kb; do
		if [[ $want == "$name" || $want == "$abi" ]]; then
			echo "$abi"
			return 0
		fi
	done < <(kernel_list)
	echo "kernel '$want' is not pinned in scripts/kernels.conf" >&2
	return 1
}

kernel_root() { echo "$SHADOW_CACHE/kernels/$1"; }
kernel_kdir() { echo "$(kernel_root "$1")/usr/src/linux-headers-$1"; }
kernel_image() { echo "$(kernel_root "$1")/boot/vmlinuz-$1"; }
kernel_moddir() { echo "$(kernel_root "$1")/lib/modules/$1"; }

# kernel_name NAME|ABI: the short name (6.1, 6.12) of a pinned kernel.
kernel_name()
{
	local want=$1 name abi ver kb

	while read -r name abi ver kb; do
		if [[ $want == "$name" || $want == "$abi" ]]; then
			echo "$name"
			return 0
		fi
	done < <(kernel_list)
	return 1
}
