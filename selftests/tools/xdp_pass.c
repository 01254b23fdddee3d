// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest XDP program: every frame passes. selftests/swap_xdp.sh
 * attaches it to check how a swap treats XDP.
 */

#include <linux/bpf.h>

__attribute__((section("xdp"), used)) int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
