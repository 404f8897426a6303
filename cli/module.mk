# cli/module.mk - the CLI's view of a device's tc setup (cli/nsw_cli_tc.c: clsact, filters,
# nswitch's own filter by program id, over netlink), which the NIC life cycle uses to remove
# only what it made. Included by the Makefile after the CLI's rules; the nswitch recipe reads
# CLI_SRC when it runs.
CLI_SRC += cli/nsw_cli_tc.c
$(B)/nswitch: cli/nsw_cli_tc.c cli/nsw_cli_tc.h

# The one print path of every command's results (text and -j JSON from one call per field),
# and its unit test.
CLI_SRC += cli/nsw_print.c
$(B)/nswitch: cli/nsw_print.c cli/nsw_print.h
UNIT_SRC += tests/unit/test_print.c cli/nsw_print.c
$(B)/unit_tests $(B)/unit_tests_clang $(B)/unit_tests_san: tests/unit/test_print.c cli/nsw_print.c cli/nsw_print.h

# Configuration that persists: `nswitch save` (each object's lines from its own hook) and
# `nswitch -b FILE`, the batch that reads them back.
CLI_SRC += cli/nsw_save.c cli/nsw_batch.c
$(B)/nswitch: cli/nsw_save.c cli/nsw_batch.c cli/nsw_save.h
# ... and the words of a batch line, pure, with their unit test.
CLI_SRC += cli/nsw_batch_words.c
$(B)/nswitch: cli/nsw_batch_words.c cli/nsw_batch_words.h
UNIT_SRC += tests/unit/test_batch_words.c cli/nsw_batch_words.c
$(B)/unit_tests $(B)/unit_tests_clang $(B)/unit_tests_san: tests/unit/test_batch_words.c cli/nsw_batch_words.c cli/nsw_batch_words.h
# A VF's link state on its device and the uplinks' carrier followed (vf add/set state, pf set,
# pf watch).
CLI_SRC += cli/nsw_vf_link.c
$(B)/nswitch: cli/nsw_vf_link.c cli/nsw_vf_link.h
# A VF's device followed by name (the names map, the checks, the resync) and the watcher that
# runs the resync on rtnetlink link events, one process per NIC.
CLI_SRC += cli/nsw_vf_dev.c cli/nsw_watch.c
# ... and a PF's uplink followed the same way (the names map, the checks, the resync).
CLI_SRC += cli/nsw_pf_dev.c
$(B)/nswitch: cli/nsw_pf_dev.c
$(B)/nswitch: cli/nsw_vf_dev.c cli/nsw_watch.c
