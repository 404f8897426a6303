/* nsw_cmd.c - the command tables at work (nsw_cmd.h): the list of objects, selecting an
 * object's command by its verb, parsing its words through its table before it runs, and the
 * help, written from the same tables; and helpers the command modules share. No command lives
 * here: each object's module (cli/nsw_cmd_OBJECT.c) owns its table and its functions. */
#define _GNU_SOURCE
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "nsw_cmd.h"
#include "nsw_cli_words.h"
#include "nsw_save.h"

const struct nsw_obj nsw_objs[] = {
	{"nic", nsw_cmds_nic, true, "show", nsw_save_nic},
	{"pf", nsw_cmds_pf, true, NULL, nsw_save_pf},
	{"vf", nsw_cmds_vf, true, NULL, nsw_save_vf},
	{"fdb", nsw_cmds_fdb, true, NULL, NULL},
	{"stats", nsw_cmds_stats, true, NULL, NULL},
	{"acl", nsw_cmds_acl, true, NULL, nsw_save_acl},
	{"mirror", nsw_cmds_mirror, true, NULL, nsw_save_mirror},
	{"capture", nsw_cmds_capture, true, NULL, NULL},
	{"qos", nsw_cmds_qos, true, NULL, nsw_save_qos},
	{"watch", nsw_cmds_watch, false, "show", NULL},
	{"lab", nsw_cmds_lab, false, NULL, NULL},
	{"save", nsw_cmds_save, false, NULL, NULL},
	{NULL, NULL, false, NULL, NULL},
};

#define NSW_VERBS_MAX 16 /* verbs and aliases of one object, and "help" */
#define NSW_HELP_COLS 92 /* the help's width */

static const char nsw_help_head[] =
	"Usage: nswitch [-j] [-p] [-n NETNS] OBJECT COMMAND [ARGS]\n"
	"       nswitch [-j] [-n NETNS] [-force] [-down] -b FILE|-\n"
	"\n"
	"A virtual SR-IOV NIC with the nSwitch of Bardgett and Zou: VMs attach as VFs, each PF owns\n"
	"a MAC OUI, and frames between VMs are switched by comparing source and destination OUI.\n"
	"\n";

static const char nsw_help_tail[] =
	"  nswitch help [OBJECT]  ;  nswitch OBJECT help\n"
	"        This help, of every object or of one.\n"
	"\n"
	"Options: -j JSON output (errors too), -p pretty JSON, -n NETNS run in that namespace.\n"
	"-b FILE (- for stdin): run the commands of FILE, one per line without \"nswitch\" (#\n"
	"comments, \"double quotes\", a last word <<WORD: the lines up to WORD are the command's\n"
	"input); stops at the first failing line (nswitch: FILE:LINE: why), the lines before it\n"
	"applied, that one not at all; -force goes on past it. -j and -n apply to every line.\n"
	"-down with -b: delete, last first, the NICs that FILE's nic add lines make.\n"
	"Words may be shortened to a unique prefix (nswitch v sh lab0). A word given twice, or\n"
	"one the command does not take, is refused; -j help lists the commands and their words.\n"
	"Errors: one line on stderr, exit status 1, nothing changed. State lives under\n"
	NSW_PIN_ROOT "/NIC/ (bpftool map show pinned ...).\n";

/* The positional word's name in the usage, by enum nsw_cmd_pos. */
static const char *const nsw_pos_names[] = {"", "NIC", "[NIC]", "VM"};

void nsw_cmd_usage(const struct nsw_obj *o, const struct nsw_cmd *c, char *buf, size_t len)
{
	char words[512];
	nsw_args_usage(c->args, c->args ? c->nargs : 0, words, sizeof words);
	const char *pos = nsw_pos_names[c->pos];
	snprintf(buf, len, "%s%s%s%s%s%s%s", o->name, c->name ? " " : "", c->name ? c->name : "",
		 *pos ? " " : "", pos, *words ? " " : "", words);
}

static void nsw_help_cmd(FILE *fp, const struct nsw_obj *o, const struct nsw_cmd *c)
{
	char u[640];
	nsw_cmd_usage(o, c, u, sizeof u);
	/* Wrapped between words, never inside a [...] group. */
	int col = fprintf(fp, "  nswitch");
	for (const char *p = u; *p;) {
		size_t k = 0;
		for (int depth = 0; p[k] && (depth || p[k] != ' '); k++)
			depth += p[k] == '[' ? 1 : p[k] == ']' ? -1 : 0;
		if (col + 1 + (int)k > NSW_HELP_COLS && col > 10)
			col = fprintf(fp, "\n       ");
		col += fprintf(fp, " %.*s", (int)k, p);
		p += k + (p[k] == ' ');
	}
	fputc('\n', fp);
	for (const char *l = c->help; l && *l;) {
		size_t k = strcspn(l, "\n");
		fprintf(fp, "        %.*s\n", (int)k, l);
		l += k + (l[k] == '\n');
	}
	if (c->alias)
		fprintf(fp, "        Also: nswitch %s %s.\n", o->name, c->alias);
}

