# SPDX-License-Identifier: GPL-2.0
#
# Fetching exact package versions from Debian's archive without installing
# them. Sourced by scripts/setup and scripts/debug-kernel.

# apt_download PKG VERSION DIR: fetch one exact package version into DIR;
# fails, saying which, when the archive does not have it.
apt_download()
{
	local pkg=$1 ver=$2 dir=$3

	# apt's sandbox user cannot write into root's cache; download as root.
	(cd "$dir" && apt-get download -q -o APT::Sandbox::User=root \
		"$pkg=$ver") >&2 || {
		echo "could not download $pkg $ver" >&2
		return 1
	}
}
