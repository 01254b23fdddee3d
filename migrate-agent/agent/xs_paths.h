/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest channel on Xen: two nodes in the domain's own data/ subtree,
 * which the guest may write and whose changes fire dom0's watches. The
 * host writes a request (a JSON object, channel.h) to data/shadow/request;
 * the guest side, watching it, removes it, handles it and writes the
 * reply to data/shadow/reply, which the host watches. The guest names the
 * nodes relative to its own domain path, which a migration changes (a new
 * domain id) and which the guest's kernel follows; data/ starts empty in
 * every new domain, so no request outlives the domain it was meant for.
 */
#ifndef _MA_XS_PATHS_H
#define _MA_XS_PATHS_H

#define MA_XS_DIR	"data/shadow"
#define MA_XS_REQUEST	MA_XS_DIR "/request"
#define MA_XS_REPLY	MA_XS_DIR "/reply"
/* the guest side's version, written when it starts */
#define MA_XS_AGENT	MA_XS_DIR "/agent"

#endif /* _MA_XS_PATHS_H */
