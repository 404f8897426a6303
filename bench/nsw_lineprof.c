/* nsw_lineprof.c - where a loaded BPF program spends its samples, by source line: the program's
 * JIT line info (bpf_prog_info.jited_line_info, one JIT address per line-info record) turns the
 * addresses of `perf script` samples into file:line and the source text. perf annotate cannot
 * do it on this machine (no libopcodes for BPF), bpftool cannot dump JIT code (no libbfd).
 *
 *   nsw_lineprof lines PROG_ID > LINES     the line table, while the program is loaded:
 *                                          "function offset file:line source" per record
 *   perf script -F ip,sym,symoff | nsw_lineprof map LINES [N]
 *                                          per function of the program, the N (default 25)
 *                                          source lines with the most samples, and shares
 *
 * bench/datapath/profile runs both around the small-packet test. Line info of optimised code is
 * approximate: a line's samples can include code merged into it, and a cache miss is charged
 * to the first instruction that waits for it. A tool of the benchmark: it reads, never
 * changes, the program. Needs root (BPF object ids). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#define NSW_LP_MAX_LINES 65536
#define NSW_LP_MAX_FUNCS 64

static int nsw_lp_die(const char *what)
{
	fprintf(stderr, "nsw_lineprof: %s: %s\n", what, strerror(errno));
	return 1;
}

static int nsw_lp_lines(unsigned id)
{
	int fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return nsw_lp_die("no such program");
	struct bpf_prog_info info = {0};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return nsw_lp_die("program info");
	__u32 nli = info.nr_line_info, njli = info.nr_jited_line_info, nks = info.nr_jited_ksyms;
	__u32 nfn = info.nr_func_info, btf_id = info.btf_id;
	if (!nli || nli != njli || !nks) {
		fprintf(stderr,
			"nsw_lineprof: program %u has no JIT line info (not JITed, or no BTF)\n",
			id);
		return 1;
	}
	struct bpf_line_info *li = calloc(nli, sizeof *li);
	__u64 *jli = calloc(njli, sizeof *jli), *ks = calloc(nks, sizeof *ks);
	struct bpf_func_info *fi = calloc(nfn ? nfn : 1, sizeof *fi);
	if (!li || !jli || !ks || !fi)
		return nsw_lp_die("memory");
	memset(&info, 0, sizeof info);
	info.nr_line_info = nli;
	info.line_info_rec_size = sizeof *li;
	info.line_info = (__u64)(unsigned long)li;
	info.nr_jited_line_info = njli;
	info.jited_line_info_rec_size = sizeof *jli;
	info.jited_line_info = (__u64)(unsigned long)jli;
	info.nr_jited_ksyms = nks;
	info.jited_ksyms = (__u64)(unsigned long)ks;
	info.nr_func_info = nfn;
	info.func_info_rec_size = sizeof *fi;
	info.func_info = (__u64)(unsigned long)fi;
	len = sizeof info;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return nsw_lp_die("program line info");
	struct btf *btf = btf__load_from_kernel_by_id(btf_id);
	if (!btf)
		return nsw_lp_die("program BTF");
	for (__u32 k = 0; k < njli; k++) {
		/* The function a record belongs to: the last ksym at or below its address. */
		__u32 f = 0;
		for (__u32 q = 0; q < nks; q++)
			if (ks[q] <= jli[k] && ks[q] >= ks[f])
				f = q;
		const char *fname = "?";
		if (f < nfn) {
			const struct btf_type *t = btf__type_by_id(btf, fi[f].type_id);
			if (t)
				fname = btf__name_by_offset(btf, t->name_off);
		}
		const char *file = btf__name_by_offset(btf, li[k].file_name_off);
		const char *src = btf__name_by_offset(btf, li[k].line_off);
		const char *base = file ? strrchr(file, '/') : NULL;
		base = base ? base + 1 : (file ? file : "?");
		while (src && (*src == ' ' || *src == '\t'))
			src++;
		printf("%s %llx %s:%u %s\n", fname, (unsigned long long)(jli[k] - ks[f]), base,
		       BPF_LINE_INFO_LINE_NUM(li[k].line_col), src ? src : "");
	}
	return 0;
}

struct nsw_lp_line {
	char func[64];
	unsigned long long off;
	char *where; /* "file:line source" */
	unsigned long samples;
};

struct nsw_lp_func {
	char name[64];
	unsigned long samples;
};

