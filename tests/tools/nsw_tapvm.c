/* nsw_tapvm.c - a test tool: the smallest "VM" behind a tap device. It opens the tap (as QEMU
 * would), and answers ARP requests and ICMP echo requests for its IP address with its MAC, so
 * a namespace VM can ping a tap-attached VF through nSwitch. Runs until killed, or for the
 * number of seconds given. Usage: nsw_tapvm TAPDEV MAC IPV4 [seconds] */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../../core/nsw_ctl.h"
#include "../../lib/nsw_frames.h"

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int main(int argc, char **argv)
{
	uint64_t mac;
	struct in_addr ip;
	if (argc < 4 || nsw_mac_parse(argv[2], &mac) || inet_pton(AF_INET, argv[3], &ip) != 1) {
		fprintf(stderr, "usage: nsw_tapvm TAPDEV MAC IPV4 [seconds]\n");
		return 2;
	}
	int secs = argc > 4 ? atoi(argv[4]) : 0;
	int fd = open("/dev/net/tun", O_RDWR);
	struct ifreq ifr = {0};
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", argv[1]);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr)) {
		perror("nsw_tapvm: tap");
		return 1;
	}
	uint8_t me[6];
	nsw_put_mac(me, mac);
	time_t end = secs ? time(NULL) + secs : 0;
	uint8_t f[2048];
	printf("ready\n");
	fflush(stdout);
	while (!end || time(NULL) < end) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 200) <= 0)
			continue;
		ssize_t n = read(fd, f, sizeof f);
		if (n < 42)
			continue;
		uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
		if (type == 0x0806 && f[21] == 1 && !memcmp(f + 38, &ip, 4)) {
			/* ARP request for us: reply. */
			memcpy(f, f + 6, 6);
			memcpy(f + 6, me, 6);
			f[21] = 2;
			uint8_t spa[4];
			memcpy(spa, f + 28, 4);
			memcpy(f + 32, f + 22, 6); /* tha = requester */
			memcpy(f + 38, spa, 4);    /* tpa */
			memcpy(f + 22, me, 6);
			memcpy(f + 28, &ip, 4);
			if (write(fd, f, 42) != 42)
				perror("nsw_tapvm: write");
		} else if (type == 0x0800 && n >= 14 + 20 + 8 && f[23] == 1 && !memcmp(f + 30, &ip, 4)) {
			unsigned ihl = (f[14] & 15u) * 4;
			uint8_t *icmp = f + 14 + ihl;
			if (icmp[0] != 8)
				continue;
			memcpy(f, f + 6, 6);
			memcpy(f + 6, me, 6);
			memcpy(f + 30, f + 26, 4);
			memcpy(f + 26, &ip, 4);
			f[24] = f[25] = 0;
			uint16_t c = csum(f + 14, ihl);
			f[24] = (uint8_t)(c >> 8);
			f[25] = (uint8_t)c;
			icmp[0] = 0;
			icmp[2] = icmp[3] = 0;
			c = csum(icmp, (size_t)n - 14 - ihl);
			icmp[2] = (uint8_t)(c >> 8);
			icmp[3] = (uint8_t)c;
			if (write(fd, f, (size_t)n) != n)
				perror("nsw_tapvm: write");
		}
	}
	return 0;
}
