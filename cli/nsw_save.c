/* nsw_save.c - `nswitch save [NIC]`: prints the commands that recreate the NICs as they are now,
 * one per line in the CLI's own syntax without the leading "nswitch", which is what
 * `nswitch -b` reads (as `ip -batch` reads `ip` commands). It reads the real state (the NIC's
 * pinned maps through lib/, the qdiscs over netlink), never a copy of it.
 *
 * THE RULE for whoever adds state to nswitch:
 *   - Each object's command module (cli/nsw_cmd_OBJECT.c) owns the lines of its object, written
 *     by its one hook, the `save` field of its entry in nsw_objs (cli/nsw_cmd.c). The hooks run
 *     in nsw_objs' order (nic, pf, vf, ..., acl, mirror, qos), so a line only names what an
 *     earlier object's lines made.
 *   - A setting is saved by ONE nsw_save_word() call in its object's hook, beside the other
 *     words of its line. A VF setting goes in nsw_save_vf (cli/nsw_cmd_vf.c): on the `vf add`
 *     line when `vf add` takes the word, else on the `vf set` line written after it (which is
 *     written only when it has a word). A word may be left out when its value is the default
 *     the command gives anyway (qos 0, spoofchk on); identities (a vMAC) are always written.
 *   - A new object with state adds its hook to its nsw_objs entry, after the objects its
 *     lines name; one without state (fdb, stats, capture) has NULL there.
 *   - What a command prints back (show) and what save writes must round-trip: the integration
 *     test tests/integ/test_persist.sh compares every -j show before and after save / nic del /
 *     -b. A new setting belongs in the lab of that test.
 * Runtime state is not saved: counters, captures, the FDB (Table A is the VFs' vMACs, which
 * vf add makes again). A NIC is saved under its lock: one consistent snapshot. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsw_batch_words.h"
#include "nsw_save.h"

static void nsw_save_put(struct nsw_save *s, const char *w)
{
	char q[2 * NSW_SAVE_LINE + 3];
	nsw_bwords_quote(w, q, sizeof q);
	int k = snprintf(s->line + s->len, sizeof s->line - s->len, "%s%s", s->len ? " " : "", q);
	if (k < 0 || (size_t)k >= sizeof s->line - s->len)
		nsw_fail("save: a line longer than %d bytes", NSW_SAVE_LINE);
	s->len += (size_t)k;
}

void nsw_save_line(struct nsw_save *s, const char *words, const char *nic)
{
	s->len = 0;
	s->line[0] = 0;
	int k = snprintf(s->line, sizeof s->line, "%s", words); /* object and verb: bare words */
	s->len = (size_t)k;
	nsw_save_put(s, nic);
	s->mark = s->len;
}

void nsw_save_word(struct nsw_save *s, const char *word, const char *fmt, ...)
{
	nsw_save_put(s, word);
	if (!fmt)
		return;
	char v[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	nsw_save_put(s, v);
}

void nsw_save_mark(struct nsw_save *s)
{
	s->mark = s->len;
}

void nsw_save_end(struct nsw_save *s)
{
	fprintf(s->out, "%s\n", s->line);
}

void nsw_save_end_more(struct nsw_save *s)
{
	if (s->len > s->mark)
		nsw_save_end(s);
}

void nsw_save_end_here(struct nsw_save *s)
{
	fprintf(s->out, "%s <<" NSW_SAVE_HERE "\n", s->line);
}

void nsw_save_body(struct nsw_save *s, const char *text)
{
	fprintf(s->out, "%s\n", text);
}

void nsw_save_here_close(struct nsw_save *s)
{
	fputs(NSW_SAVE_HERE "\n", s->out);
}

/* One NIC, every object's hook in turn, under the NIC's lock: one consistent snapshot. The
 * lines go to a buffer first so that a NIC whose reading fails writes nothing but its error. */
static void nsw_save_one(const char *name)
{
	struct nsw_cli_nic n;
	char *buf = NULL;
	size_t len = 0;
	struct nsw_save s = {0};
	s.out = open_memstream(&buf, &len);
	if (!s.out)
		nsw_fail("save: %s", strerror(errno));
	nsw_nic_open(&n, name);
	fprintf(s.out, "# NIC %s\n", n.name);
	for (const struct nsw_obj *o = nsw_objs; o->name; o++)
		if (o->save)
			o->save(&n, &s);
	nsw_nic_close(&n);
	fclose(s.out);
	fwrite(buf, 1, len, stdout);
	free(buf);
}

static void nsw_save_cmd(const char *nic, const struct nsw_arg_val *args)
{
	char names[64][16];
	int bad = 0;
	(void)args;
	if (nsw_json)
		nsw_fail("save: writes commands, not JSON (no -j)");
	if (nic) {
		nsw_nic_name_check(nic);
		nsw_save_one(nic);
		return;
	}
	int nn = nsw_nic_list(names, 64);
	for (int i = 0; i < nn; i++) {
		/* Each NIC may live in another namespace: each from a fresh process, as nic show. */
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0)
			nsw_fail("fork: %s", strerror(errno));
		if (pid == 0) {
			nsw_save_one(names[i]);
			fflush(stdout);
			_exit(0);
		}
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		bad += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	/* A NIC that could not be read is not in the file: the file would not recreate it. */
	if (bad)
		nsw_fail("save: %d NIC%s could not be read (above); the output lacks %s", bad,
			 bad > 1 ? "s" : "", bad > 1 ? "them" : "it");
}

const struct nsw_cmd nsw_cmds_save[] = {
	{NULL, NULL, nsw_save_cmd, NSW_POS_NIC_OPT, NULL, 0,
	 "Print the commands that recreate NIC (or every NIC): nic add, pf set, vf add, acl\n"
	 "replace (rules in a here-document), mirror add, qos set, one per line, for -b:\n"
	 "nswitch save > /etc/nswitch/nswitch.conf; nswitch -b /etc/nswitch/nswitch.conf."},
	{0},
};
