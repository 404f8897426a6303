/* nsw_batch.c - `nswitch -b FILE` (FILE "-": standard input): runs the commands of FILE, one per
 * line, as `ip -batch` does, and `-down`, which deletes the NICs they made (nswitch.service's
 * stop).
 *
 * The file is read and split into commands whole before the first one runs, so a syntax error
 * (an open quote, a here-document without its end) anywhere runs nothing. Each command then
 * runs in a child process, exactly as `nswitch WORDS...` would (main's nsw_run): the global
 * state of one command (-n's namespace entered, a NIC's lock, the scratch registers) never
 * leaks into the next, and a command's failure (nsw_fail, exit 1) ends only that child. Every
 * command is all-or-nothing by itself (nsw_cli.h), so when line N fails the lines before it
 * stay applied and line N changed nothing; the batch stops there (exit 1, the error prefixed
 * "FILE:LINE: ") unless -force, which goes on and exits 1 at the end.
 *
 * Syntax: blanks separate words; "double quotes" group them (\" and \\ inside); a word
 * starting with '#' starts a comment; a last word <<WORD makes the following lines, up to a
 * line that is exactly WORD, the command's standard input (how save writes ACL rule sets);
 * otherwise a command has none (/dev/null), and one that reads its rules from it refuses
 * (nsw_no_stdin) instead of taking no rules. A line starting with '-' is refused: global
 * options (-j, -n) are given once, before -b, and apply to every line. Used by nswitch.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsw_batch_words.h"
#include "nsw_save.h"

#define NSW_BATCH_WORDS 64

struct nsw_bcmd {
	size_t line;
	int argc;
	char *argv[NSW_BATCH_WORDS + 1];
	char *here; /* standard input, or NULL */
	size_t here_len;
};

