// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of decode.c: build the messages the kernel would send, as
 * linux/shadow.h describes them, with libnl's nlmsg/nla API, decode them
 * and compare the text and the JSON. Prints "ok - NAME" or "not ok - NAME"
 * per test (tests/run.sh numbers them) and exits 1 when any failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/shadow.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "compiler.h"
#include "decode.h"
#include "harness.h"

#define FAMILY	KM_FAMILY

static struct nl_msg *new_msg(int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 1234, 7, FAMILY, 0, NLM_F_MULTI, cmd,
				 SHADOW_GENL_VERSION)) {
		fprintf(stderr, "cannot build a message\n");
		exit(2);
	}
	return msg;
}

/* Decode MSG as KIND both ways; expect TEXT (one line) and JSON. */
static void check(const char *name, struct nl_msg *msg, enum sc_kind kind,
		  const char *text, const char *json)
{
	struct json_object *array = json_object_new_array();
	struct json_object *obj;
	char *buf = NULL;
	size_t len = 0;
	char err[256] = "";
	bool ok = true;
	FILE *f;

	seed_write(fuzz_what_of(kind), msg);
	f = open_memstream(&buf, &len);
	if (!f || !array)
		exit(2);
	if (sc_decode(kind, nlmsg_hdr(msg), f, NULL, err, sizeof(err))) {
		printf("# text: error: %s\n", err);
		ok = false;
	}
	fclose(f);
	if (ok && (len < 1 || buf[len - 1] != '\n' ||
		   strncmp(buf, text, len - 1) || strlen(text) != len - 1)) {
		printf("# text: got      \"%.*s\"\n", (int)len, buf);
		printf("# text: expected \"%s\\n\"\n", text);
		ok = false;
	}
	if (sc_decode(kind, nlmsg_hdr(msg), NULL, array, err, sizeof(err))) {
		printf("# json: error: %s\n", err);
		ok = false;
	} else {
		obj = json_object_array_get_idx(array, 0);
		if (!json_is(obj, json))
			ok = false;
	}
	result(name, ok);
	free(buf);
	json_object_put(array);
	nlmsg_free(msg);
}

/* Decoding MSG must fail, both ways, with an error containing WANT. */
static void check_error(const char *name, struct nl_msg *msg,
			enum sc_kind kind, const char *want)
{
	struct json_object *array = json_object_new_array();
	char *buf = NULL;
	size_t len = 0;
	char err[256] = "";
	bool ok = true;
	FILE *f;

	seed_write(fuzz_what_of(kind), msg);
	f = open_memstream(&buf, &len);
	if (!f || !array)
		exit(2);
	if (sc_decode(kind, nlmsg_hdr(msg), f, NULL, err, sizeof(err)) !=
	    -EINVAL || !strstr(err, want)) {
		printf("# text: error \"%s\", expected \"%s\"\n", err, want);
		ok = false;
	}
	fclose(f);
	if (len) {
		printf("# text: printed \"%.*s\"\n", (int)len, buf);
		ok = false;
	}
	err[0] = '\0';
	if (sc_decode(kind, nlmsg_hdr(msg), NULL, array, err, sizeof(err)) !=
	    -EINVAL || !strstr(err, want) ||
	    json_object_array_length(array)) {
		printf("# json: error \"%s\", expected \"%s\"\n", err, want);
		ok = false;
	}
	result(name, ok);
	free(buf);
	json_object_put(array);
	nlmsg_free(msg);
}

/* Devices */

static struct nl_msg *dev_msg(int cmd, const char *ifname, __u32 ifindex,
			      const char *driver, const char *bus,
			      const char *bus_addr, __u32 state, __u8 attached)
{
	struct nl_msg *msg = new_msg(cmd);

	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, ifindex);
	nla_put_string(msg, SHADOW_A_DEV_IFNAME, ifname);
	nla_put_string(msg, SHADOW_A_DEV_DRIVER, driver);
	nla_put_string(msg, SHADOW_A_DEV_BUS, bus);
	nla_put_string(msg, SHADOW_A_DEV_BUS_ADDR, bus_addr);
	nla_put_u32(msg, SHADOW_A_DEV_STATE, state);
	nla_put_u32(msg, SHADOW_A_DEV_LOG_LEN, 5);
	nla_put_u32(msg, SHADOW_A_DEV_OBJECTS, 7);
	nla_put_u8(msg, SHADOW_A_DEV_ATTACHED, attached);
	nla_put_u32(msg, SHADOW_A_DEV_PRIV_SIZE, 2048);
	nla_put_u32(msg, SHADOW_A_DEV_TXQ, 1);
	nla_put_u32(msg, SHADOW_A_DEV_RXQ, 1);
	if (attached)
		nla_put_string(msg, SHADOW_A_DEV_CAN_HOST, "e1000,8139cp");
	return msg;
}

