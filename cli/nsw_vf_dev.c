/* nsw_vf_dev.c - a VF's device, followed by name. Owns the NIC's nsw_vf_name map (made and
 * pinned by the CLI beside the data path's maps, the first time a VF is given a device): for
 * every VF slot, the name of the device it follows ("" for none). Owns what makes a device a
 * VF's (nsw_vf_dev_why: what cannot be one; nsw_vf_attach: binding, port, the VM's end) and the
 * resync (nsw_vf_follow) that the watcher (cli/nsw_watch.c) runs on every link event.
 * Invariants: a VF keeps its registers, vMAC and settings whatever happens to its device; its
 * nsw_vf_dev slot names a device that exists in the NIC's namespace under the followed name, or
 * is 0, and the data path counts frames to a VF with slot 0 as dropped (no_device). Only
 * vf add writes a name, only vf del (nsw_vf_state_clear) erases it. Called with the NIC open
 * and locked, in its namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_cli.h"
#include "nsw_vf_link.h"

#define NSW_VF_NAME_PIN "nsw_vf_name"

/* A followed-names map of the NIC (key -> char[IF_NAMESIZE]) pinned as pin: the VFs' and the
 * uplinks' have the same shape and the same rules, only their pins and sizes differ. */
int nsw_name_map(struct nsw_cli_nic *n, const char *pin, uint32_t entries, bool create)
{
	char path[192];
	snprintf(path, sizeof path, "%s/%s", n->dir, pin);
	int fd = bpf_obj_get(path);
	if (fd >= 0 || !create)
		return fd;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, pin, sizeof(uint32_t), IF_NAMESIZE, entries, NULL);
	if (fd < 0)
		return -1;
	if (bpf_obj_pin(fd, path)) {
		close(fd);
		return -1;
	}
	return fd;
}

bool nsw_name_map_get(struct nsw_cli_nic *n, const char *pin, uint32_t key, char *name)
{
	int fd = nsw_name_map(n, pin, 0, false);
	name[0] = 0;
	if (fd >= 0) {
		if (bpf_map_lookup_elem(fd, &key, name))
			name[0] = 0;
		close(fd);
	}
	name[IF_NAMESIZE - 1] = 0;
	return name[0] != 0;
}

int nsw_name_map_set(struct nsw_cli_nic *n, const char *pin, uint32_t entries, uint32_t key,
		     const char *name)
{
	char v[IF_NAMESIZE] = {0};
	int fd = nsw_name_map(n, pin, entries, name && *name);
	if (fd < 0)
		return name && *name ? -errno : 0; /* nothing to erase where there is no map */
	if (name)
		snprintf(v, sizeof v, "%s", name);
	int r = bpf_map_update_elem(fd, &key, v, 0) ? -errno : 0;
	close(fd);
	return r;
}

int nsw_vf_names(struct nsw_cli_nic *n, bool create)
{
	return nsw_name_map(n, NSW_VF_NAME_PIN, NSW_NVF_SLOTS, create);
}

bool nsw_vf_name_get(struct nsw_cli_nic *n, unsigned pf, unsigned vf, char *name)
{
	return nsw_name_map_get(n, NSW_VF_NAME_PIN, nsw_vf_slot(pf, vf), name);
}

int nsw_vf_name_set(struct nsw_cli_nic *n, unsigned pf, unsigned vf, const char *name)
{
	return nsw_name_map_set(n, NSW_VF_NAME_PIN, NSW_NVF_SLOTS, nsw_vf_slot(pf, vf), name);
}

int nsw_vf_follower(struct nsw_cli_nic *n, const char *name, uint32_t skip_slot)
{
	static char names[NSW_NVF_SLOTS][IF_NAMESIZE];
	int fd = nsw_vf_names(n, false), found = -1;
	if (fd < 0)
		return -1;
	if (!nsw_array_read(fd, NSW_NVF_SLOTS, IF_NAMESIZE, names))
		for (uint32_t s = 0; s < NSW_NVF_SLOTS && found < 0; s++)
			if (s != skip_slot && names[s][0] &&
			    !strncmp(names[s], name, IF_NAMESIZE) &&
			    (n->st->vf[s / NSW_MAX_VFS][s % NSW_MAX_VFS] & NSW_VF_EN))
				found = (int)s;
	close(fd);
	return found;
}

const char nsw_why_gone[] = "gone as it was read";

