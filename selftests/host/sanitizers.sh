#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host programs' own tests again, on builds with ASan and UBSan (every
# report fatal, leaks included): shadowctl and its unit tests
# (migrate-agent/tests/run.sh) and wrapgen (wrapgen/tests/run.sh). The
# builds go to build/asan/, apart from the normal ones; valgrind, which the
# normal run uses, cannot run them and is left out.
# Exit 0 pass, 1 fail, 4 skip (the compiler has no ASan runtime).

set -o pipefail
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ASAN=$TOP/build/asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=97
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int main(void) { return 0; }' > "$probe/p.c"
if ! { ${CC:-cc} -fsanitize=address,undefined -o "$probe/p" "$probe/p.c" \
	2> "$probe/log" && "$probe/p"; }; then
	cat "$probe/log"
	echo "SKIP: ${CC:-cc} has no ASan/UBSan runtime"
	exit 4
fi

rc=0
echo "# shadowctl, ASan and UBSan"
SANITIZE=1 O=$ASAN/migrate-agent BIN=$ASAN/bin \
	"$TOP/migrate-agent/tests/run.sh" || rc=1
echo "# wrapgen, ASan and UBSan"
if make -s -C "$TOP/wrapgen" SANITIZE=1 O="$ASAN/host"; then
	WRAPGEN=$ASAN/host/wrapgen "$TOP/wrapgen/tests/run.sh" || rc=1
else
	echo "not ok - wrapgen does not build with SANITIZE=1"
	rc=1
fi
exit $rc