static void test_dev(void)
{
	struct nl_msg *msg;

	check("dev: DEV_GET reply",
	      dev_msg(SHADOW_CMD_DEV_GET, "eth0", 2, "e1000", "pci",
		      "0000:00:02.0", SHADOW_STATE_PASSIVE, 1),
	      SC_KIND_DEV,
	      "eth0 ifindex 2 driver e1000 pci 0000:00:02.0 state passive log 5 objects 7 priv 2048 txq 1 rxq 1 can-host e1000,8139cp",
	      "{\"ifname\":\"eth0\",\"ifindex\":2,\"driver\":\"e1000\",\"bus\":\"pci\",\"bus_addr\":\"0000:00:02.0\",\"state\":\"passive\",\"log_len\":5,\"objects\":7,\"attached\":true,\"priv_size\":2048,\"txq\":1,\"rxq\":1,\"can_host\":[\"e1000\",\"8139cp\"]}");
	check("dev: detach event, late attach, virtio",
	      dev_msg(SHADOW_CMD_EVENT, "ens4", 3, "virtio_net", "virtio",
		      "virtio0", SHADOW_STATE_DETACHED, 0),
	      SC_KIND_DEV,
	      "ens4 ifindex 3 driver virtio_net virtio virtio0 state detached log 5 objects 7 priv 2048 txq 1 rxq 1 late-attach",
	      "{\"ifname\":\"ens4\",\"ifindex\":3,\"driver\":\"virtio_net\",\"bus\":\"virtio\",\"bus_addr\":\"virtio0\",\"state\":\"detached\",\"log_len\":5,\"objects\":7,\"attached\":false,\"priv_size\":2048,\"txq\":1,\"rxq\":1,\"can_host\":[]}");

	msg = dev_msg(SHADOW_CMD_DEV_GET, "eth1", 4, "e1000e", "pci",
		      "0000:00:05.0", SHADOW_STATE_PARKED, 1);
	nla_put_u32(msg, SHADOW_A_DEV_SWAP_SEQ, 12);
	check("dev: parked, its swap still running", msg, SC_KIND_DEV,
	      "eth1 ifindex 4 driver e1000e pci 0000:00:05.0 state parked swap 12 log 5 objects 7 priv 2048 txq 1 rxq 1 can-host e1000,8139cp",
	      "{\"ifname\":\"eth1\",\"ifindex\":4,\"driver\":\"e1000e\",\"bus\":\"pci\",\"bus_addr\":\"0000:00:05.0\",\"state\":\"parked\",\"swap\":12,\"log_len\":5,\"objects\":7,\"attached\":true,\"priv_size\":2048,\"txq\":1,\"rxq\":1,\"can_host\":[\"e1000\",\"8139cp\"]}");

	msg = new_msg(SHADOW_CMD_DEV_GET);
	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, 9);
	nla_put_string(msg, SHADOW_A_DEV_IFNAME, "eth9");
	check("dev: only the required attributes", msg, SC_KIND_DEV,
	      "eth9 ifindex 9", "{\"ifname\":\"eth9\",\"ifindex\":9,\"can_host\":[]}");

	msg = new_msg(SHADOW_CMD_DEV_GET);
	nla_put_string(msg, SHADOW_A_DEV_IFNAME, "eth0");
	check_error("dev: no ifindex is an error", msg, SC_KIND_DEV,
		    "no SHADOW_A_DEV_IFINDEX");

	msg = new_msg(SHADOW_CMD_DEV_GET);
	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, 2);
	nla_put(msg, SHADOW_A_DEV_IFNAME, 4, "eth0");
	check_error("dev: unterminated string is an error", msg, SC_KIND_DEV,
		    "malformed message");

	msg = new_msg(SHADOW_CMD_DEV_GET);
	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, 2);
	nla_put_string(msg, SHADOW_A_DEV_IFNAME, "eth0");
	nla_put(msg, SHADOW_A_DEV_STATE, 2, "\1");
	check_error("dev: short u32 is an error", msg, SC_KIND_DEV,
		    "malformed message");
}

/* Log entries */

static struct nl_msg *log_msg(__u64 seq, __u32 key, const void *data,
			      int len)
{
	struct nl_msg *msg = new_msg(SHADOW_CMD_LOG_GET);

	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, 2);
	/* what nla_put_u64_64bit adds where 64-bit alignment matters */
	nla_put(msg, SHADOW_A_PAD, 0, NULL);
	nla_put_u64(msg, SHADOW_A_LOG_SEQ, seq);
	nla_put_u32(msg, SHADOW_A_LOG_KEY, key);
	nla_put(msg, SHADOW_A_LOG_DATA, len, data);
	return msg;
}

#define LOG(seq, key, v) log_msg(seq, key, &(v), sizeof(v))

static void test_log_scalars(void)
{
	unsigned char mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct shadow_log_vlan vlan;
	__u64 features = 0x1d00000000c9ULL;
	__u32 u32;
	__u8 u8;

	u8 = 1;
	check("log: up", LOG(10, SHADOW_LOG_UP, u8), SC_KIND_LOG,
	      "seq 10 up on", "{\"seq\":10,\"key\":\"up\",\"up\":true}");
	u8 = 0;
	check("log: down", LOG(11, SHADOW_LOG_UP, u8), SC_KIND_LOG,
	      "seq 11 up off", "{\"seq\":11,\"key\":\"up\",\"up\":false}");
	u32 = 1400;
	check("log: mtu", LOG(12, SHADOW_LOG_MTU, u32), SC_KIND_LOG,
	      "seq 12 mtu 1400", "{\"seq\":12,\"key\":\"mtu\",\"mtu\":1400}");
	check("log: mac", LOG(13, SHADOW_LOG_MAC, mac), SC_KIND_LOG,
	      "seq 13 mac 52:54:00:12:34:56",
	      "{\"seq\":13,\"key\":\"mac\",\"address\":\"52:54:00:12:34:56\"}");
	vlan.proto = htons(ETH_P_8021Q);
	vlan.vid = 10;
	check("log: vlan 802.1Q", LOG(14, SHADOW_LOG_VLAN, vlan), SC_KIND_LOG,
	      "seq 14 vlan 802.1Q 10",
	      "{\"seq\":14,\"key\":\"vlan\",\"proto\":\"802.1Q\",\"vid\":10}");
	vlan.proto = htons(ETH_P_8021AD);
	vlan.vid = 4094;
	check("log: vlan 802.1ad", LOG(16, SHADOW_LOG_VLAN, vlan),
	      SC_KIND_LOG, "seq 16 vlan 802.1ad 4094",
	      "{\"seq\":16,\"key\":\"vlan\",\"proto\":\"802.1ad\",\"vid\":4094}");
	u32 = IFF_UP | IFF_PROMISC;
	check("log: rx_flags", LOG(17, SHADOW_LOG_RX_FLAGS, u32), SC_KIND_LOG,
	      "seq 17 rx_flags promisc on allmulti off",
	      "{\"seq\":17,\"key\":\"rx_flags\",\"promisc\":true,\"allmulti\":false}");
	check("log: features", LOG(18, SHADOW_LOG_FEATURES, features),
	      SC_KIND_LOG, "seq 18 features 0x00001d00000000c9",
	      "{\"seq\":18,\"key\":\"features\",\"features\":\"0x00001d00000000c9\"}");
	u32 = 0x7;
	check("log: msglevel", LOG(19, SHADOW_LOG_MSGLEVEL, u32), SC_KIND_LOG,
	      "seq 19 msglevel 0x7",
	      "{\"seq\":19,\"key\":\"msglevel\",\"msglevel\":7}");
	u32 = 0x12;
	check("log: priv_flags", LOG(20, SHADOW_LOG_PRIV_FLAGS, u32),
	      SC_KIND_LOG, "seq 20 priv_flags 0x12",
	      "{\"seq\":20,\"key\":\"priv_flags\",\"priv_flags\":18}");
	u32 = 1;
	/* well past __SHADOW_LOG_MAX, so that new keys leave it unknown */
	check("log: unknown key is shown by number",
	      LOG(21, 1000, u32), SC_KIND_LOG,
	      "seq 21 key-1000 len 4",
	      "{\"seq\":21,\"key\":\"key-1000\",\"len\":4}");
	check("log: 64-bit sequence number",
	      LOG(0x123456789ULL, SHADOW_LOG_MTU, u32), SC_KIND_LOG,
	      "seq 4886718345 mtu 1",
	      "{\"seq\":4886718345,\"key\":\"mtu\",\"mtu\":1}");
}