static const char *nsw_vf_dev_why_at(struct nsw_cli_nic *n, unsigned pf, unsigned vf,
				     uint32_t ifi, const char *name, struct nsw_link *link)
{
	static char buf[160];
	struct nsw_port owner;
	const char *who = nsw_port_owner(n->meta.netns, ifi, &owner);
	if (who && !(!strcmp(who, n->name) && owner.kind == NSW_PORT_VF && owner.pf == pf &&
		     owner.vf == vf)) {
		if (owner.kind == NSW_PORT_VF)
			snprintf(buf, sizeof buf, "already a port of NIC %s (the device of its VF "
				 "%u,%u)", who, owner.pf, owner.vf);
		else
			snprintf(buf, sizeof buf, "already a port of NIC %s (the uplink of its PF %u)",
				 who, owner.pf);
		return buf;
	}
	int other = nsw_vf_follower(n, name, nsw_vf_slot(pf, vf));
	if (other >= 0) {
		snprintf(buf, sizeof buf, "the device VF %d,%d of NIC %s follows (waits for)",
			 other / NSW_MAX_VFS, other % NSW_MAX_VFS, n->name);
		return buf;
	}
	other = nsw_pf_follower(n, name, NSW_MAX_PFS);
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
	const char *why = nsw_link_not_vf(link);
	if (why && link->master) /* a port of another: says so, and how to release it */
		return why;
	if (why) {
		snprintf(buf, sizeof buf, "%s: a VF needs a veth or a tap (tun in TAP mode)", why);
		return buf;
	}
	if (n->meta.mode == NSW_MODE_TC_PEER && strcmp(link->kind, "veth")) {
		snprintf(buf, sizeof buf, "%s, and mode tc-peer needs a veth",
			 link->kind[0] ? link->kind : "not a veth");
		return buf;
	}
	return NULL;
}

const char *nsw_vf_dev_why(struct nsw_cli_nic *n, unsigned pf, unsigned vf, uint32_t *ifi,
			   const char *name, struct nsw_link *link)
{
	const char *why;
	for (unsigned t = 1; (why = nsw_vf_dev_why_at(n, pf, vf, *ifi, name, link)) == nsw_why_gone;
	     t++)
		*ifi = t < NSW_WHY_TRIES ? if_nametoindex(name) : 0;
	return why;
}

int nsw_vf_attach(struct nsw_cli_nic *n, unsigned pf, unsigned vf, uint32_t ifi,
		  const struct nsw_link *link, char *err, size_t errlen)
{
	uint32_t slot = nsw_vf_slot(pf, vf), zero = 0;
	if (bpf_map_update_elem(n->fd_vf_dev, &slot, &ifi, 0)) {
		snprintf(err, errlen, "cannot bind the device: %s", strerror(errno));
		return -1;
	}
	/* The data path delivers by nsw_vf_path: it names the same device, or nothing. */
	int pe = nsw_vf_path_bind(n, slot, ifi);
	if (pe) {
		bpf_map_update_elem(n->fd_vf_dev, &slot, &zero, 0);
		snprintf(err, errlen, "cannot bind the device: %s", strerror(-pe));
		return -1;
	}
	struct nsw_port p = {NSW_PORT_VF, (uint8_t)pf, (uint16_t)vf};
	char e2[160];
	if (nsw_port_attach(n, ifi, p, e2, sizeof e2)) {
		nsw_vf_path_bind(n, slot, 0);
		bpf_map_update_elem(n->fd_vf_dev, &slot, &zero, 0);
		snprintf(err, errlen, "%s", e2);
		return -1;
	}
	/* A tap QEMU made with script=no (or libvirt before its own ifup) is down: the NIC
	 * brings its VF's link up, as a NIC brings up a VF it hands to a guest. */
	if (!strcmp(link->kind, "tun") && !link->up)
		nsw_link_set_up(ifi);
	return 0;
}

void nsw_vf_unbind(struct nsw_cli_nic *n, uint32_t slot, uint32_t ifi)
{
	uint32_t zero = 0;
	struct nsw_port_info pi;
	nsw_vf_path_bind(n, slot, 0);
	bpf_map_update_elem(n->fd_vf_dev, &slot, &zero, 0);
	if (!bpf_map_lookup_elem(n->fd_ports, &ifi, &pi) && pi.port.kind == NSW_PORT_VF &&
	    nsw_vf_slot(pi.port.pf, pi.port.vf) == slot)
		nsw_port_detach(n, ifi);
}