/* Under -j: [{"object", "command", "usage", "words": [...], "help"}], from the tables. */
static void nsw_help_json(const struct nsw_obj *only)
{
	char u[640];
	nsw_print_arr_open(NULL);
	for (const struct nsw_obj *o = nsw_objs; o->name; o++) {
		if (only && o != only)
			continue;
		for (const struct nsw_cmd *c = o->cmds; c->func; c++) {
			nsw_cmd_usage(o, c, u, sizeof u);
			nsw_print_obj_open(NULL);
			nsw_print_str(NSW_PR_ANY, "object", "%s", o->name);
			nsw_print_str(NSW_PR_ANY, "command", "%s", c->name ? c->name : "");
			nsw_print_str(NSW_PR_ANY, "alias", "%s", c->alias ? c->alias : "");
			nsw_print_str(NSW_PR_ANY, "usage", "%s", u);
			nsw_print_arr_open("words");
			for (unsigned i = 0; c->args && i < c->nargs; i++)
				if (c->args[i].word)
					nsw_print_str(NSW_PR_ANY, NULL, "%s", c->args[i].word);
			nsw_print_arr_close();
			nsw_print_str(NSW_PR_ANY, "pos", "%s", nsw_pos_names[c->pos]);
			nsw_print_str(NSW_PR_ANY, "help", "%s", c->help);
			nsw_print_obj_close();
		}
	}
	nsw_print_arr_close();
	nsw_print_end();
}

void nsw_help(FILE *fp, const struct nsw_obj *only)
{
	if (nsw_json) {
		nsw_help_json(only);
		return;
	}
	if (only)
		fprintf(fp, "Usage: nswitch [-j] [-p] [-n NETNS] %s%s [ARGS]\n\n", only->name,
			only->cmds->name ? " COMMAND" : "");
	else
		fputs(nsw_help_head, fp);
	for (const struct nsw_obj *o = nsw_objs; o->name; o++)
		if (!only || o == only)
			for (const struct nsw_cmd *c = o->cmds; c->func; c++)
				nsw_help_cmd(fp, o, c);
	fputs(nsw_help_tail, fp);
}

/* "add, set, del, show or help": the verbs of o, for errors. */
static void nsw_verbs_list(const struct nsw_obj *o, char *buf, size_t len)
{
	size_t w = 0;
	buf[0] = 0;
	for (const struct nsw_cmd *c = o->cmds; c->func && w < len; c++)
		w += (size_t)snprintf(buf + w, len - w, "%s%s", w ? ", " : "", c->name);
	if (w < len)
		snprintf(buf + w, len - w, " or help");
}

/* Parses the words after the positional NIC through the command's table, then runs it. */
static int nsw_cmd_exec(const struct nsw_obj *o, const struct nsw_cmd *c, int argc, char **argv)
{
	struct nsw_arg_val v[NSW_ARGS_MAX];
	char what[32], u[640];
	const char *nic = NULL;
	snprintf(what, sizeof what, "%s%s%s", o->name, c->name ? " " : "", c->name ? c->name : "");
	if (c->pos != NSW_POS_NONE && argc >= 1) {
		/* A first word the table names is a forgotten NIC (or VM), not its name. */
		for (unsigned i = 0; c->args && i < c->nargs; i++)
			if (c->args[i].word && !strcmp(c->args[i].word, argv[0])) {
				nsw_cmd_usage(o, c, u, sizeof u);
				nsw_fail("%s: missing %s (usage: nswitch %s)", what,
					 c->pos == NSW_POS_VM ? "VM" : "NIC", u);
			}
		nic = argv[0];
		argc--, argv++;
	} else if (c->pos == NSW_POS_NIC || c->pos == NSW_POS_VM) {
		nsw_cmd_usage(o, c, u, sizeof u);
		nsw_fail("usage: nswitch %s", u);
	}
	nsw_args_cli(c->args, c->args ? c->nargs : 0, argc, argv, v, what);
	c->func(nic, v);
	return 0;
}