static void test_log_ethtool(void)
{
	struct ethtool_ringparam ring = { ETHTOOL_GRINGPARAM, 4096, 0, 0,
					  4096, 256, 0, 0, 256 };
	struct ethtool_pauseparam pause = { ETHTOOL_GPAUSEPARAM, 1, 1, 0 };
	struct ethtool_channels ch = { ETHTOOL_GCHANNELS, 0, 0, 1, 8,
				       0, 0, 1, 4 };
	struct ethtool_wolinfo wol = { ETHTOOL_GWOL, 0x21, 0x20, { 0 } };
	/* bit 49 of the link modes, past what struct ethtool_eee held */
	struct shadow_log_eee eee = { .advertised = 1ULL << 49 | 0x28,
				      .eee_enabled = 1, .tx_lpi_enabled = 0,
				      .tx_lpi_timer = 100 };

	check("log: ring", LOG(15, SHADOW_LOG_RING, ring), SC_KIND_LOG,
	      "seq 15 ring rx 256 rx-mini 0 rx-jumbo 0 tx 256",
	      "{\"seq\":15,\"key\":\"ring\",\"rx\":256,\"rx_mini\":0,\"rx_jumbo\":0,\"tx\":256,\"rx_max\":4096,\"rx_mini_max\":0,\"rx_jumbo_max\":0,\"tx_max\":4096}");
	check("log: pause", LOG(22, SHADOW_LOG_PAUSE, pause), SC_KIND_LOG,
	      "seq 22 pause autoneg on rx on tx off",
	      "{\"seq\":22,\"key\":\"pause\",\"autoneg\":true,\"rx\":true,\"tx\":false}");
	check("log: channels", LOG(23, SHADOW_LOG_CHANNELS, ch), SC_KIND_LOG,
	      "seq 23 channels rx 0 tx 0 other 1 combined 4",
	      "{\"seq\":23,\"key\":\"channels\",\"rx\":0,\"tx\":0,\"other\":1,\"combined\":4,\"rx_max\":0,\"tx_max\":0,\"other_max\":1,\"combined_max\":8}");
	check("log: wol", LOG(24, SHADOW_LOG_WOL, wol), SC_KIND_LOG,
	      "seq 24 wol supported 0x21 wolopts 0x20",
	      "{\"seq\":24,\"key\":\"wol\",\"supported\":33,\"wolopts\":32}");
	check("log: eee", LOG(25, SHADOW_LOG_EEE, eee), SC_KIND_LOG,
	      "seq 25 eee enabled on tx-lpi off tx-lpi-timer 100 advertised 0x0002000000000028",
	      "{\"seq\":25,\"key\":\"eee\",\"eee_enabled\":true,\"tx_lpi_enabled\":false,\"tx_lpi_timer\":100,\"advertised\":\"0x0002000000000028\"}");
}

/* An RSS entry as linux/shadow.h lays it out, less its last CUT bytes. */
static struct nl_msg *rss_msg(__u64 seq, __u32 hfunc, const __u16 *indir,
			      __u16 indir_size, const __u8 *key,
			      __u16 key_size, int cut)
{
	struct shadow_log_rss rss = { .hfunc = hfunc,
				      .indir_size = indir_size,
				      .key_size = key_size };
	unsigned char buf[256];
	size_t len = sizeof(rss);

	memcpy(buf, &rss, sizeof(rss));
	if (indir_size)
		memcpy(buf + len, indir, indir_size * sizeof(*indir));
	len += indir_size * sizeof(*indir);
	if (key_size)
		memcpy(buf + len, key, key_size);
	len += key_size;
	return log_msg(seq, SHADOW_LOG_RSS, buf, len - cut);
}

static const __u16 rss_indir[8] = { 0, 1, 2, 3, 0, 1, 2, 3 };
static const __u8 rss_key[4] = { 0x6d, 0x5a, 0x56, 0xda };

static void test_log_rss(void)
{
	check("log: rss, 8-entry table and 4-byte key",
	      rss_msg(40, 0x1, rss_indir, 8, rss_key, 4, 0),
	      SC_KIND_LOG,
	      "seq 40 rss hfunc 0x1 indir 0 1 2 3 0 1 2 3 key 6d:5a:56:da",
	      "{\"seq\":40,\"key\":\"rss\",\"hfunc\":1,\"indir\":[0,1,2,3,0,1,2,3],\"hkey\":\"6d:5a:56:da\"}");
	check("log: rss without a key",
	      rss_msg(41, 0x2, rss_indir, 4, NULL, 0, 0),
	      SC_KIND_LOG, "seq 41 rss hfunc 0x2 indir 0 1 2 3",
	      "{\"seq\":41,\"key\":\"rss\",\"hfunc\":2,\"indir\":[0,1,2,3]}");
	check("log: rss without a table, 1-byte key",
	      rss_msg(42, 0x1, NULL, 0, rss_key, 1, 0),
	      SC_KIND_LOG, "seq 42 rss hfunc 0x1 key 6d",
	      "{\"seq\":42,\"key\":\"rss\",\"hfunc\":1,\"indir\":[],\"hkey\":\"6d\"}");
}

