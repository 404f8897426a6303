/* test_print.c - the CLI's print path (cli/nsw_print.c): one call per field gives the text and
 * the JSON; an absent field is "none" in the text and no key in the JSON; separators and -p
 * indentation; a member written by a forked child. */
#include <stdlib.h>

#include "../../cli/nsw_print.h"
#include "nsw_test.h"

static char got[1024];

/* Runs the same prints once as text and once as JSON (pretty or not) into got. */
static void capture(void (*shape)(void), bool json, bool pretty)
{
	FILE *fp = tmpfile();
	nsw_json = json;
	nsw_pretty = pretty;
	nsw_print_to(fp);
	shape();
	nsw_print_end();
	size_t n = 0;
	if (fp) {
		rewind(fp);
		n = fread(got, 1, sizeof got - 1, fp);
		fclose(fp);
	}
	got[n] = 0;
	nsw_print_to(NULL);
	nsw_json = nsw_pretty = false;
}

static void vf_line(void)
{
	nsw_print_arr_open(NULL);
	for (unsigned v = 1; v <= 2; v++) {
		nsw_print_obj_open(NULL);
		nsw_print_uint(NSW_PR_ANY, "pf", "vf %llu", 0);
		nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", v);
		nsw_print_str(NSW_PR_ANY, "dev", " dev %s", v == 1 ? "vm1" : NULL);
		nsw_print_onoff(NSW_PR_ANY, "spoofchk", " spoofchk %s", v == 1);
		nsw_print_uint(NSW_PR_JSON, "json_only_structure", "%llu", 7);
		nsw_print_text("\n");
		nsw_print_obj_close();
	}
	nsw_print_arr_close();
}

NSW_TEST(print_one_call_two_forms)
{
	capture(vf_line, false, false);
	CHECK(!strcmp(got, "vf 0,1 dev vm1 spoofchk on\nvf 0,2 dev none spoofchk off\n"));
	capture(vf_line, true, false);
	CHECK(!strcmp(got, "[{\"pf\":0,\"vf\":1,\"dev\":\"vm1\",\"spoofchk\":true,\"json_only_structure\":7},"
			   "{\"pf\":0,\"vf\":2,\"spoofchk\":false,\"json_only_structure\":7}]\n"));
}

static void nested(void)
{
	nsw_print_obj_open(NULL);
	nsw_print_str(NSW_PR_ANY, "nic", "nic %s\n", "a\"b");
	nsw_print_arr_open("empty");
	nsw_print_arr_close();
	nsw_print_arr_open("prio");
	nsw_print_uint(NSW_PR_ANY, NULL, " %llu", 3);
	nsw_print_uint(NSW_PR_ANY, NULL, " %llx", 255);
	nsw_print_arr_close();
	nsw_print_obj_close();
}

NSW_TEST(print_pretty_nested_and_escaped)
{
	capture(nested, true, true);
	CHECK(!strcmp(got, "{\n  \"nic\": \"a\\\"b\",\n  \"empty\": [],\n  \"prio\": [\n    3,\n    255\n  ]\n}\n"));
	capture(nested, false, false);
	CHECK(!strcmp(got, "nic a\"b\n 3 ff"));
}

static void forked(void)
{
	nsw_print_arr_open(NULL);
	nsw_print_obj_open(NULL); /* as the child writes it */
	nsw_print_obj_close();
	nsw_print_arr_close();
}

NSW_TEST(print_member_written_by_another_process)
{
	/* The parent learns that a child wrote the first member: the next one gets its comma. */
	FILE *fp = tmpfile();
	CHECK(fp);
	nsw_json = true;
	nsw_print_to(fp);
	nsw_print_arr_open(NULL);
	fputs("{}", fp); /* the child's object */
	nsw_print_member_written();
	nsw_print_obj_open(NULL);
	nsw_print_obj_close();
	nsw_print_arr_close();
	nsw_print_end();
	rewind(fp);
	size_t n = fread(got, 1, sizeof got - 1, fp);
	got[n] = 0;
	fclose(fp);
	nsw_print_to(NULL);
	nsw_json = false;
	CHECK(!strcmp(got, "[{},{}]\n"));
	capture(forked, true, false); /* and the writer starts clean after an end */
	CHECK(!strcmp(got, "[{}]\n"));
}
