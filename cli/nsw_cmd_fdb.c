/* nsw_cmd_fdb.c - the `fdb` command: Table A (vMAC -> VF) as the NIC's registers hold it. */
#define _GNU_SOURCE
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../core/nsw_fdb.h"
#include "nsw_cli.h"
#include "nsw_cmd.h"

static void nsw_fdb_show_cmd(const char *nic, const struct nsw_arg_val *args)
{
	struct nsw_cli_nic n;
	char mac[18], dev[IF_NAMESIZE];
	(void)args;
	nsw_nic_open(&n, nic);
	nsw_print_arr_open(NULL);
	for (unsigned b = 0; b < NSW_FDB_BUCKETS; b++)
		for (unsigned w = 0; w < NSW_FDB_WAYS; w++) {
			uint64_t e = n.st->fdb.slot[b][w];
			if (!(e & NSW_FDB_VALID))
				continue;
			unsigned p = nsw_fdb_slot_pf(e), v = nsw_fdb_slot_vf(e);
			uint32_t slot = nsw_vf_slot(p, v), ifi = 0;
			bpf_map_lookup_elem(n.fd_vf_dev, &slot, &ifi);
			nsw_ifname(ifi, dev);
			nsw_mac_format(e & NSW_MAC_MASK, mac);
			nsw_print_obj_open(NULL);
			nsw_print_str(NSW_PR_ANY, "mac", "%s", mac);
			nsw_print_uint(NSW_PR_ANY, "pf", " vf %llu", p);
			nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", v);
			nsw_print_str(NSW_PR_ANY, "dev", " dev %s", dev[0] ? dev : NULL);
			nsw_print_uint(NSW_PR_ANY, "bucket", " bucket %llu\n", b);
			nsw_print_obj_close();
		}
	nsw_print_arr_close();
	nsw_print_end();
	nsw_nic_close(&n);
}

const struct nsw_cmd nsw_cmds_fdb[] = {
	{"show", NULL, nsw_fdb_show_cmd, NSW_POS_NIC, NULL, 0, "Table A: vMAC -> VF."},
	{0},
};