/* Every field of struct ethtool_coalesce by its C name, cmd aside. */
static void test_log_coalesce(void)
{
	static const char * const names[] = {
		"rx_coalesce_usecs", "rx_max_coalesced_frames",
		"rx_coalesce_usecs_irq", "rx_max_coalesced_frames_irq",
		"tx_coalesce_usecs", "tx_max_coalesced_frames",
		"tx_coalesce_usecs_irq", "tx_max_coalesced_frames_irq",
		"stats_block_coalesce_usecs", "use_adaptive_rx_coalesce",
		"use_adaptive_tx_coalesce", "pkt_rate_low",
		"rx_coalesce_usecs_low", "rx_max_coalesced_frames_low",
		"tx_coalesce_usecs_low", "tx_max_coalesced_frames_low",
		"pkt_rate_high", "rx_coalesce_usecs_high",
		"rx_max_coalesced_frames_high", "tx_coalesce_usecs_high",
		"tx_max_coalesced_frames_high", "rate_sample_interval",
	};
	__u32 words[sizeof(struct ethtool_coalesce) / sizeof(__u32)];
	char json[2048];
	size_t i, pos;

	if (ARRAY_SIZE(words) != ARRAY_SIZE(names) + 1) {
		result("log: coalesce (struct ethtool_coalesce changed)", 0);
		return;
	}
	words[0] = ETHTOOL_GCOALESCE;
	pos = snprintf(json, sizeof(json),
		       "{\"seq\":26,\"key\":\"coalesce\"");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		words[i + 1] = 100 + i;
		pos += snprintf(json + pos, sizeof(json) - pos, ",\"%s\":%zu",
				names[i], 100 + i);
	}
	snprintf(json + pos, sizeof(json) - pos, "}");
	check("log: coalesce", LOG(26, SHADOW_LOG_COALESCE, words),
	      SC_KIND_LOG,
	      "seq 26 coalesce rx-usecs 100 rx-frames 101 tx-usecs 104 tx-frames 105 adaptive-rx 109 adaptive-tx 110",
	      json);
}

static void test_log_errors(void)
{
	struct ethtool_ringparam ring = { 0 };
	struct nl_msg *msg;
	__u16 u16 = 1;

	check_error("log: short ring data is an error",
		    log_msg(30, SHADOW_LOG_RING, &ring, 8), SC_KIND_LOG,
		    "ring data is 8 bytes, expected 36");
	check_error("log: short coalesce data is an error",
		    log_msg(31, SHADOW_LOG_COALESCE, &ring, sizeof(ring)),
		    SC_KIND_LOG, "coalesce data is 36 bytes, expected 92");
	check_error("log: short eee data is an error",
		    log_msg(32, SHADOW_LOG_EEE, &ring, 20), SC_KIND_LOG,
		    "eee data is 20 bytes, expected 24");
	check_error("log: rss data shorter than its sizes is an error",
		    rss_msg(36, 0x1, rss_indir, 8, rss_key, 4, 1),
		    SC_KIND_LOG, "log entry seq 36: rss data is 27 bytes, expected 28");
	check_error("log: rss data shorter than its table is an error",
		    rss_msg(37, 0x1, rss_indir, 8, NULL, 0, 2),
		    SC_KIND_LOG, "rss data is 22 bytes, expected 24");
	check_error("log: rss data without its sizes is an error",
		    log_msg(38, SHADOW_LOG_RSS, rss_key, 4), SC_KIND_LOG,
		    "rss data is 4 bytes, expected 8");
	check_error("log: short mtu data is an error",
		    LOG(33, SHADOW_LOG_MTU, u16), SC_KIND_LOG,
		    "mtu data is 2 bytes, expected 4");
	check_error("log: empty mac is an error",
		    log_msg(34, SHADOW_LOG_MAC, NULL, 0), SC_KIND_LOG,
		    "mac data is 0 bytes");

	msg = new_msg(SHADOW_CMD_LOG_GET);
	nla_put_u64(msg, SHADOW_A_LOG_SEQ, 35);
	nla_put_u32(msg, SHADOW_A_LOG_KEY, SHADOW_LOG_MTU);
	check_error("log: no data is an error", msg, SC_KIND_LOG,
		    "no SHADOW_A_LOG_DATA");
}

/* Objects */

static struct nl_msg *obj_msg(__u32 type, __u64 id, __u32 ifindex,
			      const char *bus_addr)
{
	struct nl_msg *msg = new_msg(SHADOW_CMD_OBJ_GET);

	nla_put_u32(msg, SHADOW_A_OBJ_TYPE, type);
	nla_put_u64(msg, SHADOW_A_OBJ_ID, id);
	nla_put_string(msg, SHADOW_A_OBJ_DRIVER, "e1000");
	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, ifindex);
	if (bus_addr)
		nla_put_string(msg, SHADOW_A_DEV_BUS_ADDR, bus_addr);
	return msg;
}

