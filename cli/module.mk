# cli/module.mk - the CLI's view of a device's tc setup (cli/nsw_cli_tc.c: clsact, filters,
# nswitch's own filter by program id, over netlink), which the NIC life cycle uses to remove
# only what it made. Included by the Makefile after the CLI's rules; the nswitch recipe reads
# CLI_SRC when it runs.
CLI_SRC += cli/nsw_cli_tc.c
$(B)/nswitch: cli/nsw_cli_tc.c cli/nsw_cli_tc.h
