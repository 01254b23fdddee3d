#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# shadowctl: build it and run its host tests (migrate-agent/tests/run.sh:
# the decoder against messages built as the kernel sends them, and the
# command line on a host without the "shadow" family). No kernel needed.
# Exit 0 pass, 1 fail, 4 skip (libnl-genl-3 or json-c missing).

set -o pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)

pkg-config --exists libnl-3.0 libnl-genl-3.0 json-c ||
	{ echo "SKIP: no libnl-3-dev, libnl-genl-3-dev or libjson-c-dev"; exit 4; }

make -s -C "$TOP/migrate-agent" test ||
	{ echo "FAIL: shadowctl does not build"; exit 1; }
"$TOP/migrate-agent/tests/run.sh" ||
	{ echo "FAIL: migrate-agent/tests/run.sh"; exit 1; }
echo "shadowctl: tests pass"