static void test_obj(void)
{
	check("obj: netdev, with its driver's asks decoded",
	      obj_msg(SHADOW_OBJ_NETDEV, SHADOW_NETDEV_ID(1544, 2, 1), 2, "0000:00:02.0"),
	      SC_KIND_OBJ,
	      "netdev id 281483566646792 priv 1544 txq 2 rxq 1 driver e1000 ifindex 2 bus_addr 0000:00:02.0",
	      "{\"type\":\"netdev\",\"id\":281483566646792,\"priv\":1544,\"txq\":2,\"rxq\":1,\"driver\":\"e1000\",\"ifindex\":2,\"bus_addr\":\"0000:00:02.0\"}");
	check("obj: irq", obj_msg(SHADOW_OBJ_IRQ, 11, 2, "0000:00:02.0"),
	      SC_KIND_OBJ,
	      "irq id 11 driver e1000 ifindex 2 bus_addr 0000:00:02.0",
	      "{\"type\":\"irq\",\"id\":11,\"driver\":\"e1000\",\"ifindex\":2,\"bus_addr\":\"0000:00:02.0\"}");
	check("obj: napi", obj_msg(SHADOW_OBJ_NAPI, 0, 2, NULL), SC_KIND_OBJ,
	      "napi id 0 driver e1000 ifindex 2",
	      "{\"type\":\"napi\",\"id\":0,\"driver\":\"e1000\",\"ifindex\":2}");
	check("obj: dma_coherent before registration",
	      obj_msg(SHADOW_OBJ_DMA_COHERENT, 65536, 0, "0000:00:02.0"),
	      SC_KIND_OBJ,
	      "dma_coherent id 65536 driver e1000 ifindex 0 bus_addr 0000:00:02.0",
	      "{\"type\":\"dma_coherent\",\"id\":65536,\"driver\":\"e1000\",\"ifindex\":0,\"bus_addr\":\"0000:00:02.0\"}");
	check_error("obj: no type is an error",
		    new_msg(SHADOW_CMD_OBJ_GET), SC_KIND_OBJ,
		    "no SHADOW_A_OBJ_TYPE");
}

/* Disks */

static struct nl_msg *disk_msg(const char *name, const char *bus_addr)
{
	struct nl_msg *msg = new_msg(SHADOW_CMD_DISK_GET);

	nla_put_string(msg, SHADOW_A_DISK_NAME, name);
	nla_put_string(msg, SHADOW_A_DEV_DRIVER, "nvme_core");
	if (bus_addr)
		nla_put_string(msg, SHADOW_A_DEV_BUS_ADDR, bus_addr);
	nla_put_u32(msg, SHADOW_A_DISK_MAJOR, 259);
	nla_put_u32(msg, SHADOW_A_DISK_MINOR, 0);
	nla_put_u64(msg, SHADOW_A_DISK_CAPACITY, 8589934592ULL);
	nla_put_u8(msg, SHADOW_A_DISK_RO, 0);
	nla_put_u32(msg, SHADOW_A_DISK_LBS, 4096);
	nla_put_u32(msg, SHADOW_A_DISK_PBS, 4096);
	nla_put_u32(msg, SHADOW_A_DISK_MAX_HW_SECTORS, 4294967295U);
	nla_put_u32(msg, SHADOW_A_DISK_HW_QUEUES, 2);
	return msg;
}

static void test_disk(void)
{
	check("disk: nvme, 4 TiB in 4 KiB blocks, two queues",
	      disk_msg("nvme0n1", "0000:00:05.0"), SC_KIND_DISK,
	      "nvme0n1 driver nvme_core pci 0000:00:05.0 dev 259:0 capacity 8589934592 ro 0 lbs 4096 pbs 4096 max_hw_sectors 4294967295 hw_queues 2",
	      "{\"name\":\"nvme0n1\",\"driver\":\"nvme_core\",\"pci\":\"0000:00:05.0\",\"major\":259,\"minor\":0,\"capacity\":8589934592,\"ro\":0,\"lbs\":4096,\"pbs\":4096,\"max_hw_sectors\":4294967295,\"hw_queues\":2}");
	check("disk: no PCI device under it", disk_msg("vda", NULL), SC_KIND_DISK,
	      "vda driver nvme_core dev 259:0 capacity 8589934592 ro 0 lbs 4096 pbs 4096 max_hw_sectors 4294967295 hw_queues 2",
	      "{\"name\":\"vda\",\"driver\":\"nvme_core\",\"major\":259,\"minor\":0,\"capacity\":8589934592,\"ro\":0,\"lbs\":4096,\"pbs\":4096,\"max_hw_sectors\":4294967295,\"hw_queues\":2}");
	check_error("disk: no name is an error", new_msg(SHADOW_CMD_DISK_GET),
		    SC_KIND_DISK, "no SHADOW_A_DISK_NAME");
}

/* Events and swaps */

static void test_state_names(void)
{
	static const char * const want[] = {
		"detached", "passive", "parking", "parked", "binding",
		"replaying", "swapped", "failed", "rolled-back",
	};
	bool ok = ARRAY_SIZE(want) == __SHADOW_STATE_MAX;
	size_t i;

	for (i = 0; ok && i < ARRAY_SIZE(want); i++)
		ok = !strcmp(sc_state_name(i), want[i]);
	ok = ok && !strcmp(sc_state_name(__SHADOW_STATE_MAX), "unknown") &&
	     !strcmp(sc_state_name(-1), "unknown");
	result("state: every enum shadow_state by name", ok);
}

static const struct km_swap parking = {
	.seq = 7, .from = "e1000", .from_addr = "0000:00:03.0",
};

/* A rollback: the new driver did not open, e1000 runs again. */
static const struct km_swap rolled_back = {
	.seq = 7, .from = "e1000", .from_addr = "0000:00:03.0",
	.to = "e1000", .to_addr = "0000:00:03.0", .err = ETIMEDOUT,
	.reason = "8139cp did not open (-110)",
	.us = { 1200, 30100, 120000, 15250, 600000, 812300, 150600, 61700 },
	.notes = { "mtu 9000 -> 1500: 8139cp takes 60..1500",
		   "wake-on-lan 0x20: 8139cp has none" },
};

static const struct km_swap failed_swap = {
	.seq = 9, .from = "e1000", .from_addr = "0000:00:03.0",
	.err = ENXIO, .reason = "no device 0000:00:09.0 probed within 100 ms",
	.us = { 1000, 20000, 100500, 0, 0, 121500, 118300, 3200 },
};