static int nsw_lp_cmp_off(const void *a, const void *b)
{
	const struct nsw_lp_line *x = a, *y = b;
	int c = strcmp(x->func, y->func);
	return c ? c : (x->off > y->off) - (x->off < y->off);
}

static int nsw_lp_cmp_samples(const void *a, const void *b)
{
	const struct nsw_lp_line *x = *(struct nsw_lp_line *const *)a;
	const struct nsw_lp_line *y = *(struct nsw_lp_line *const *)b;
	return (x->samples < y->samples) - (x->samples > y->samples);
}

static int nsw_lp_map(const char *path, int top)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return nsw_lp_die(path);
	static struct nsw_lp_line lines[NSW_LP_MAX_LINES];
	static struct nsw_lp_func funcs[NSW_LP_MAX_FUNCS];
	int n = 0, nf = 0;
	char buf[1024];
	while (n < NSW_LP_MAX_LINES && fgets(buf, sizeof buf, f)) {
		char func[64];
		unsigned long long off;
		int used = 0;
		if (sscanf(buf, "%63s %llx %n", func, &off, &used) < 2)
			continue;
		buf[strcspn(buf, "\n")] = 0;
		snprintf(lines[n].func, sizeof lines[n].func, "%s", func);
		lines[n].off = off;
		lines[n].where = strdup(buf + used);
		n++;
	}
	fclose(f);
	qsort(lines, (size_t)n, sizeof *lines, nsw_lp_cmp_off);
	unsigned long other = 0, total = 0;
	while (fgets(buf, sizeof buf, stdin)) {
		/* "ffffffffc00268e4 bpf_prog_<tag>_<func>+0x1a" */
		char *p = strstr(buf, "bpf_prog_");
		total++;
		if (!p) {
			other++;
			continue;
		}
		p += strlen("bpf_prog_");
		char *us = strchr(p, '_'), *plus = us ? strstr(us, "+0x") : NULL;
		if (!us || !plus) {
			other++;
			continue;
		}
		char func[64];
		snprintf(func, sizeof func, "%.*s", (int)(plus - us - 1), us + 1);
		unsigned long long off = strtoull(plus + 3, NULL, 16);
		struct nsw_lp_line *best = NULL;
		for (int i = 0; i < n; i++)
			if (!strcmp(lines[i].func, func) && lines[i].off <= off)
				best = &lines[i];
		if (!best) {
			other++;
			continue;
		}
		best->samples++;
		int k = 0;
		while (k < nf && strcmp(funcs[k].name, func))
			k++;
		if (k == nf && nf < NSW_LP_MAX_FUNCS)
			snprintf(funcs[nf++].name, sizeof funcs[0].name, "%s", func);
		if (k < nf)
			funcs[k].samples++;
	}
	if (!total) {
		fprintf(stderr,
			"nsw_lineprof: no samples on stdin (perf script -F ip,sym,symoff)\n");
		return 1;
	}
	static struct nsw_lp_line *order[NSW_LP_MAX_LINES];
	for (int k = 0; k < nf; k++) {
		printf("%s: %lu samples, %.1f%% of all\n", funcs[k].name, funcs[k].samples,
		       100.0 * (double)funcs[k].samples / (double)total);
		/* One entry per source line: a line inlined or scheduled in several places sums. */
		int m = 0;
		for (int i = 0; i < n; i++) {
			if (!lines[i].samples || strcmp(lines[i].func, funcs[k].name))
				continue;
			int j = 0;
			while (j < m && strcmp(order[j]->where, lines[i].where))
				j++;
			if (j < m) {
				order[j]->samples += lines[i].samples;
				lines[i].samples = 0;
			} else {
				order[m++] = &lines[i];
			}
		}
		qsort(order, (size_t)m, sizeof *order, nsw_lp_cmp_samples);
		for (int i = 0; i < m && i < top; i++)
			printf("  %5.1f%%  %.100s\n",
			       100.0 * (double)order[i]->samples / (double)funcs[k].samples,
			       order[i]->where);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "lines"))
		return nsw_lp_lines((unsigned)strtoul(argv[2], NULL, 10));
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "map"))
		return nsw_lp_map(argv[2], argc == 4 ? atoi(argv[3]) : 25);
	fprintf(stderr, "usage: nsw_lineprof lines PROG_ID > LINES\n"
			"       perf script -F ip,sym,symoff | nsw_lineprof map LINES [N]\n");
	return 2;
}
