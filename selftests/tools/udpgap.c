// SPDX-License-Identifier: GPL-2.0
/*
 * udpgap: the traffic gap a swap causes, as a peer sees it. A sender emits
 * sequenced UDP datagrams at a fixed rate until told to stop; a receiver
 * counts them and reports, as one JSON object, how many arrived, how many
 * were lost and the longest time between two arrivals.
 *
 *	udpgap recv [-b ADDR] [-p PORT]
 *	udpgap send -c ADDR [-p PORT] [-r PPS]
 *
 * The sender stops on SIGINT or SIGTERM and then sends an end marker, on
 * which the receiver prints its report and exits (or after IDLE_S seconds
 * of silence, should the marker be lost).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define END_SEQ		UINT32_MAX
#define MAX_PACKETS	(1U << 22)	/* about 70 minutes at 1000 pps */
#define IDLE_S		10		/* longer than any gap measured */

struct datagram {
	uint32_t seq;			/* network order; END_SEQ ends */
	char pad[60];			/* a 64-byte payload */
};


static int udp_socket(const char *addr, int port, struct sockaddr_in *sin)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		perror("udpgap: socket");
		return -1;
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
		fprintf(stderr, "udpgap: bad IPv4 address \"%s\"\n", addr);
		close(fd);
		return -1;
	}
	return fd;
}

static int do_recv(const char *addr, int port)
{
	struct timeval idle = { .tv_sec = IDLE_S };
	unsigned long received = 0, reordered = 0;
	double last = 0, t, max_gap = 0, first = 0;
	uint32_t seq, max_seq = 0, gap_after = 0;
	struct datagram d;
	struct sockaddr_in sin;
	uint8_t *seen;
	int fd;

	fd = udp_socket(addr, port, &sin);
	if (fd < 0)
		return 1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("udpgap: bind");
		return 1;
	}
	/* An end marker lost on the way must not leave the receiver waiting. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle))) {
		perror("udpgap: SO_RCVTIMEO");
		return 1;
	}
	seen = calloc(MAX_PACKETS / 8, 1);
	if (!seen) {
		perror("udpgap");
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, &d, sizeof(d), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) && received)
				break;	/* IDLE_S of silence after traffic: the end */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			perror("udpgap: recv");
			return 1;
		}
		if (n < (ssize_t)sizeof(d.seq))
			continue;
		seq = ntohl(d.seq);
		if (seq == END_SEQ)
			break;
		if (seq >= MAX_PACKETS || (seen[seq / 8] & (1 << (seq % 8))))
			continue;
		seen[seq / 8] |= 1 << (seq % 8);
		t = now_ms();
		if (!received)
			first = t;
		else if (t - last > max_gap) {
			max_gap = t - last;
			gap_after = max_seq;
		}
		if (received && seq < max_seq)
			reordered++;
		if (seq > max_seq)
			max_seq = seq;
		last = t;
		received++;
	}
	printf("{\"received\":%lu,\"lost\":%lu,\"reordered\":%lu,\"max_gap_ms\":%.1f,\"gap_after_seq\":%u,\"duration_ms\":%.0f}\n",
	       received,
	       received ? max_seq + 1 - received : 0, reordered, max_gap, gap_after,
	       last - first);
	free(seen);
	close(fd);
	return 0;
}

static int do_send(const char *addr, int port, long pps)
{
	struct datagram d = { 0 };
	struct sockaddr_in sin;
	double start, next;
	uint32_t seq = 0;
	int fd, i;

	fd = udp_socket(addr, port, &sin);
	if (fd < 0)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	start = now_ms();
	while (!stop && seq < MAX_PACKETS) {
		d.seq = htonl(seq++);
		/* A full qdisc or a missing route is a loss the receiver counts. */
		sendto(fd, &d, sizeof(d), 0, (struct sockaddr *)&sin, sizeof(sin));
		next = start + seq * 1e3 / pps;
		while (!stop && now_ms() < next) {
			double left = next - now_ms();

			if (left > 0.2)
				usleep((useconds_t)(left * 1000 / 2));
		}
	}
	d.seq = htonl(END_SEQ);
	for (i = 0; i < 5; i++) {
		sendto(fd, &d, sizeof(d), 0, (struct sockaddr *)&sin, sizeof(sin));
		usleep(20000);
	}
	close(fd);
	return 0;
}

static void print_usage(FILE *f)
{
	fputs("usage: udpgap recv [-b ADDR] [-p PORT]\n"
	      "       udpgap send -c ADDR [-p PORT] [-r PPS]\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "connect", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bind_addr = "0.0.0.0", *peer = NULL, *mode;
	long port = 5300, pps = 1000;
	int c;

	if (argc < 2) {
		print_usage(stderr);
		return 2;
	}
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "b:c:p:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bind_addr = optarg;
			break;
		case 'c':
			peer = optarg;
			break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			break;
		case 'r':
			pps = strtol(optarg, NULL, 10);
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (port <= 0 || port > 65535 || pps <= 0 || pps > 100000) {
		fputs("udpgap: port must be 1..65535, rate 1..100000\n", stderr);
		return 2;
	}
	if (!strcmp(mode, "recv"))
		return do_recv(bind_addr, port);
	if (!strcmp(mode, "send") && peer)
		return do_send(peer, port, pps);
	print_usage(stderr);
	return 2;
}
