/* nsw_cmd.h - what the command modules (cli/nsw_cmd_*.c) share beyond nsw_cli.h: the words of
 * the pf and vf commands decoded into one struct, the checks they repeat, and the copy of the
 * registers a change is validated on. Used by cli/nsw_cmd_*.c only. */
#ifndef NSW_CMD_H
#define NSW_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "nsw_cli.h"

/* The values of nsw_words_vf (pf set, vf add/set/del); -1: not given. */
struct nsw_vf_args {
	unsigned pf, vf;
	bool have_pf, have_vf;
	const char *dev;
	uint64_t mac;
	int qos, spoofchk;
	long oui;
	const char *uplink;
};

/* Parses argv[i..argc) against nsw_words_vf; a word not in allowed (space-separated) is
 * refused as unknown. Fails with "cmd: ..." on any refusal. */
void nsw_parse_args(int argc, char **argv, int i, struct nsw_vf_args *a, const char *cmd,
		    const char *allowed);
/* Fails unless pf was given and the NIC has that PF. */
void nsw_need_pf(const struct nsw_cli_nic *n, const struct nsw_vf_args *a, const char *cmd);
/* Fails with "what: " and the core's reason for err. */
__attribute__((noreturn)) void nsw_core_fail(int err, const char *what);
/* The device's name, "#IFINDEX" when it has none here, "" for ifindex 0. */
void nsw_ifname(uint32_t ifi, char *dev);
/* A copy of the registers (80 KiB, hence static) that changes are tried on first. */
extern struct nsw_nic nsw_scratch;

#endif
