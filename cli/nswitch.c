/* nswitch.c - the nswitch CLI: object then verb, like ip and bpftool. Owns the global options
 * and the choice of object; the objects' command tables, the dispatch and the help are
 * cli/nsw_cmd.c's, each object's commands live in cli/nsw_cmd_OBJECT.c. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "nsw_cli.h"
#include "nsw_cmd.h"
#include "nsw_save.h"

/* libbpf's own warnings ("Exclusivity flag on" when a clsact exists, ...) are not errors of
 * ours: a failure reaches the user as nswitch's one line. NSW_DEBUG=1 shows them. */
static int nsw_libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	if (lvl == LIBBPF_WARN && getenv("NSW_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* "nic, pf, ..., lab or help" */
static void nsw_objs_list(char *buf, size_t len)
{
	size_t w = 0;
	buf[0] = 0;
	for (const struct nsw_obj *o = nsw_objs; o->name && w < len; o++)
		w += (size_t)snprintf(buf + w, len - w, "%s%s", w ? ", " : "", o->name);
	if (w < len)
		snprintf(buf + w, len - w, " or help");
}

/* Replaces *arg (a unique prefix of an object or "help") by the word; NULL for help. */
static const struct nsw_obj *nsw_obj_select(char **arg)
{
	const char *words[32];
	unsigned n = 0;
	char list[160];
	words[n++] = "help";
	for (const struct nsw_obj *o = nsw_objs; o->name && n < 31; o++)
		words[n++] = o->name;
	words[n] = NULL;
	nsw_verb(arg, words, "nswitch");
	if (!strcmp(*arg, "help"))
		return NULL;
	for (const struct nsw_obj *o = nsw_objs; o->name; o++)
		if (!strcmp(*arg, o->name))
			return o;
	nsw_objs_list(list, sizeof list);
	nsw_fail("unknown object \"%s\": %s", *arg, list);
}

int nsw_run(int argc, char **argv)
{
	const struct nsw_obj *o = nsw_obj_select(&argv[0]);
	int sub_argc = argc - 1;
	char **sub_argv = argv + 1;
	if (!o) { /* help [OBJECT] */
		if (sub_argc > 1)
			nsw_fail("help: unknown argument \"%s\"", sub_argv[1]);
		nsw_help(stdout, sub_argc ? nsw_obj_select(&sub_argv[0]) : NULL);
		return 0;
	}
	/* Commands that name devices resolve them in -n's namespace; a NIC with a namespace of its
	 * own enters it when opened. */
	if (o->in_netns && nsw_netns_opt)
		nsw_netns_enter(nsw_netns_opt);
	return nsw_obj_run(o, sub_argc, sub_argv);
}

int main(int argc, char **argv)
{
	int i = 1;
	char list[160];
	const char *batch = NULL;
	bool force = false, down = false;
	libbpf_set_print(nsw_libbpf_print);
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "-json")) {
			nsw_json = true;
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "-pretty")) {
			nsw_json = nsw_pretty = true;
		} else if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "-netns")) {
			if (i + 1 >= argc)
				nsw_fail("-n needs a network namespace");
			nsw_netns_opt = argv[++i];
		} else if (!strcmp(argv[i], "-b") || !strcmp(argv[i], "-batch")) {
			if (i + 1 >= argc)
				nsw_fail("-b needs a file (- for standard input)");
			batch = argv[++i];
		} else if (!strcmp(argv[i], "-force")) {
			force = true;
		} else if (!strcmp(argv[i], "-down")) {
			down = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			nsw_help(stdout, NULL);
			return 0;
		} else {
			nsw_fail("unknown option \"%s\" (nswitch help)", argv[i]);
		}
	}
	if (batch) {
		if (i < argc)
			nsw_fail("-b: the commands come from %s, not the command line (\"%s\")",
				 strcmp(batch, "-") ? batch : "standard input", argv[i]);
		return nsw_batch(batch, force, down);
	}
	if (force || down)
		nsw_fail("%s goes with -b", force ? "-force" : "-down");
	if (i >= argc) {
		nsw_objs_list(list, sizeof list);
		if (nsw_json)
			nsw_fail("missing object: %s", list);
		nsw_help(stderr, NULL);
		return 1;
	}
	return nsw_run(argc - i, argv + i);
}
