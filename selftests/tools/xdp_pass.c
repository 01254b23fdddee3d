// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest XDP program: every frame passes. selftests/swap_xdp.sh
 * attaches it to check how a swap treats XDP.
 */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