/* The failure as a module from before the split sends it. */
static const struct km_swap failed_unsplit = {
	.seq = 9, .from = "e1000", .from_addr = "0000:00:03.0",
	.err = ENXIO, .reason = "no device 0000:00:09.0 probed within 100 ms",
	.us = { 1000, 20000, 100500, 0, 0, 121500 }, .no_split = true,
};

static void test_event(void)
{
	struct nl_msg *msg;

	check("event: attach",
	      km_event("eth0", 2, "e1000", "0000:00:03.0",
		       SHADOW_STATE_PASSIVE, NULL),
	      SC_KIND_EVENT,
	      "attach eth0 ifindex 2 driver e1000 pci 0000:00:03.0 state passive log 5 objects 7 priv 2048 txq 1 rxq 1",
	      "{\"ifname\":\"eth0\",\"ifindex\":2,\"driver\":\"e1000\",\"bus\":\"pci\",\"bus_addr\":\"0000:00:03.0\",\"state\":\"passive\",\"log_len\":5,\"objects\":7,\"attached\":true,\"priv_size\":2048,\"txq\":1,\"rxq\":1,\"can_host\":[],\"event\":\"attach\"}");
	check("event: swap phase parking",
	      km_event("eth0", 2, "e1000", "0000:00:03.0",
		       SHADOW_STATE_PARKING, &parking),
	      SC_KIND_EVENT,
	      "swap 7 parking eth0 ifindex 2 driver e1000 pci 0000:00:03.0 state parking log 5 objects 7 priv 2048 txq 1 rxq 1 from e1000 0000:00:03.0",
	      "{\"ifname\":\"eth0\",\"ifindex\":2,\"driver\":\"e1000\",\"bus\":\"pci\",\"bus_addr\":\"0000:00:03.0\",\"state\":\"parking\",\"log_len\":5,\"objects\":7,\"attached\":true,\"priv_size\":2048,\"txq\":1,\"rxq\":1,\"can_host\":[],\"event\":\"swap\",\"swap\":{\"seq\":7,\"from\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"}}}");
	check("event: swap phase parked, no driver",
	      km_event("eth0", 2, NULL, "0000:00:03.0", SHADOW_STATE_PARKED,
		       &parking),
	      SC_KIND_EVENT,
	      "swap 7 parked eth0 ifindex 2 pci 0000:00:03.0 state parked log 5 objects 7 priv 2048 txq 1 rxq 1 from e1000 0000:00:03.0",
	      "{\"ifname\":\"eth0\",\"ifindex\":2,\"bus\":\"pci\",\"bus_addr\":\"0000:00:03.0\",\"state\":\"parked\",\"log_len\":5,\"objects\":7,\"attached\":true,\"priv_size\":2048,\"txq\":1,\"rxq\":1,\"can_host\":[],\"event\":\"swap\",\"swap\":{\"seq\":7,\"from\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"}}}");
	check("event: swap failed, monitor line",
	      km_event("eth0", 2, NULL, "0000:00:03.0", SHADOW_STATE_FAILED,
		       &failed_swap),
	      SC_KIND_EVENT,
	      "swap 9 failed eth0 ifindex 2 pci 0000:00:03.0 state failed log 5 objects 7 priv 2048 txq 1 rxq 1 from e1000 0000:00:03.0 park-us 1000 unbind-us 20000 probe-us 100500 replay-us 0 link-us 0 total-us 121500 drivers-us 118300 own-us 3200 errno 6 reason \"no device 0000:00:09.0 probed within 100 ms\"",
	      "{\"ifname\":\"eth0\",\"ifindex\":2,\"bus\":\"pci\",\"bus_addr\":\"0000:00:03.0\",\"state\":\"failed\",\"log_len\":5,\"objects\":7,\"attached\":true,\"priv_size\":2048,\"txq\":1,\"rxq\":1,\"can_host\":[],\"event\":\"swap\",\"swap\":{\"seq\":9,\"from\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"},\"phases_us\":{\"park\":1000,\"unbind\":20000,\"probe\":100500,\"replay\":0,\"link\":0,\"total\":121500,\"drivers\":118300,\"own\":3200},\"errno\":6,\"error\":\"No such device or address\",\"reason\":\"no device 0000:00:09.0 probed within 100 ms\"}}");

	check("event: swap failed, no drivers and own times",
	      km_event("eth0", 2, NULL, "0000:00:03.0", SHADOW_STATE_FAILED,
		       &failed_unsplit),
	      SC_KIND_EVENT,
	      "swap 9 failed eth0 ifindex 2 pci 0000:00:03.0 state failed log 5 objects 7 priv 2048 txq 1 rxq 1 from e1000 0000:00:03.0 park-us 1000 unbind-us 20000 probe-us 100500 replay-us 0 link-us 0 total-us 121500 errno 6 reason \"no device 0000:00:09.0 probed within 100 ms\"",
	      "{\"ifname\":\"eth0\",\"ifindex\":2,\"bus\":\"pci\",\"bus_addr\":\"0000:00:03.0\",\"state\":\"failed\",\"log_len\":5,\"objects\":7,\"attached\":true,\"priv_size\":2048,\"txq\":1,\"rxq\":1,\"can_host\":[],\"event\":\"swap\",\"swap\":{\"seq\":9,\"from\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"},\"phases_us\":{\"park\":1000,\"unbind\":20000,\"probe\":100500,\"replay\":0,\"link\":0,\"total\":121500},\"errno\":6,\"error\":\"No such device or address\",\"reason\":\"no device 0000:00:09.0 probed within 100 ms\"}}");

	msg = km_event("eth0", 2, "e1000", "0000:00:03.0",
		       SHADOW_STATE_SWAPPED, &parking);
	nla_put(msg, SHADOW_A_SWAP_NOTE, 3, "abc");
	check_error("event: unterminated note is an error", msg,
		    SC_KIND_EVENT, "malformed message");

	msg = km_event("eth0", 2, "e1000", "0000:00:03.0",
		       SHADOW_STATE_REPLAYING, &parking);
	nla_put(msg, SHADOW_A_SWAP_DRIVER_US, 2, "\1");
	check_error("event: short drivers time is an error", msg,
		    SC_KIND_EVENT, "malformed message");
	msg = km_event("eth0", 2, "e1000", "0000:00:03.0",
		       SHADOW_STATE_REPLAYING, &parking);
	nla_put(msg, SHADOW_A_SWAP_OWN_US, 2, "\1");
	check_error("event: short own time is an error", msg,
		    SC_KIND_EVENT, "malformed message");
}