bool nsw_vf_dev_stale(uint32_t ifi, const char *name)
{
	char now[IF_NAMESIZE];
	if (!ifi)
		return false;
	if (!if_indextoname(ifi, now))
		return true;
	return name && *name && strncmp(now, name, IF_NAMESIZE);
}

unsigned nsw_vf_follow(struct nsw_cli_nic *n, FILE *log, bool masters, bool *unread)
{
	static char names[NSW_NVF_SLOTS][IF_NAMESIZE];
	static uint32_t vfdev[NSW_NVF_SLOTS];
	unsigned changes = 0;
	int fd = nsw_vf_names(n, false);
	if (fd < 0)
		return 0; /* no VF was ever given a device by name */
	bool ok = !nsw_array_read(fd, NSW_NVF_SLOTS, IF_NAMESIZE, names) &&
		  !nsw_array_read(n->fd_vf_dev, NSW_NVF_SLOTS, sizeof *vfdev, vfdev);
	close(fd);
	if (!ok)
		return 0;
	bool attached = false;
	for (uint32_t s = 0; s < NSW_NVF_SLOTS; s++) {
		unsigned pf = s / NSW_MAX_VFS, vf = s % NSW_MAX_VFS;
		if (!(n->st->vf[pf][vf] & NSW_VF_EN) || !names[s][0])
			continue;
		names[s][IF_NAMESIZE - 1] = 0;
		const char *owned = NULL;
		bool unknown = false;
		if (vfdev[s] && !nsw_vf_dev_stale(vfdev[s], names[s]) &&
		    !(masters && (owned = nsw_link_owned(vfdev[s], &unknown)))) {
			if (unknown && log) /* kept: the caller checks again */
				fprintf(log, "vf %u,%u: device %s (#%u) unreadable: whether it has "
					"a master is checked again\n", pf, vf, names[s], vfdev[s]);
			*unread |= unknown;
			continue;
		}
		if (vfdev[s]) {
			nsw_vf_unbind(n, s, vfdev[s]);
			changes++;
			if (log && owned)
				fprintf(log, "vf %u,%u: device %s (#%u) is now %s: detached\n",
					pf, vf, names[s], vfdev[s], owned);
			else if (log)
				fprintf(log, "vf %u,%u: device %s (#%u) gone: waiting for it\n", pf,
					vf, names[s], vfdev[s]);
		}
		if (owned) /* its master has it: the next pass, if any, says so again */
			continue;
		uint32_t ifi = if_nametoindex(names[s]);
		if (!ifi)
			continue;
		struct nsw_link link;
		char err[200];
		const char *why = nsw_vf_dev_why(n, pf, vf, &ifi, names[s], &link);
		if (why) {
			if (log)
				fprintf(log, "vf %u,%u: %s is %s: not attached\n", pf, vf, names[s],
					why);
			continue;
		}
		if (!ifi) /* it went as it was read: waited for, its next event wakes us */
			continue;
		if (nsw_vf_attach(n, pf, vf, ifi, &link, err, sizeof err)) {
			if (log && nsw_link_gone(ifi))
				fprintf(log, "vf %u,%u: %s went as it was attached: waiting for it\n",
					pf, vf, names[s]);
			else if (log)
				fprintf(log, "vf %u,%u: cannot attach %s: %s\n", pf, vf, names[s],
					err);
			continue;
		}
		if (!strcmp(link.kind, "veth"))
			nsw_link_set_mac(link.peer_ifindex, link.peer_netnsid,
					 n->st->vf[pf][vf] & NSW_MAC_MASK);
		/* A VF held down stays down on its new device (the data path drops either way). */
		if ((n->st->vf[pf][vf] & NSW_VF_LINK_DOWN) &&
		    nsw_vf_link_apply(n, pf, vf, err, sizeof err) && log)
			fprintf(log, "vf %u,%u: %s\n", pf, vf, err);
		if (nsw_qos_reattach(n, pf, vf, ifi, names[s], err, sizeof err) && log)
			fprintf(log, "vf %u,%u: its rate on %s: %s\n", pf, vf, names[s], err);
		nsw_vf_path_refresh(n, pf, vf);
		attached = true;
		changes++;
		if (log)
			fprintf(log, "vf %u,%u: %s (#%u) attached\n", pf, vf, names[s], ifi);
	}
	if (attached)
		nsw_rx_drop_watch(n);
	if (log)
		fflush(log);
	return changes;
}
