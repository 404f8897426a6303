/* nsw_cmd.h - the command tables and what the command modules (cli/nsw_cmd_*.c) share beyond
 * nsw_cli.h. Each object's module defines its table of commands (struct nsw_cmd: the verb,
 * the function, the positional word (a NIC, or a lab's VM), the word table, what it does);
 * cli/nsw_cmd.c selects the command from it (a verb may be shortened to a unique prefix),
 * parses the words through the table before the command runs (unknown, ambiguous, repeated and
 * missing words are refused naming the word), and writes the help from the same tables. A
 * command therefore never sees a word its table does not name. Used by cli/ only. */
#ifndef NSW_CMD_H
#define NSW_CMD_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nsw_cli.h"

/* What precedes a command's words. */
enum nsw_cmd_pos {
	NSW_POS_NONE,    /* nothing: words only */
	NSW_POS_NIC,     /* NIC, required */
	NSW_POS_NIC_OPT, /* [NIC] */
	NSW_POS_VM,      /* VM (a lab's VM), required */
};

struct nsw_cmd {
	const char *name;  /* the verb; NULL: the object itself is the command (capture) */
	const char *alias; /* another verb for it, or NULL */
	/* Runs the command: nic is the positional word, a NIC or a VM (NULL if none), v the
	 * values of args. */
	void (*func)(const char *nic, const struct nsw_arg_val *v);
	enum nsw_cmd_pos pos;
	const struct nsw_arg_spec *args; /* NULL: no words */
	unsigned nargs;
	const char *help; /* what it does: lines of at most 88 columns, '\n' between them */
};

struct nsw_save;

/* A table ends with an entry whose func is NULL. */
struct nsw_obj {
	const char *name;
	const struct nsw_cmd *cmds;
	bool in_netns; /* -n applies: entered before the command runs */
	const char *dflt; /* the verb run when none is given, or NULL */
	/* Writes the lines that recreate what this object's commands made on the open NIC, for
	 * `nswitch save` (cli/nsw_save.c says the rule), or NULL: nothing to save. */
	void (*save)(struct nsw_cli_nic *n, struct nsw_save *s);
};

extern const struct nsw_cmd nsw_cmds_nic[], nsw_cmds_pf[], nsw_cmds_vf[], nsw_cmds_fdb[],
	nsw_cmds_stats[], nsw_cmds_acl[], nsw_cmds_mirror[], nsw_cmds_capture[], nsw_cmds_qos[],
	nsw_cmds_lab[], nsw_cmds_watch[];
/* nic show, which pf show is too. */
void nsw_nic_show_cmd(const char *nic, const struct nsw_arg_val *args);
/* Every object, in the help's order; ends with name NULL. */
extern const struct nsw_obj nsw_objs[];

/* Selects OBJECT's command from argv[0] (the verb) and runs it on the rest. */
int nsw_obj_run(const struct nsw_obj *o, int argc, char **argv);
/* The help of every object (o NULL) or of one, generated from the tables; under -j, the
 * tables themselves as JSON. */
void nsw_help(FILE *fp, const struct nsw_obj *o);
/* "OBJ VERB NIC WORDS..." of a command, into buf. */
void nsw_cmd_usage(const struct nsw_obj *o, const struct nsw_cmd *c, char *buf, size_t len);

/* The values of nsw_words_vf's index (pf set, vf add/set/del); -1: not given. */
struct nsw_vf_args {
	unsigned pf, vf;
	bool have_pf, have_vf;
	const char *dev;
	bool follow; /* dev came as "follow NAME": it may appear later */
	uint64_t mac;
	int qos, spoofchk;
	long oui;
	const char *uplink;
	int miss_drop; /* -1: keep */
	int state;     /* enum nsw_vf_state; -1: keep */
	int vlan;      /* VID, 0: none; -1: keep */
	bool vlan_ad;  /* proto 802.1ad */
};

/* Decodes values parsed against one of the tables of nsw_words_vf's index; fails on an OUI
 * that is zero or multicast. */
void nsw_vf_args_get(const struct nsw_arg_val *v, struct nsw_vf_args *a);
/* Fails unless pf was given and the NIC has that PF. */
void nsw_need_pf(const struct nsw_cli_nic *n, const struct nsw_vf_args *a, const char *cmd);
/* Fails with "what: " and the core's reason for err. */
__attribute__((noreturn)) void nsw_core_fail(int err, const char *what);
/* The device's name, "#IFINDEX" when it has none here, "" for ifindex 0. */
void nsw_ifname(uint32_t ifi, char *dev);
/* The inode of the current network namespace: which one a name was looked up in (vf add and
 * pf set tell a name of the user's namespace from one of the NIC's). */
ino_t nsw_netns_ino(void);
/* A copy of the registers (80 KiB, hence static) that changes are tried on first. */
extern struct nsw_nic nsw_scratch;

#endif