int nsw_obj_run(const struct nsw_obj *o, int argc, char **argv)
{
	const struct nsw_cmd *c = o->cmds;
	if (!c->name) { /* the object is the command */
		if (argc >= 1 && !strcmp(argv[0], "help")) {
			nsw_help(stdout, o);
			return 0;
		}
		return nsw_cmd_exec(o, c, argc, argv);
	}
	char list[256];
	nsw_verbs_list(o, list, sizeof list);
	const char *verb = o->dflt;
	if (argc >= 1) {
		const char *words[NSW_VERBS_MAX + 1];
		unsigned n = 0;
		for (c = o->cmds; c->func; c++) {
			if (n + 3 > NSW_VERBS_MAX)
				nsw_fail("internal: %s has more than %d verbs", o->name, NSW_VERBS_MAX);
			words[n++] = c->name;
			if (c->alias)
				words[n++] = c->alias;
		}
		words[n++] = "help";
		words[n] = NULL;
		nsw_verb(&argv[0], words, o->name);
		verb = argv[0];
		argc--, argv++;
	}
	if (!verb)
		nsw_fail("%s: missing command: %s", o->name, list);
	if (!strcmp(verb, "help")) {
		nsw_help(stdout, o);
		return 0;
	}
	for (c = o->cmds; c->func; c++)
		if (!strcmp(verb, c->name) || (c->alias && !strcmp(verb, c->alias)))
			return nsw_cmd_exec(o, c, argc, argv);
	nsw_fail("%s: unknown command \"%s\": %s", o->name, verb, list);
}

struct nsw_nic nsw_scratch;

void nsw_core_fail(int err, const char *what)
{
	nsw_fail("%s: %s", what, nsw_strerror(err));
}

/* Whether the kernel would give a device this name (dev_valid_name): a follow NAME it would
 * refuse can never appear, and the PF or VF would wait for it forever. Its isspace also takes
 * 0xa0 (Latin-1's no-break space). */
static bool nsw_ifname_possible(const char *name)
{
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c == '/' || *c == ':' || *c == ' ' || (*c >= '\t' && *c <= '\r') || *c == 0xa0)
			return false;
	return true;
}

void nsw_vf_args_get(const struct nsw_arg_val *v, struct nsw_vf_args *a)
{
	*a = (struct nsw_vf_args){.qos = -1, .spoofchk = -1, .oui = -1, .miss_drop = -1,
				  .state = -1, .vlan = -1};
	a->have_pf = v[NSW_W_PF].set, a->pf = (unsigned)v[NSW_W_PF].u;
	a->have_vf = v[NSW_W_VF].set, a->vf = (unsigned)v[NSW_W_VF].u;
	a->dev = v[NSW_W_DEV].str;
	if (v[NSW_W_FOLLOW].set) {
		if (a->dev)
			nsw_fail("give dev DEV (a device there now) or follow NAME (now or when it "
				 "appears), not both");
		a->dev = v[NSW_W_FOLLOW].str, a->follow = true;
		if (!nsw_ifname_possible(a->dev))
			nsw_fail("follow \"%s\": no device can have that name (the kernel refuses \".\", "
				 "\"..\", and \"/\", \":\" or white space in one)", a->dev);
	}
	a->mac = v[NSW_W_MAC].u;
	if (v[NSW_W_QOS].set)
		a->qos = (int)v[NSW_W_QOS].u;
	if (v[NSW_W_SPOOFCHK].set)
		a->spoofchk = v[NSW_W_SPOOFCHK].u == 0; /* "on" */
	if (v[NSW_W_OUI].set) {
		char o[9];
		nsw_oui_format((uint32_t)v[NSW_W_OUI].u, o);
		if (!v[NSW_W_OUI].u || (v[NSW_W_OUI].u & 0x010000))
			nsw_fail("invalid OUI \"%s\": zero or multicast", o);
		a->oui = (long)v[NSW_W_OUI].u;
	}
	a->uplink = v[NSW_W_UPLINK].str;
	if (v[NSW_W_MISS].set)
		a->miss_drop = v[NSW_W_MISS].u == 1; /* "drop" */
	if (v[NSW_W_STATE].set)
		a->state = (int)v[NSW_W_STATE].u; /* the choices are in enum nsw_vf_state's order */
	if (v[NSW_W_PROTO].set && !v[NSW_W_VLAN].set)
		nsw_fail("proto is the port VLAN's: give it with \"vlan VID\"");
	if (v[NSW_W_VLAN].set)
		a->vlan = (int)v[NSW_W_VLAN].u;
	a->vlan_ad = v[NSW_W_PROTO].set && v[NSW_W_PROTO].u == 1; /* "802.1ad" */
}

void nsw_need_pf(const struct nsw_cli_nic *n, const struct nsw_vf_args *a, const char *cmd)
{
	if (!a->have_pf)
		nsw_fail("%s: missing \"pf P\"", cmd);
	if (!(n->st->pf[a->pf] & NSW_PF_EN))
		nsw_fail("%s: NIC %s has no PF %u (it has %u)", cmd, n->name, a->pf,
			 nsw_nic_num_pfs(n->st));
}

ino_t nsw_netns_ino(void)
{
	struct stat sb;
	return stat("/proc/self/ns/net", &sb) ? 0 : sb.st_ino;
}

void nsw_ifname(uint32_t ifi, char *dev)
{
	dev[0] = 0;
	if (ifi && !if_indextoname(ifi, dev))
		snprintf(dev, IF_NAMESIZE, "#%u", ifi);
}
