/* nsw_cli_path.c - how mode tc hands a frame to a VF: bpf_redirect to the host end's egress,
 * or, for the frames the veth's transmit could not refuse, bpf_redirect_peer straight into the
 * VM's end (faster: it skips the host end's transmit and the veth's queue). Owns the NIC's
 * nsw_vf_path map (bpf/nsw_maps.h): per VF slot, nsw_vf_dev's ifindex, with NSW_VF_DEV_PEER
 * only when the VF's device is a veth whose VM end is in another namespace and nothing sits on
 * the host end's egress (no root qdisc: no QoS rate, no 802.1p scheduler; no egress filter),
 * so that the peer path skips nothing a feature needs.
 * Invariants: nsw_vf_path names the device nsw_vf_dev names, or 0 (written right after it
 * when bound, right before it when cleared); when unsure (a netlink error) the bit is clear,
 * and clearing it is always safe. A NIC made by a build without the map has no pin: nothing
 * to write, its data path reads nsw_vf_dev. Written by vf add and vf del (bind), the qos
 * command (off before a rate is made, refresh after), repair. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "nsw_cli.h"
#include "nsw_qos_nl.h"

static int nsw_vf_path_fd(struct nsw_cli_nic *n)
{
	char path[192];
	snprintf(path, sizeof path, "%s/nsw_vf_path", n->dir);
	return bpf_obj_get(path);
}

int nsw_vf_path_bind(struct nsw_cli_nic *n, uint32_t slot, uint32_t ifi)
{
	int fd = nsw_vf_path_fd(n);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	int r = bpf_map_update_elem(fd, &slot, &ifi, 0) ? -errno : 0;
	close(fd);
	return r;
}

static bool nsw_vf_path_can_peer(const struct nsw_cli_nic *n, uint32_t ifi)
{
	struct nsw_link l;
	char err[256];
	bool busy;
	if (n->meta.mode != NSW_MODE_TC || nsw_link_get(ifi, &l) || strcmp(l.kind, "veth") ||
	    l.peer_netnsid < 0)
		return false;
	if (nsw_egress_busy(ifi, &busy, err, sizeof err))
		busy = true;
	nsw_qos_nl_close();
	return !busy;
}

static void nsw_vf_path_write(struct nsw_cli_nic *n, unsigned pf, unsigned vf, bool peer_ok)
{
	uint32_t slot = nsw_vf_slot(pf, vf), ifi = 0, cur = 0;
	int fd = nsw_vf_path_fd(n);
	if (fd < 0)
		return;
	if (bpf_map_lookup_elem(n->fd_vf_dev, &slot, &ifi) || !ifi ||
	    bpf_map_lookup_elem(fd, &slot, &cur)) {
		close(fd);
		return;
	}
	uint32_t nv = peer_ok && nsw_vf_path_can_peer(n, ifi) ? ifi | NSW_VF_DEV_PEER : ifi;
	int r = nv == cur ? 0 : bpf_map_update_elem(fd, &slot, &nv, 0);
	int e = errno;
	close(fd);
	if (r && !(nv & NSW_VF_DEV_PEER))
		nsw_fail("VF %u,%u: cannot take it off the peer path: %s", pf, vf, strerror(e));
}

void nsw_vf_path_refresh(struct nsw_cli_nic *n, unsigned pf, unsigned vf)
{
	nsw_vf_path_write(n, pf, vf, true);
}

void nsw_vf_path_off(struct nsw_cli_nic *n, unsigned pf, unsigned vf)
{
	nsw_vf_path_write(n, pf, vf, false);
}
