/* nsw_maps.c - see nsw_maps.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_maps.h"
int nsw_size_maps(struct bpf_map *stats, struct bpf_map *dev_stats,
				struct bpf_map *scratch, struct bpf_map *acl_hits)
{
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu < 1)
		return -EINVAL;
	int r = bpf_map__set_max_entries(stats, (uint32_t)ncpu);
	r = r ? r : bpf_map__set_max_entries(scratch, (uint32_t)ncpu);
	r = r ? r : bpf_map__set_max_entries(acl_hits, (uint32_t)ncpu * NSW_ACL_IDS);
	return r ? r : bpf_map__set_max_entries(dev_stats, (uint32_t)ncpu * NSW_NDEV);
}

void nsw_counter_sum(int fd, uint32_t k, uint32_t per_cpu, uint64_t *out,
				   size_t nwords)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v = calloc(nwords, 8);
	memset(out, 0, nwords * 8);
	for (int c = 0; v && c < ncpu; c++) {
		uint32_t key = nsw_pcpu_key((uint32_t)c, per_cpu, k);
		if (bpf_map_lookup_elem(fd, &key, v))
			continue;
		for (size_t i = 0; i < nwords; i++)
			out[i] += v[i];
	}
	free(v);
}

int nsw_stats_read(int fd, struct nsw_stats *out)
{
	struct nsw_stats_blk *b = malloc(sizeof *b);
	if (!b)
		return -ENOMEM;
	nsw_counter_sum(fd, 0, 1, (uint64_t *)b, sizeof *b / 8);
	memset(out, 0, sizeof *out);
	for (uint32_t c = 0; c < NSW_STAT_CLASSES; c++) {
		uint32_t action = c >> 6 & 3, ncase = c >> 4 & 3, prio = c >> 1 & 7, inter = c & 1;
		out->case_pkts[ncase] += b->cls[c].pkts;
		out->case_bytes[ncase] += b->cls[c].bytes;
		out->action_pkts[action] += b->cls[c].pkts;
		out->prio_pkts[prio] += b->cls[c].pkts;
		out->inter_pf_pkts += inter ? b->cls[c].pkts : 0;
	}
	memcpy(out->drop, b->drop, sizeof out->drop);
	out->flood_copies = b->flood_copies;
	out->mirror_copies = b->mirror_copies;
	free(b);
	return 0;
}

void nsw_counter_zero(int fd, uint32_t k, uint32_t per_cpu, size_t size)
{
	int ncpu = libbpf_num_possible_cpus();
	void *z = calloc(1, size);
	for (int c = 0; z && c < ncpu; c++) {
		uint32_t key = nsw_pcpu_key((uint32_t)c, per_cpu, k);
		bpf_map_update_elem(fd, &key, z, 0);
	}
	free(z);
}
int nsw_port_write(int fd_hash, int fd_ix, uint32_t ifindex,
				 const struct nsw_port_info *pi)
{
	struct nsw_port_info ix = {0};
	if (!pi) {
		if (ifindex < NSW_PORT_IX)
			bpf_map_update_elem(fd_ix, &ifindex, &ix, 0);
		return bpf_map_delete_elem(fd_hash, &ifindex) ? -errno : 0;
	}
	if (bpf_map_update_elem(fd_hash, &ifindex, pi, 0))
		return -errno;
	ix = *pi;
	ix.flags |= NSW_PORTF_VALID;
	if (ifindex < NSW_PORT_IX && bpf_map_update_elem(fd_ix, &ifindex, &ix, 0)) {
		int e = -errno;
		bpf_map_delete_elem(fd_hash, &ifindex);
		return e;
	}
	return 0;
}

int nsw_array_read(int fd, uint32_t n, size_t vsize, void *vals)
{
	uint32_t *keys = calloc(n, sizeof *keys), out = 0, count = n;
	if (!keys)
		return -ENOMEM;
	int r = bpf_map_lookup_batch(fd, NULL, &out, keys, vals, &count, NULL);
	if (r && errno == ENOENT && count == n)
		r = 0; /* ENOENT: the batch reached the array's end */
	if (r || count != n) {
		r = 0;
		for (uint32_t k = 0; k < n && !r; k++)
			if (bpf_map_lookup_elem(fd, &k, (char *)vals + k * vsize))
				r = -errno;
	}
	free(keys);
	return r;
}
