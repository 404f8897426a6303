/* nsw_maps.h - user space's access to a NIC's maps: sizing the per-CPU counter arrays before
 * load, folding every CPU's counters, zeroing a record, writing a port entry in both port maps,
 * reading an array in one batched call. The maps' layouts and key functions are the data
 * path's own (bpf/nsw_maps.h), so both sides compute every key the same way.
 * Used by the CLI, the BPF tests, the benchmarks; no state of its own. */
#ifndef NSW_LIB_MAPS_H
#define NSW_LIB_MAPS_H

#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "../bpf/nsw_maps.h"

/* Before load: one block of counters per possible CPU. 0 or a negative errno. */
int nsw_size_maps(struct bpf_map *stats, struct bpf_map *dev_stats, struct bpf_map *scratch,
		  struct bpf_map *acl_hits);

/* Sums record k over the CPU blocks of a counter map of per_cpu records of nwords words. */
void nsw_counter_sum(int fd, uint32_t k, uint32_t per_cpu, uint64_t *out, size_t nwords);

/* The NIC's totals: every CPU's block of nsw_stats (fd), summed and folded by class. */
int nsw_stats_read(int fd, struct nsw_stats *out);

/* Zeroes record k in every CPU block (a fresh VF starts from zero). */
void nsw_counter_zero(int fd, uint32_t k, uint32_t per_cpu, size_t size);

/* Sets (pi) or removes (NULL) the port entry of ifindex in both maps; 0 or -errno. */
int nsw_port_write(int fd_hash, int fd_ix, uint32_t ifindex, const struct nsw_port_info *pi);

/* Reads elements 0..n-1 of an array map into vals: one batched call where the kernel has them
 * (a command's system calls are what its crash tests kill one by one), else one per element.
 * Returns 0 or -errno. */
int nsw_array_read(int fd, uint32_t n, size_t vsize, void *vals);

#endif
