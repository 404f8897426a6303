/* nsw_cli_rxdrop.c - puts nsw_rx_drop (bpf/nsw_rxdrop.bpf.c) on a NIC: the tracing program
 * that counts, by reason, the frames the receiving VF's device drops after the data path
 * delivered them. One per NIC (mode tc), loaded on the NIC's first vf add with the NIC's
 * counter maps and nsw_vf_dev reused from their pins, attached by a link pinned as
 * NIC/link_rx_drop: it lives as long as the pin, and nic del (which unpins everything) ends it.
 * Without the kernel's BTF the program cannot load: the drops stay uncounted and vf add says so.
 * Called with the NIC open, locked, and its namespace entered (nsw_nic_open). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_cli.h"
#include "nsw_rxdrop.skel.h"

static int nsw_rxd_quiet(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_WARN && getenv("NSW_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

void nsw_rx_drop_watch(struct nsw_cli_nic *n)
{
	char path[192];
	struct stat sb;
	if (n->meta.mode != NSW_MODE_TC)
		return; /* tc-peer and XDP: the kernel drops before the device (docs/design.md) */
	snprintf(path, sizeof path, "%s/link_rx_drop", n->dir);
	if (access(path, F_OK) == 0)
		return;
	const char *why = NULL;
	struct nsw_rxdrop *skel = NULL;
	struct bpf_link *link = NULL;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		why = "the kernel has no BTF";
		goto out;
	}
	if (stat("/proc/self/ns/net", &sb)) {
		why = strerror(errno);
		goto out;
	}
	libbpf_set_print(nsw_rxd_quiet);
	skel = nsw_rxdrop__open();
	if (!skel) {
		why = strerror(errno);
		goto out;
	}
	skel->rodata->nsw_netns_ino = (uint32_t)sb.st_ino;
	int err = bpf_map__reuse_fd(skel->maps.nsw_stats, n->fd_stats);
	err = err ? err : bpf_map__reuse_fd(skel->maps.nsw_dev_stats, n->fd_dev_stats);
	err = err ? err : bpf_map__reuse_fd(skel->maps.nsw_vf_dev, n->fd_vf_dev);
	err = err ? err : nsw_rxdrop__load(skel);
	if (err) {
		why = strerror(-err);
		goto out;
	}
	link = bpf_program__attach(skel->progs.nsw_rx_drop);
	if (!link) {
		why = strerror(errno);
		goto out;
	}
	err = bpf_link__pin(link, path);
	if (err)
		why = strerror(-err);
out:
	if (why)
		fprintf(stderr, "nswitch: note: drops at the VFs' devices (link down, MTU) will not be "
			"counted on NIC %s: %s\n", n->name, why);
	bpf_link__destroy(link); /* the pin keeps it attached */
	nsw_rxdrop__destroy(skel);
}
