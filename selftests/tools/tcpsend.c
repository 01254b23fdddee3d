// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsend: the swap tests' TCP stream, sent by one process. It connects to
 * ADDR:PORT and sends the 64 KiB blocks of FILE in turn, cycling, one
 * block every 64 KiB at RATE kbit/s (a pause after each block, so a stalled
 * connection does not burst to catch up), until STOPFILE exists or a
 * SIGINT/SIGTERM arrives. After each block it writes how many it sent to
 * COUNTFILE, so the test knows what the receiver must have got.
 *
 *	tcpsend -c ADDR [-p PORT] [-r KBIT] -f FILE -n COUNTFILE -s STOPFILE
 *
 * It replaces a shell loop that forked dd and sleep for every block: on the
 * debug kernel a fork and exec cost 130 ms under TCG, and that loop alone
 * kept the guest's only vCPU busy.
 *
 * Exit status: 0 when stopped, 1 when the connection failed or broke, 2 on
 * bad usage.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define BLOCK		65536
#define MAX_BLOCKS	64		/* FILE holds at most 4 MiB */

static void print_usage(FILE *f)
{
	fprintf(f, "usage: tcpsend -c ADDR [-p PORT] [-r KBIT] -f FILE -n COUNTFILE -s STOPFILE\n");
}

/* FILE in memory, a whole number of blocks; returns how many, or -1. */
static int load(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY), n = 0;
	ssize_t got;

	if (fd < 0) {
		fprintf(stderr, "tcpsend: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (n < MAX_BLOCKS) {
		size_t have = 0;

		while (have < BLOCK) {
			got = read(fd, buf + (size_t)n * BLOCK + have, BLOCK - have);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				break;
			have += got;
		}
		if (have < BLOCK)
			break;
		n++;
	}
	close(fd);
	if (!n)
		fprintf(stderr, "tcpsend: %s holds no whole 64 KiB block\n", path);
	return n ? n : -1;
}

static int connect_to(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "tcpsend: bad IPv4 address \"%s\"\n", addr);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("tcpsend: socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		fprintf(stderr, "tcpsend: connect %s:%d: %s\n", addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Returns 0 when all was sent, -1 on an error, 1 when stopped mid-block. */
static int send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR) {
			if (stop)
				return 1;
			continue;
		}
		if (n < 0) {
			perror("tcpsend: send");
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static int write_count(const char *path, unsigned long count)
{
	char tmp[4096];
	FILE *f;

	/* Renamed into place: a reader never sees a half-written number. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%lu\n", count) < 0 || fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "tcpsend: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *file = NULL, *countfile = NULL, *stopfile = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec pause;
	unsigned long count = 0;
	long long period_ns;
	long kbit = 2000;
	int port = 5202, nblocks, fd, c, rc;
	struct stat st;
	char *buf;

	while ((c = getopt(argc, argv, "c:p:r:f:n:s:h")) != -1) {
		switch (c) {
		case 'c':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'r':
			kbit = atol(optarg);
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			countfile = optarg;
			break;
		case 's':
			stopfile = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (!addr || !file || !countfile || !stopfile || kbit <= 0 ||
	    port <= 0 || port > 65535 || optind != argc) {
		print_usage(stderr);
		return 2;
	}
	period_ns = (long long)BLOCK * 8 * 1000000 / kbit;
	pause.tv_sec = period_ns / 1000000000;
	pause.tv_nsec = period_ns % 1000000000;

	buf = malloc((size_t)MAX_BLOCKS * BLOCK);
	if (!buf) {
		perror("tcpsend");
		return 1;
	}
	nblocks = load(file, buf);
	if (nblocks < 0)
		return 1;
	/* No SA_RESTART: a signal ends a blocked send or the pause. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fd = connect_to(addr, port);
	if (fd < 0)
		return 1;

	while (!stop && stat(stopfile, &st)) {
		rc = send_all(fd, buf + (count % nblocks) * BLOCK, BLOCK);
		if (rc < 0)
			return 1;
		if (rc > 0)
			break;
		if (write_count(countfile, ++count))
			return 1;
		nanosleep(&pause, NULL);
	}
	close(fd);
	free(buf);
	return 0;
}