static char *nsw_batch_read(const char *file, size_t *len)
{
	const bool in = !strcmp(file, "-");
	int fd = in ? 0 : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		nsw_fail("-b: cannot read %s: %s", file, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	for (;;) {
		if (buf && n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
		if (!buf)
			nsw_fail("-b: %s: out of memory", in ? "stdin" : file);
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			nsw_fail("-b: cannot read %s: %s", in ? "stdin" : file, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!in)
		close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
}

static bool nsw_here_word_ok(const char *d)
{
	if (!*d)
		return false;
	for (; *d; d++)
		if (!((*d >= 'A' && *d <= 'Z') || (*d >= 'a' && *d <= 'z') ||
		      (*d >= '0' && *d <= '9') || *d == '_'))
			return false;
	return true;
}

/* The commands of text[0..len); fails on the first line that is not one, naming it. */
static struct nsw_bcmd *nsw_batch_parse(const char *name, char *text, size_t len, unsigned *ncmd)
{
	struct nsw_bcmd *cmds = NULL;
	unsigned n = 0, cap = 0;
	size_t line = 0, i = 0;
	if (memchr(text, 0, len))
		nsw_fail("-b: %s: a NUL byte: not a text file", name);
	while (i < len) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		line++;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			cmds = realloc(cmds, cap * sizeof *cmds);
			if (!cmds)
				nsw_fail("-b: out of memory");
		}
		struct nsw_bcmd *c = &cmds[n];
		memset(c, 0, sizeof *c);
		c->line = line;
		bool lastq = false;
		const char *why = NULL;
		c->argc = nsw_bwords_split(text + i, e - i, c->argv, NSW_BATCH_WORDS, &lastq, &why);
		if (c->argc < 0)
			nsw_fail("%s:%zu: %s", name, line, why);
		i = e + 1;
		if (!c->argc)
			continue;
		if (c->argv[0][0] == '-')
			nsw_fail("%s:%zu: \"%s\": options go before -b and apply to every line", name,
				 line, c->argv[0]);
		char *last = c->argv[c->argc - 1];
		if (!lastq && !strncmp(last, "<<", 2)) {
			const char *delim = last + 2;
			if (!nsw_here_word_ok(delim))
				nsw_fail("%s:%zu: \"%s\": a here-document is <<WORD (letters, digits, _)",
					 name, line, last);
			c->argv[--c->argc] = NULL;
			size_t dl = strlen(delim), start = i;
			bool found = false;
			while (i < len) {
				e = i;
				while (e < len && text[e] != '\n')
					e++;
				line++;
				size_t ll = e - i;
				if (ll && text[e - 1] == '\r')
					ll--;
				if (ll == dl && !memcmp(text + i, delim, dl)) {
					found = true;
					c->here = text + start;
					c->here_len = i - start;
					i = e + 1;
					break;
				}
				i = e + 1;
			}
			if (!found)
				nsw_fail("%s:%zu: the here-document <<%s has no line \"%s\" to end it", name,
					 c->line, delim, delim);
		}
		n++;
	}
	*ncmd = n;
	return cmds;
}

/* Runs c in a child; true when it succeeded. */
static bool nsw_batch_run(const char *name, struct nsw_bcmd *c)
{
	char where[300];
	snprintf(where, sizeof where, "%s:%zu: ", name, c->line);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		nsw_fail("%sfork: %s", where, strerror(errno));
	if (pid == 0) {
		nsw_fail_where = where;
		int fd;
		if (c->here) {
			fd = memfd_create("nswitch-here", MFD_CLOEXEC);
			if (fd < 0 || write(fd, c->here, c->here_len) != (ssize_t)c->here_len ||
			    lseek(fd, 0, SEEK_SET))
				nsw_fail("here-document: %s", strerror(errno));
		} else {
			fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			nsw_no_stdin = true;
		}
		if (fd < 0 || dup2(fd, 0) < 0)
			nsw_fail("standard input: %s", strerror(errno));
		close(fd);
		exit(nsw_run(c->argc, c->argv));
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			nsw_fail("%swait: %s", where, strerror(errno));
	if (WIFEXITED(st))
		return WEXITSTATUS(st) == 0;
	/* The command's own all-or-nothing holds up to a kill too: the next command on that NIC
	 * finishes or undoes what it left (nsw_nic_repair, the staging sweep). */
	fprintf(stderr, "nswitch: %skilled by signal %d (%s)\n", where, WTERMSIG(st),
		strsignal(WTERMSIG(st)));
	return false;
}

/* Resolves an abbreviated word against words (as the CLI does); "" when it names none. */
static const char *nsw_batch_resolve(char *w, const char *const *words, const char *obj)
{
	char *arg = w;
	nsw_verb(&arg, words, obj);
	for (unsigned i = 0; words[i]; i++)
		if (!strcmp(arg, words[i]))
			return words[i];
	return "";
}

/* -down: the NICs the `nic add` lines make, deleted last first; one already gone is skipped. */
static int nsw_batch_down(const char *name, struct nsw_bcmd *cmds, unsigned n, bool force)
{
	const char *objs[32], *verbs[32];
	unsigned k = 0, bad = 0;
	for (const struct nsw_obj *o = nsw_objs; o->name && k < 30; o++)
		objs[k++] = o->name;
	objs[k++] = "help";
	objs[k] = NULL;
	k = 0;
	for (const struct nsw_cmd *c = nsw_cmds_nic; c->func && k < 29; c++) {
		verbs[k++] = c->name;
		if (c->alias)
			verbs[k++] = c->alias;
	}
	verbs[k] = NULL;
	for (unsigned i = n; i-- > 0;) {
		struct nsw_bcmd *c = &cmds[i];
		if (c->argc < 3 || strcmp(nsw_batch_resolve(c->argv[0], objs, "nswitch"), "nic") ||
		    strcmp(nsw_batch_resolve(c->argv[1], verbs, "nic"), "add"))
			continue;
		char path[300];
		struct stat sb;
		snprintf(path, sizeof path, NSW_PIN_ROOT "/%s", c->argv[2]);
		if (stat(path, &sb))
			continue;
		char *av[] = {"nic", "del", c->argv[2], NULL};
		struct nsw_bcmd del = {.line = c->line, .argc = 3};
		memcpy(del.argv, av, sizeof av);
		if (!nsw_batch_run(name, &del)) {
			bad++;
			if (!force)
				return 1;
		}
	}
	return bad ? 1 : 0;
}

int nsw_batch(const char *file, bool force, bool down)
{
	size_t len;
	unsigned n, bad = 0;
	const char *name = strcmp(file, "-") ? file : "stdin";
	char *text = nsw_batch_read(file, &len);
	struct nsw_bcmd *cmds = nsw_batch_parse(name, text, len, &n);
	if (down)
		return nsw_batch_down(name, cmds, n, force);
	for (unsigned i = 0; i < n; i++)
		if (!nsw_batch_run(name, &cmds[i])) {
			bad++;
			if (!force)
				return 1;
		}
	return bad ? 1 : 0;
}
