/* nsw_udplat.c - latency under load, measured by the load itself: a paced UDP stream whose
 * every datagram carries its sequence number and the time it was sent.
 *
 *   nsw_udplat send DST_IP PORT MBPS LEN SECONDS   (MBPS 0: as fast as the socket takes them)
 *   nsw_udplat recv BIND_IP PORT SECONDS
 *
 * The sender paces LEN-octet datagrams at MBPS (10^6 octets per second of UDP payload) for
 * SECONDS, then sends a few end markers; it prints "sent=N bytes=B secs=S mbps=R". The
 * receiver takes datagrams until the end marker or SECONDS after the first one and prints
 * "recv=N bytes=B secs=S mbps=R lost=L reordered=O p50_us=.. p90_us=.. p99_us=.. max_us=..":
 * one-way delays, from the send time in the payload to the moment the receiving application
 * reads the datagram. Sender and receiver must share CLOCK_MONOTONIC: network namespaces of one
 * host do. When the receiver stops keeping up its socket queue fills and the delay grows to the
 * queue's depth: that is the knee, seen by the data flow itself (pings ride beside the load
 * and are answered by the kernel, outside the loaded socket).
 * Invariants: sends only to the address it is given; bounded in time; any setup error is one
 * line on stderr and exit status 1. Owner: whoever owns bench/ (used by eval/).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NSW_MAGIC 0x6e73776cu /* "nswl" */
#define NSW_END UINT64_MAX
#define NSW_MAX_LAT (8u << 20) /* delays kept: 8 Mi datagrams */

struct nsw_hdr {
	uint32_t magic;
	uint32_t pad;
	uint64_t seq;
	uint64_t sent_ns;
};

static void nsw_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("nsw_udplat: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint64_t nsw_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct sockaddr_in nsw_addr(const char *ip, const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	long p = strtol(port, NULL, 10);
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1 || p < 1 || p > 65535)
		nsw_die("not an IPv4 address and port: \"%s\" \"%s\"", ip, port);
	a.sin_port = htons((uint16_t)p);
	return a;
}

static int nsw_send(char **argv)
{
	struct sockaddr_in dst = nsw_addr(argv[0], argv[1]);
	double mbps = atof(argv[2]), secs = atof(argv[4]);
	long len = atol(argv[3]);
	if (mbps < 0 || len < (long)sizeof(struct nsw_hdr) || len > 65000 || !(secs > 0 && secs <= 600))
		nsw_die("send: MBPS >= 0, LEN in [24, 65000], SECONDS in (0, 600]");
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof dst) < 0)
		nsw_die("send: socket to %s: %s", argv[0], strerror(errno));
	prctl(PR_SET_TIMERSLACK, 1UL); /* pacing at tens of microseconds */
	char *buf = calloc(1, (size_t)len);
	if (!buf)
		nsw_die("out of memory");
	struct nsw_hdr h = {.magic = NSW_MAGIC};
	double gap_ns = mbps > 0 ? (double)len * 1e3 / mbps : 0; /* len / (mbps * 1e6) s */
	uint64_t t0 = nsw_ns(), end = t0 + (uint64_t)(secs * 1e9), sent = 0, bytes = 0;
	for (;;) {
		uint64_t now = nsw_ns();
		if (now >= end)
			break;
		uint64_t due = t0 + (uint64_t)(gap_ns * (double)sent);
		if (due > now + 20000) { /* more than 20 us early: sleep until due */
			struct timespec ts = {.tv_sec = (time_t)(due / 1000000000ull),
					      .tv_nsec = (long)(due % 1000000000ull)};
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			continue;
		}
		if (due > now)
			continue;
		h.seq = sent;
		h.sent_ns = nsw_ns();
		memcpy(buf, &h, sizeof h);
		if (send(fd, buf, (size_t)len, 0) == len) /* a full socket or ENOBUFS: the next slot */
			bytes += (uint64_t)len;
		sent++;
	}
	double took = (double)(nsw_ns() - t0) / 1e9;
	h.seq = NSW_END;
	memcpy(buf, &h, sizeof h);
	for (int i = 0; i < 5; i++) {
		send(fd, buf, sizeof h, 0);
		usleep(20000);
	}
	printf("sent=%llu bytes=%llu secs=%.3f mbps=%.3f\n", (unsigned long long)sent,
	       (unsigned long long)bytes, took, (double)bytes / took / 1e6);
	return 0;
}

static int nsw_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int nsw_recv(char **argv)
{
	struct sockaddr_in me = nsw_addr(argv[0], argv[1]);
	double secs = atof(argv[2]);
	if (!(secs > 0 && secs <= 600))
		nsw_die("recv: SECONDS in (0, 600]");
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof me) < 0)
		nsw_die("recv: bind %s:%s: %s", argv[0], argv[1], strerror(errno));
	/* wakes up every 100 ms to check the deadline; waits at most 2*SECONDS for the first */
	struct timeval tv = {.tv_usec = 100000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	uint32_t *lat = malloc(NSW_MAX_LAT * sizeof *lat);
	static char buf[65536];
	if (!lat)
		nsw_die("out of memory");
	uint64_t n = 0, bytes = 0, first = 0, last = 0, next = 0, lost = 0, reord = 0, nlat = 0;
	uint64_t start = nsw_ns();
	for (;;) {
		uint64_t now = nsw_ns();
		if (first ? now > first + (uint64_t)(secs * 1e9) + 500000000ull
			  : now > start + (uint64_t)(2 * secs * 1e9))
			break;
		ssize_t r = recv(fd, buf, sizeof buf, 0);
		if (r < (ssize_t)sizeof(struct nsw_hdr))
			continue;
		now = nsw_ns();
		struct nsw_hdr h;
		memcpy(&h, buf, sizeof h);
		if (h.magic != NSW_MAGIC)
			continue;
		if (h.seq == NSW_END) {
			if (n)
				break;
			continue;
		}
		if (!first)
			first = now;
		last = now;
		n++;
		bytes += (uint64_t)r;
		if (h.seq >= next) {
			lost += h.seq - next;
			next = h.seq + 1;
		} else {
			reord++; /* counted lost when skipped: take it back */
			if (lost)
				lost--;
		}
		uint64_t d = now > h.sent_ns ? now - h.sent_ns : 0;
		if (nlat < NSW_MAX_LAT)
			lat[nlat++] = d / 1000 > UINT32_MAX ? UINT32_MAX : (uint32_t)(d / 1000);
	}
	if (!n)
		nsw_die("recv: no datagram within %.0f s", 2 * secs);
	qsort(lat, nlat, sizeof *lat, nsw_cmp_u32);
	double took = last > first ? (double)(last - first) / 1e9 : 1e-9;
	printf("recv=%llu bytes=%llu secs=%.3f mbps=%.3f lost=%llu reordered=%llu p50_us=%u p90_us=%u "
	       "p99_us=%u max_us=%u\n",
	       (unsigned long long)n, (unsigned long long)bytes, took, (double)bytes / took / 1e6,
	       (unsigned long long)lost, (unsigned long long)reord, lat[nlat / 2], lat[nlat * 9 / 10],
	       lat[nlat * 99 / 100], lat[nlat - 1]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "send"))
		return nsw_send(argv + 2);
	if (argc == 5 && !strcmp(argv[1], "recv"))
		return nsw_recv(argv + 2);
	nsw_die("usage: nsw_udplat send DST_IP PORT MBPS LEN SECONDS | recv BIND_IP PORT SECONDS");
}
