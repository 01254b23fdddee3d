# SPDX-License-Identifier: GPL-2.0
#
# Judging a Linux guest's serial console. Sourced by scripts/vm and
# scripts/lib/debian-guest.sh.

# check_console LOG: print the first kernel reports in a console log, if
# any (grep -n style); fails when there is none. Besides warnings, oopses
# and panics: the debug kernel's reports that are no WARN (KASAN and KFENCE
# say BUG:, lockdep WARNING: or INFO:, kmemleak counts its leaks) and
# UBSAN's. Leaks kmemleak found before the guest cleared its baseline
# (scripts/guest/init) were there before anything of ours ran.
check_console()
{
	awk '/shadow guest: kmemleak baseline cleared/ { base = 1 }
	     /^\[ *[0-9]+\.[0-9]+\] / &&
	     /WARNING:|BUG:|Oops|Kernel panic|general protection|soft lockup|new suspected memory leaks|UBSAN:|INFO: (possible|trying to register|task .* blocked)/ {
		if (!base && /new suspected memory leaks/)
			next
		print NR ":" $0
		if (++n == 5)
			exit
	     }
	     END { exit n == 0 }' "$1"
}
