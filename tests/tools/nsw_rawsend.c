/* nsw_rawsend.c - a test tool: sends crafted Ethernet frames from inside a VM (a namespace)
 * through an AF_PACKET socket, so the integration tests can send what ping cannot: a spoofed
 * source, an 802.1Q/802.1ad tag with a given PCP, a frame to an unknown vMAC.
 * Usage: nsw_rawsend DEV DST SRC [count N] [len L] [ctag PCP:VID] [stag PCP:VID] [type 0xNNNN]
 * Prints the number of frames sent. The payload carries a sequence number after a marker. */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../core/nsw_ctl.h"
#include "../../lib/nsw_frames.h"

static struct nsw_tag_spec parse_tag(const char *s, uint16_t tpid)
{
	unsigned pcp, vid;
	if (sscanf(s, "%u:%u", &pcp, &vid) != 2 || pcp > 7 || vid > 4095) {
		fprintf(stderr, "nsw_rawsend: bad tag \"%s\" (PCP:VID)\n", s);
		exit(2);
	}
	return (struct nsw_tag_spec){tpid, (uint16_t)(pcp << 13 | vid)};
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
