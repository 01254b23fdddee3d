# SPDX-License-Identifier: GPL-2.0
#
# The host programs' sanitizer and fuzzer flags, included by
# wrapgen/Makefile and migrate-agent/Makefile after their CFLAGS default.
#
# SANITIZE=1: ASan and UBSan, every report fatal (selftests/host/
# sanitizers.sh builds so, into build trees of their own).
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
CFLAGS += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
endif

# libFuzzer targets (each program's fuzz/), clang only:
# selftests/host/fuzz.sh runs them.
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -std=gnu11 \
	-D_GNU_SOURCE
