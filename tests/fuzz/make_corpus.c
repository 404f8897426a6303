/* make_corpus.c - writes the seed corpus of fuzz_decide (tests/fuzz/corpus): one file per kind of
 * frame the parser and the decision distinguish. Run once; the seeds are kept in the repo. */
#include <stdio.h>

#include "../../lib/nsw_frames.h"

static void seed(const char *dir, const char *name, uint8_t port, uint8_t vf, uint64_t dst,
		 uint64_t src, struct nsw_tag_spec t0, struct nsw_tag_spec t1, uint16_t type,
		 unsigned cut)
{
	uint8_t buf[256];
	char path[512];
	buf[0] = port;
	buf[1] = vf;
	unsigned len = nsw_frame_build(buf + 2, sizeof buf - 2, dst, src, t0, t1, type, 46);
	if (cut && cut < len)
		len = cut;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(buf, 1, len + 2, fp) != len + 2) {
		perror(path);
		return;
	}
	fclose(fp);
}

int main(int argc, char **argv)
{
	const char *d = argc > 1 ? argv[1] : "tests/fuzz/corpus";
	uint64_t v01 = 0xf0f0f0000001ull, v02 = 0xf0f0f0000002ull;
	uint64_t ext = 0x001122334455ull, bc = 0xffffffffffffull;
	seed(d, "case0", 0, 1, v02, v01, NSW_NOTAG, NSW_NOTAG, 0x0800, 0);
	seed(d, "case1", 0, 1, ext, v01, NSW_NOTAG, NSW_NOTAG, 0x0800, 0);
	seed(d, "case2", 0x80, 0, v02, ext, NSW_NOTAG, NSW_NOTAG, 0x0800, 0);
	seed(d, "bcast", 0, 1, bc, v01, NSW_NOTAG, NSW_NOTAG, 0x0806, 0);
	seed(d, "ctag", 0, 1, v02, v01, NSW_CTAG(5, 10), NSW_NOTAG, 0x0800, 0);
	seed(d, "qinq", 0, 1, v02, v01, NSW_STAG(6, 10), NSW_CTAG(1, 20), 0x0800, 0);
	seed(d, "trunc_tag", 0, 1, v02, v01, NSW_CTAG(5, 10), NSW_NOTAG, 0x0800, 16);
	seed(d, "llc", 0, 1, v02, v01, NSW_NOTAG, NSW_NOTAG, 46, 0);
	seed(d, "runt", 0, 1, v02, v01, NSW_NOTAG, NSW_NOTAG, 0x0800, 9);
	return 0;
}