/*
 * A bare netlink header, in a buffer of exactly its size: the command byte
 * is outside it, and the decoder must say so rather than read it (found by
 * decode_fuzz; valgrind and the sanitizer build see the read).
 */
static void test_event_no_genl_header(void)
{
	struct nlmsghdr *nlh = calloc(1, NLMSG_HDRLEN);
	struct sc_event ev;
	char err[256] = "";
	bool ok;

	if (!nlh)
		exit(2);
	nlh->nlmsg_len = NLMSG_HDRLEN;
	nlh->nlmsg_type = FAMILY;
	ok = sc_event_parse(nlh, &ev, err, sizeof(err)) == -EINVAL &&
	     strstr(err, "no generic netlink header");
	err[0] = '\0';
	ok = ok && sc_decode(SC_KIND_EVENT, nlh, stdout, NULL, err,
			     sizeof(err)) == -EINVAL &&
	     strstr(err, "no generic netlink header");
	if (!ok)
		printf("# error: %s\n", err);
	result("event: no generic netlink header is an error", ok);
	free(nlh);
}

/* Every field of the rolled-back swap's final event, as parsed. */
static void test_swap_parse(void)
{
	struct nl_msg *msg = km_event("eth0", 2, "e1000", "0000:00:03.0",
				      SHADOW_STATE_ROLLED_BACK, &rolled_back);
	static const long long us[] = {
		1200, 30100, 120000, 15250, 600000, 812300, 150600, 61700,
		-1,	/* prepare: an older module's event */
	};
	const struct sc_swap *sw;
	struct sc_event ev;
	char err[256] = "";
	bool ok;
	int i;

	ok = !sc_event_parse(nlmsg_hdr(msg), &ev, err, sizeof(err));
	sw = &ev.swap;
	ok = ok && ev.dev.ifindex == 2 && !strcmp(ev.dev.ifname, "eth0") &&
	     ev.dev.state == SHADOW_STATE_ROLLED_BACK && sw->seq == 7 &&
	     !strcmp(sw->from, "e1000") &&
	     !strcmp(sw->from_addr, "0000:00:03.0") &&
	     !strcmp(sw->to, "e1000") &&
	     !strcmp(sw->to_addr, "0000:00:03.0") &&
	     sw->err == ETIMEDOUT &&
	     !strcmp(sw->reason, "8139cp did not open (-110)") &&
	     sw->nnotes == 2 &&
	     !strcmp(sw->notes[0], "mtu 9000 -> 1500: 8139cp takes 60..1500") &&
	     !strcmp(sw->notes[1], "wake-on-lan 0x20: 8139cp has none") &&
	     sc_swap_final(&ev) && !sc_swap_ok(&ev);
	for (i = 0; ok && i < SC_SWAP_PHASES; i++)
		ok = sw->us[i] == us[i];
	if (err[0])
		printf("# error: %s\n", err);
	result("swap: final event with notes and errno, every field", ok);
	nlmsg_free(msg);

	msg = km_event("eth0", 2, "e1000", "0000:00:03.0",
		       SHADOW_STATE_REPLAYING, &parking);
	ok = !sc_event_parse(nlmsg_hdr(msg), &ev, err, sizeof(err)) &&
	     ev.swap.seq == 7 && !ev.swap.to && ev.swap.err == -1 &&
	     !ev.swap.reason && !ev.swap.nnotes &&
	     ev.swap.us[SC_SWAP_TOTAL] == -1 && !sc_swap_final(&ev);
	result("swap: phase event has no outcome", ok);
	nlmsg_free(msg);

	msg = km_event("eth0", 2, "e1000", "0000:00:03.0",
		       SHADOW_STATE_PASSIVE, NULL);
	ok = !sc_event_parse(nlmsg_hdr(msg), &ev, err, sizeof(err)) &&
	     ev.swap.seq == -1 && !ev.swap.from;
	result("swap: attach event is no swap", ok);
	nlmsg_free(msg);
}

static void test_swap_reply(void)
{
	struct nl_msg *msg = km_swap_reply(42);
	char err[256] = "";
	__u32 seq = 0;

	seed_write(FUZZ_SWAP_REPLY, msg);
	result("swap: reply carries the seq",
	       !sc_swap_reply_parse(nlmsg_hdr(msg), &seq, err, sizeof(err)) &&
	       seq == 42);
	nlmsg_free(msg);
	msg = new_msg(SHADOW_CMD_SWAP);
	result("swap: reply without seq is an error",
	       sc_swap_reply_parse(nlmsg_hdr(msg), &seq, err,
				   sizeof(err)) == -EINVAL &&
	       strstr(err, "no SHADOW_A_SWAP_SEQ"));
	nlmsg_free(msg);
}

