/* nsw_save.h - `nswitch save` and `nswitch -b` (cli/nsw_save.c, cli/nsw_batch.c): the lines a
 * save writes are commands in the CLI's own syntax, which the batch reader runs back. Each
 * object's command module contributes its lines through the one hook of its struct nsw_obj
 * (nsw_cmd.h); the helpers here write words, quoted where the batch reader needs it. Used by
 * cli/ only. */
#ifndef NSW_SAVE_H
#define NSW_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "nsw_cli.h"
#include "nsw_cmd.h"

#define NSW_SAVE_LINE 4096
#define NSW_SAVE_HERE "EOF" /* the delimiter of the here-documents save writes */

struct nsw_save {
	FILE *out;
	char line[NSW_SAVE_LINE];
	size_t len, mark;
};

/* Starts the line "WORDS NIC": WORDS is the object and verb ("vf add"). */
void nsw_save_line(struct nsw_save *s, const char *words, const char *nic);
/* Appends " word VALUE" (fmt NULL: the word alone); the value is quoted when it must be. */
__attribute__((format(printf, 3, 4))) void nsw_save_word(struct nsw_save *s, const char *word,
							  const char *fmt, ...);
/* Remembers the line's length: nsw_save_end_more writes the line only if words came after. */
void nsw_save_mark(struct nsw_save *s);
void nsw_save_end(struct nsw_save *s);
void nsw_save_end_more(struct nsw_save *s);
/* Ends the line with a here-document (" <<EOF"): the lines nsw_save_body writes are the
 * command's standard input, up to nsw_save_here_close's "EOF". */
void nsw_save_end_here(struct nsw_save *s);
void nsw_save_body(struct nsw_save *s, const char *text);
void nsw_save_here_close(struct nsw_save *s);

/* The hooks of the objects that have state to save (nsw_objs' save field). Each runs with the
 * NIC open (locked, in its namespace) and writes only lines of its own object. */
void nsw_save_nic(struct nsw_cli_nic *n, struct nsw_save *s);
void nsw_save_pf(struct nsw_cli_nic *n, struct nsw_save *s);
void nsw_save_vf(struct nsw_cli_nic *n, struct nsw_save *s);
void nsw_save_acl(struct nsw_cli_nic *n, struct nsw_save *s);
void nsw_save_mirror(struct nsw_cli_nic *n, struct nsw_save *s);
void nsw_save_qos(struct nsw_cli_nic *n, struct nsw_save *s);

/* The save object: `nswitch save [NIC]`. */
extern const struct nsw_cmd nsw_cmds_save[];

/* nswitch -b FILE ("-": standard input). force: go on past a failing line (the exit status is
 * still 1); down: instead of running the lines, delete the NICs their `nic add` lines make. */
int nsw_batch(const char *file, bool force, bool down);
/* Runs one command: argv[0] is the object (main's and the batch's common path). */
int nsw_run(int argc, char **argv);

#endif
