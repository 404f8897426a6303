/* nsw_rawsend.c - a test tool: sends crafted Ethernet frames from inside a VM (a namespace)
 * through an AF_PACKET socket, so the integration tests can send what ping cannot: a spoofed
 * source, an 802.1Q/802.1ad tag with a given PCP, a frame to an unknown vMAC, a TCP SYN over
 * IPv6 behind extension headers.
 * Usage: nsw_rawsend DEV DST SRC [count N] [len L] [ctag PCP:VID] [stag PCP:VID] [type 0xNNNN]
 *        nsw_rawsend DEV DST SRC syn6 SIP6 DIP6 DPORT [ext H,H,...] [count N] [wait MS]
 * Prints the number of frames sent. The payload carries a sequence number after a marker.
 * syn6: N TCP SYNs from SIP6 (source ports 40000 + pid % 10000 + i) to DIP6 port DPORT, behind
 * the extension headers H (hbh, dst, rt: 8 octets each, a PadN option or no segment left;
 * frag: an atomic fragment header), then counts for MS milliseconds (default 1000) the
 * SYN-ACKs that come back on DEV; prints "sent N synack M". */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <poll.h>
#include <time.h>

#include "../../core/nsw_ctl.h"
#include "../../lib/nsw_frames.h"
#include "../../lib/nsw_ip6frames.h"

