/* nsw_pf_dev.c - a PF's uplink, followed by name as a VF's device is (cli/nsw_vf_dev.c). Owns
 * the NIC's nsw_pf_name map (made and pinned by the CLI beside the data path's maps, the first
 * time a PF is given an uplink): for every PF, the name of the uplink it follows ("" for none).
 * Owns what makes a device a PF's uplink (nsw_pf_uplink_why), binding one (nsw_pf_uplink_bind)
 * and the uplinks' resync (nsw_pf_follow) that the watcher (cli/nsw_watch.c) runs on every
 * link event.
 * Invariants: a PF keeps its registers whatever happens to its uplink; while it follows a
 * name, its NSW_PF_UPLINK bit stays set and its nsw_pf_dev entry names a device that exists in
 * the NIC's namespace under that name, or is 0. With 0, what the NIC sends out by that port is
 * dropped and counted as no_device (it never leaves by another PF's port), and its VFs in
 * state auto see no carrier (nsw_pf_carrier_follow). Only pf set writes or erases a name, and
 * it writes the name after binding the device and erases it before unbinding, so a name is
 * never recorded for a PF whose device slot a killed command left half-made. Called with the
 * NIC open and locked, in its namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_cli.h"

#define NSW_PF_NAME_PIN "nsw_pf_name"

int nsw_pf_names(struct nsw_cli_nic *n, bool create)
{
	return nsw_name_map(n, NSW_PF_NAME_PIN, NSW_MAX_PFS, create);
}

bool nsw_pf_name_get(struct nsw_cli_nic *n, unsigned pf, char *name)
{
	return nsw_name_map_get(n, NSW_PF_NAME_PIN, pf, name);
}

int nsw_pf_name_set(struct nsw_cli_nic *n, unsigned pf, const char *name)
{
	return nsw_name_map_set(n, NSW_PF_NAME_PIN, NSW_MAX_PFS, pf, name);
}

int nsw_pf_follower(struct nsw_cli_nic *n, const char *name, unsigned skip_pf)
{
	char names[NSW_MAX_PFS][IF_NAMESIZE];
	int fd = nsw_pf_names(n, false), found = -1;
	if (fd < 0)
		return -1;
	if (!nsw_array_read(fd, NSW_MAX_PFS, IF_NAMESIZE, names))
		for (unsigned p = 0; p < nsw_nic_num_pfs(n->st) && found < 0; p++)
			if (p != skip_pf && names[p][0] && !strncmp(names[p], name, IF_NAMESIZE))
				found = (int)p;
	close(fd);
	return found;
}

static const char *nsw_pf_uplink_why_at(struct nsw_cli_nic *n, unsigned pf, uint32_t ifi,
					const char *name, struct nsw_link *link)
{
	static char buf[200];
	struct nsw_port owner;
	const char *who = ifi ? nsw_port_owner(n->meta.netns, ifi, &owner) : NULL;
	if (who && !(!strcmp(who, n->name) && owner.kind == NSW_PORT_UPLINK && owner.pf == pf)) {
		if (owner.kind == NSW_PORT_VF)
			snprintf(buf, sizeof buf, "already a port of NIC %s (the device of its VF "
				 "%u,%u)", who, owner.pf, owner.vf);
		else
			snprintf(buf, sizeof buf, "already a port of NIC %s (the uplink of its PF %u)",
				 who, owner.pf);
		return buf;
	}
	int other = nsw_vf_follower(n, name, NSW_NVF_SLOTS);
	if (other >= 0) {
		snprintf(buf, sizeof buf, "the device VF %d,%d of NIC %s follows (waits for)",
			 other / NSW_MAX_VFS, other % NSW_MAX_VFS, n->name);
		return buf;
	}
	other = nsw_pf_follower(n, name, pf);
	if (other >= 0) {
		snprintf(buf, sizeof buf, "the uplink PF %d of NIC %s follows (waits for)", other,
			 n->name);
		return buf;
	}
	if (!ifi) /* a name to wait for: no device to judge yet */
		return NULL;
	int r = nsw_link_get(ifi, link);
	if (r == -ENODEV)
		return nsw_why_gone;
	if (r)
		return "unreadable over netlink";
	const char *why = nsw_link_not_uplink(link);
	if (why && link->master) /* a port of another: says so, and how to release it */
		return why;
	if (why) {
		snprintf(buf, sizeof buf, "%s: an uplink is an Ethernet port (physical, veth, tap, "
			 "vxlan, bond, ...)", why);
		return buf;
	}
	return NULL;
}