/* shadowctl swap's summary of MSG, a final event, in text and JSON. */
static void check_result(const char *name, struct nl_msg *msg,
			 const char *state, const char *text,
			 const char *json)
{
	struct json_object *obj = NULL;
	struct sc_event ev;
	char err[256] = "";
	char *buf = NULL;
	size_t len = 0;
	bool ok = true;
	FILE *f;

	seed_write(FUZZ_SWAP_OUTCOME, msg);
	if (sc_event_parse(nlmsg_hdr(msg), &ev, err, sizeof(err))) {
		printf("# error: %s\n", err);
		result(name, false);
		nlmsg_free(msg);
		return;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		exit(2);
	sc_swap_result_text(f, &ev, state);
	fclose(f);
	if (strcmp(buf, text)) {
		printf("# text: got\n%s# text: expected\n%s", buf, text);
		ok = false;
	}
	obj = sc_swap_result_json(&ev, state);
	if (!json_is(obj, json))
		ok = false;
	result(name, ok);
	json_object_put(obj);
	free(buf);
	nlmsg_free(msg);
}

static void test_swap_result(void)
{
	static const struct km_swap swapped = {
		.seq = 3, .from = "e1000", .from_addr = "0000:00:03.0",
		.to = "8139cp", .to_addr = "0000:00:04.0",
		.us = { 1200, 30100, 120000, 15200, 600000, 812300, 158400,
			53900, 10700 },
	};

	check_result("swap: summary of a swap",
		     km_event("eth0", 2, "8139cp", "0000:00:04.0",
			      SHADOW_STATE_SWAPPED, &swapped), "passive",
		     "eth0: swapped e1000 0000:00:03.0 -> 8139cp 0000:00:04.0 in 812.3 ms (park 1.2, unbind 30.1, probe 120.0, replay 15.2, link 600.0 ms; in the drivers 158.4 ms, the shadow's own 53.9 ms and 10.7 ms before the park)\n",
		     "{\"ifname\":\"eth0\",\"ifindex\":2,\"seq\":3,\"result\":\"swapped\",\"from\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"},\"to\":{\"driver\":\"8139cp\",\"bus_addr\":\"0000:00:04.0\"},\"phases_us\":{\"park\":1200,\"unbind\":30100,\"probe\":120000,\"replay\":15200,\"link\":600000,\"total\":812300,\"drivers\":158400,\"own\":53900,\"prepare\":10700},\"errno\":null,\"error\":null,\"reason\":null,\"notes\":[],\"state\":\"passive\"}");
	check_result("swap: summary of a rollback, notes and error",
		     km_event("eth0", 2, "e1000", "0000:00:03.0",
			      SHADOW_STATE_ROLLED_BACK, &rolled_back), "passive",
		     "eth0: rolled-back e1000 0000:00:03.0 -> e1000 0000:00:03.0 after 812.3 ms (park 1.2, unbind 30.1, probe 120.0, replay 15.2, link 600.0 ms; in the drivers 150.6 ms, the shadow's own 61.7 ms)\n"
		     "  note: mtu 9000 -> 1500: 8139cp takes 60..1500\n"
		     "  note: wake-on-lan 0x20: 8139cp has none\n"
		     "  error: Connection timed out: 8139cp did not open (-110)\n",
		     "{\"ifname\":\"eth0\",\"ifindex\":2,\"seq\":7,\"result\":\"rolled-back\",\"from\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"},\"to\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"},\"phases_us\":{\"park\":1200,\"unbind\":30100,\"probe\":120000,\"replay\":15250,\"link\":600000,\"total\":812300,\"drivers\":150600,\"own\":61700,\"prepare\":null},\"errno\":110,\"error\":\"Connection timed out\",\"reason\":\"8139cp did not open (-110)\",\"notes\":[\"mtu 9000 -> 1500: 8139cp takes 60..1500\",\"wake-on-lan 0x20: 8139cp has none\"],\"state\":\"passive\"}");
	check_result("swap: summary of a failure, interface parked",
		     km_event("eth0", 2, NULL, "0000:00:03.0",
			      SHADOW_STATE_FAILED, &failed_swap), "parked",
		     "eth0: failed e1000 0000:00:03.0 after 121.5 ms (park 1.0, unbind 20.0, probe 100.5, replay 0.0, link 0.0 ms; in the drivers 118.3 ms, the shadow's own 3.2 ms)\n"
		     "  error: No such device or address: no device 0000:00:09.0 probed within 100 ms\n"
		     "  state: parked\n",
		     "{\"ifname\":\"eth0\",\"ifindex\":2,\"seq\":9,\"result\":\"failed\",\"from\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"},\"to\":{\"driver\":null,\"bus_addr\":null},\"phases_us\":{\"park\":1000,\"unbind\":20000,\"probe\":100500,\"replay\":0,\"link\":0,\"total\":121500,\"drivers\":118300,\"own\":3200,\"prepare\":null},\"errno\":6,\"error\":\"No such device or address\",\"reason\":\"no device 0000:00:09.0 probed within 100 ms\",\"notes\":[],\"state\":\"parked\"}");
	check_result("swap: summary without drivers and own times",
		     km_event("eth0", 2, NULL, "0000:00:03.0",
			      SHADOW_STATE_FAILED, &failed_unsplit), "parked",
		     "eth0: failed e1000 0000:00:03.0 after 121.5 ms (park 1.0, unbind 20.0, probe 100.5, replay 0.0, link 0.0 ms; in the drivers ? ms, the shadow's own ? ms)\n"
		     "  error: No such device or address: no device 0000:00:09.0 probed within 100 ms\n"
		     "  state: parked\n",
		     "{\"ifname\":\"eth0\",\"ifindex\":2,\"seq\":9,\"result\":\"failed\",\"from\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"},\"to\":{\"driver\":null,\"bus_addr\":null},\"phases_us\":{\"park\":1000,\"unbind\":20000,\"probe\":100500,\"replay\":0,\"link\":0,\"total\":121500,\"drivers\":null,\"own\":null,\"prepare\":null},\"errno\":6,\"error\":\"No such device or address\",\"reason\":\"no device 0000:00:09.0 probed within 100 ms\",\"notes\":[],\"state\":\"parked\"}");
}

int main(void)
{
	test_dev();
	test_log_scalars();
	test_log_ethtool();
	test_log_coalesce();
	test_log_rss();
	test_log_errors();
	test_obj();
	test_disk();
	test_state_names();
	test_event_no_genl_header();
	test_event();
	test_swap_parse();
	test_swap_reply();
	test_swap_result();
	return test_failed;
}