static struct nsw_tag_spec parse_tag(const char *s, uint16_t tpid)
{
	unsigned pcp, vid;
	if (sscanf(s, "%u:%u", &pcp, &vid) != 2 || pcp > 7 || vid > 4095) {
		fprintf(stderr, "nsw_rawsend: bad tag \"%s\" (PCP:VID)\n", s);
		exit(2);
	}
	return (struct nsw_tag_spec){tpid, (uint16_t)(pcp << 13 | vid)};
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The syn6 mode (see the opening comment). */
static int syn6(int argc, char **argv, uint64_t dst, uint64_t src)
{
	uint8_t sip[16], dip[16];
	struct nsw_ext6 ext[8];
	unsigned n = 0, count = 1, wait = 1000;
	if (argc < 8 || inet_pton(AF_INET6, argv[5], sip) != 1 ||
	    inet_pton(AF_INET6, argv[6], dip) != 1) {
		fprintf(stderr, "nsw_rawsend: syn6 needs SIP6 DIP6 DPORT\n");
		return 2;
	}
	uint16_t dport = (uint16_t)strtoul(argv[7], NULL, 0);
	for (int i = 8; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "count")) {
			count = (unsigned)strtoul(argv[i + 1], NULL, 0);
		} else if (!strcmp(argv[i], "wait")) {
			wait = (unsigned)strtoul(argv[i + 1], NULL, 0);
		} else if (!strcmp(argv[i], "ext")) {
			char list[128];
			snprintf(list, sizeof list, "%s", argv[i + 1]);
			for (char *h = strtok(list, ","); h; h = strtok(NULL, ",")) {
				if (n == 8) {
					fprintf(stderr, "nsw_rawsend: at most 8 extension headers\n");
					return 2;
				}
				uint8_t t = !strcmp(h, "hbh") ? 0 : !strcmp(h, "dst") ? 60
					  : !strcmp(h, "rt") ? 43 : !strcmp(h, "frag") ? 44 : 255;
				if (t == 255) {
					fprintf(stderr, "nsw_rawsend: unknown header \"%s\"\n", h);
					return 2;
				}
				ext[n++] = (struct nsw_ext6){t, 8, 0, 0};
			}
		} else {
			fprintf(stderr, "nsw_rawsend: unknown argument \"%s\"\n", argv[i]);
			return 2;
		}
	}
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IPV6));
	unsigned ifi = if_nametoindex(argv[1]);
	if (fd < 0 || !ifi) {
		perror("nsw_rawsend");
		return 1;
	}
	/* Bound before the first SYN leaves, so no answer is missed. */
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IPV6),
				  .sll_ifindex = (int)ifi, .sll_halen = 6};
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll)) {
		perror("nsw_rawsend: bind");
		return 1;
	}
	uint16_t base = (uint16_t)(40000 + getpid() % 10000);
	uint8_t buf[512];
	unsigned sent = 0, synack = 0;
	for (unsigned i = 0; i < count; i++) {
		unsigned len = nsw_ipv6_ext_frame(buf, sizeof buf, dst, src, sip, dip, ext, n, 6,
						  (uint16_t)(base + i), dport);
		if (len && sendto(fd, buf, len, 0, (struct sockaddr *)&sll, sizeof sll) == (ssize_t)len)
			sent++;
	}
	for (uint64_t end = now_ms() + wait, t; (t = now_ms()) < end;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, (int)(end - t)) <= 0)
			continue;
		ssize_t r = recv(fd, buf, sizeof buf, 0);
		/* Plain IPv6 + TCP from DIP port dport to SIP, SYN and ACK set. */
		if (r < 14 + 40 + 20 || buf[14 + 6] != 6 || memcmp(buf + 14 + 8, dip, 16) ||
		    memcmp(buf + 14 + 24, sip, 16))
			continue;
		const uint8_t *tcp = buf + 14 + 40;
		uint16_t sp = (uint16_t)(tcp[0] << 8 | tcp[1]), dp = (uint16_t)(tcp[2] << 8 | tcp[3]);
		if (sp == dport && dp >= base && dp < base + count && (tcp[13] & 0x12) == 0x12)
			synack++;
	}
	printf("sent %u synack %u\n", sent, synack);
	close(fd);
	return sent == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	uint64_t dst, src;
	unsigned count = 1, len = 64;
	uint16_t type = 0x88b5; /* local experimental ethertype */
	struct nsw_tag_spec t0 = NSW_NOTAG, t1 = NSW_NOTAG;
	if (argc < 4 || nsw_mac_parse(argv[2], &dst) || nsw_mac_parse(argv[3], &src)) {
		fprintf(stderr, "usage: nsw_rawsend DEV DST SRC [count N] [len L] [ctag PCP:VID] "
				"[stag PCP:VID] [type 0xNNNN]\n");
		return 2;
	}
	if (argc > 4 && !strcmp(argv[4], "syn6"))
		return syn6(argc, argv, dst, src);
	for (int i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "count"))
			count = (unsigned)strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "len"))
			len = (unsigned)strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "ctag"))
			*(t0.tpid ? &t1 : &t0) = parse_tag(argv[i + 1], 0x8100);
		else if (!strcmp(argv[i], "stag"))
			t0 = parse_tag(argv[i + 1], 0x88a8);
		else if (!strcmp(argv[i], "type"))
			type = (uint16_t)strtoul(argv[i + 1], NULL, 0);
		else {
			fprintf(stderr, "nsw_rawsend: unknown argument \"%s\"\n", argv[i]);
			return 2;
		}
	}
	if (len < 60 || len > 1514) {
		fprintf(stderr, "nsw_rawsend: len must be 60..1514\n");
		return 2;
	}
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	unsigned ifi = if_nametoindex(argv[1]);
	if (fd < 0 || !ifi) {
		perror("nsw_rawsend");
		return 1;
	}
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = (int)ifi, .sll_halen = 6};
	uint8_t buf[1600];
	unsigned hdr = 14 + (t0.tpid ? 4 : 0) + (t1.tpid ? 4 : 0);
	unsigned n = nsw_frame_build(buf, sizeof buf, dst, src, t0, t1, type, len - hdr);
	unsigned sent = 0;
	for (unsigned i = 0; i < count; i++) {
		memcpy(buf + hdr, "NSWT", 4);
		uint32_t seq = htonl(i);
		memcpy(buf + hdr + 4, &seq, 4);
		if (sendto(fd, buf, n, 0, (struct sockaddr *)&sll, sizeof sll) == (ssize_t)n)
			sent++;
	}
	printf("%u\n", sent);
	close(fd);
	return sent == count ? 0 : 1;
}
