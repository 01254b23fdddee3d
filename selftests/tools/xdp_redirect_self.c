// SPDX-License-Identifier: GPL-2.0
/*
 * Every frame goes back out of the interface it came in on, through
 * XDP_REDIRECT: the redirect path (the interface's devmap bulk queue and
 * its driver's ndo_xdp_xmit), which selftests/swap_xdp_redirect.sh takes
 * on an interface its first driver registered without one.
 */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_redirect_self(struct xdp_md *ctx)
{
	return bpf_redirect(ctx->ingress_ifindex, 0);
}

char _license[] SEC("license") = "GPL";
