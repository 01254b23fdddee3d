#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every C file of the project passes the kernel's checkpatch (make style).

TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec "$TOP/scripts/style"