const char *nsw_pf_uplink_why(struct nsw_cli_nic *n, unsigned pf, uint32_t *ifi, const char *name,
			      struct nsw_link *link)
{
	const char *why;
	for (unsigned t = 1; (why = nsw_pf_uplink_why_at(n, pf, *ifi, name, link)) == nsw_why_gone;
	     t++)
		*ifi = t < NSW_WHY_TRIES ? if_nametoindex(name) : 0;
	return why;
}

int nsw_pf_uplink_bind(struct nsw_cli_nic *n, unsigned pf, uint32_t ifi, char *err,
		       size_t errlen)
{
	uint32_t k = pf, zero = 0;
	struct nsw_port p = {NSW_PORT_UPLINK, (uint8_t)pf, 0};
	if (nsw_port_attach(n, ifi, p, err, errlen))
		return -1;
	if (bpf_map_update_elem(n->fd_pf_dev, &k, &ifi, 0)) {
		int se = errno;
		nsw_port_detach(n, ifi);
		bpf_map_update_elem(n->fd_pf_dev, &k, &zero, 0);
		snprintf(err, errlen, "cannot bind the uplink: %s", strerror(se));
		return -1;
	}
	return 0;
}

/* PF pf's uplink ifi unbound: the slot first (the data path stops sending to it), then the
 * port entry and what nswitch put on the device if it is still here (renamed). */
static void nsw_pf_uplink_unbind(struct nsw_cli_nic *n, unsigned pf, uint32_t ifi)
{
	uint32_t k = pf, zero = 0;
	struct nsw_port_info pi;
	bpf_map_update_elem(n->fd_pf_dev, &k, &zero, 0);
	if (!bpf_map_lookup_elem(n->fd_ports, &ifi, &pi) && pi.port.kind == NSW_PORT_UPLINK &&
	    pi.port.pf == pf)
		nsw_port_detach(n, ifi);
}

unsigned nsw_pf_follow(struct nsw_cli_nic *n, FILE *log, bool masters, bool *unread)
{
	char names[NSW_MAX_PFS][IF_NAMESIZE];
	uint32_t pfdev[NSW_MAX_PFS];
	unsigned changes = 0;
	int fd = nsw_pf_names(n, false);
	if (fd < 0)
		return 0; /* no PF was ever given an uplink by name */
	bool ok = !nsw_array_read(fd, NSW_MAX_PFS, IF_NAMESIZE, names) &&
		  !nsw_array_read(n->fd_pf_dev, NSW_MAX_PFS, sizeof *pfdev, pfdev);
	close(fd);
	if (!ok)
		return 0;
	for (unsigned p = 0; p < nsw_nic_num_pfs(n->st); p++) {
		if (!(n->st->pf[p] & NSW_PF_EN) || !(n->st->pf[p] & NSW_PF_UPLINK) || !names[p][0])
			continue;
		names[p][IF_NAMESIZE - 1] = 0;
		const char *owned = NULL;
		bool unknown = false;
		if (pfdev[p] && !nsw_vf_dev_stale(pfdev[p], names[p]) &&
		    !(masters && (owned = nsw_link_owned(pfdev[p], &unknown)))) {
			if (unknown && log) /* kept: the caller checks again */
				fprintf(log, "pf %u: uplink %s (#%u) unreadable: whether it has a "
					"master is checked again\n", p, names[p], pfdev[p]);
			*unread |= unknown;
			continue;
		}
		if (pfdev[p]) {
			nsw_pf_uplink_unbind(n, p, pfdev[p]);
			changes++;
			if (log && owned)
				fprintf(log, "pf %u: uplink %s (#%u) is now %s: detached\n", p,
					names[p], pfdev[p], owned);
			else if (log)
				fprintf(log, "pf %u: uplink %s (#%u) gone: waiting for it\n", p,
					names[p], pfdev[p]);
		}
		if (owned) /* its master has it: the next pass, if any, says so again */
			continue;
		uint32_t ifi = if_nametoindex(names[p]);
		if (!ifi)
			continue;
		struct nsw_link link;
		char err[200];
		const char *why = nsw_pf_uplink_why(n, p, &ifi, names[p], &link);
		if (why) {
			if (log)
				fprintf(log, "pf %u: %s is %s: not attached\n", p, names[p], why);
			continue;
		}
		if (!ifi) /* it went as it was read: waited for, its next event wakes us */
			continue;
		if (nsw_pf_uplink_bind(n, p, ifi, err, sizeof err)) {
			if (log && nsw_link_gone(ifi))
				fprintf(log, "pf %u: uplink %s went as it was attached: waiting for "
					"it\n", p, names[p]);
			else if (log)
				fprintf(log, "pf %u: cannot attach uplink %s: %s\n", p, names[p], err);
			continue;
		}
		changes++;
		if (log)
			fprintf(log, "pf %u: uplink %s (#%u) attached\n", p, names[p], ifi);
	}
	if (log)
		fflush(log);
	return changes;
}
