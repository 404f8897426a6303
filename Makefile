# nswitch - plain GNU Make. `make` builds everything into build/; `make check` runs every test
# tier (tests/run); `make demo` runs the demo; `make V=1` shows the commands.
# CC may be gcc or clang; BPF objects always use clang -target bpf.

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Icore
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
B       ?= build
ARCH_INC := -I/usr/include/$(shell uname -m)-linux-gnu
BPF_CFLAGS := -target bpf -O2 -g -ffreestanding -Wall -Wextra -Werror -Icore $(ARCH_INC) \
	-D__TARGET_ARCH_x86

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2);
endif

CORE_H   := $(wildcard core/*.h)
BPF_H    := $(wildcard bpf/*.h)
CORE_SRC := core/nsw_ctl.c core/nsw_acl_ctl.c
UNIT_SRC := tests/unit/nsw_test.c tests/unit/test_core.c tests/unit/test_acl.c tests/unit/test_args.c \
	cli/nsw_args.c cli/nsw_cli_words.c
UNIT_H   := $(wildcard tests/unit/*.h) $(wildcard lib/*.h) cli/nsw_args.h cli/nsw_cli_words.h

.PHONY: all core core-bpf unit check demo bench clean fuzz deps
UNIT_SRC += tests/unit/test_acl_l4.c
UNIT_SRC += tests/unit/test_args_tables.c
UNIT_SRC += tests/unit/test_vf_state.c
UNIT_SRC += tests/unit/test_vlan.c
UNIT_SRC += tests/unit/test_flood.c
# Modules (sim/, eval/, ...) add their build products to ALL in their own module.mk.
ALL := core core-bpf unit $(B)/test_bpf $(B)/test_bpf_datapath $(B)/test_bpf_acl $(B)/test_bpf_vlan $(B)/core_demo $(B)/nswitch $(B)/nswitch-lab $(B)/nsw_rawsend $(B)/nsw_tapvm
all: build-all

$(B):
	$(Q)mkdir -p $(B)

# The portable core, natively (gcc or clang) ...
$(B)/libnswcore.a: $(CORE_SRC) $(CORE_H) | $(B)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c core/nsw_ctl.c -o $(B)/nsw_ctl.o
	$(Q)$(CC) $(CFLAGS) -c core/nsw_acl_ctl.c -o $(B)/nsw_acl_ctl.o
	$(Q)ar rcs $@ $(B)/nsw_ctl.o $(B)/nsw_acl_ctl.o
core: $(B)/libnswcore.a

# The user-space library (lib/): map access over the data path's key layouts, the ACL
# installer. The CLI, the BPF tests and the benchmarks link it.
LIB_SRC := $(wildcard lib/*.c)
LIB_H   := $(wildcard lib/*.h)
$(B)/libnsw.a: $(LIB_SRC) $(LIB_H) $(CORE_H) $(BPF_H) | $(B)
	$(call msg,CC,$@)
	$(Q)for f in $(LIB_SRC); do $(CC) $(CFLAGS) -c $$f -o $(B)/lib_$$(basename $$f .c).o || exit 1; done
	$(Q)ar rcs $@ $(patsubst lib/%.c,$(B)/lib_%.o,$(LIB_SRC))

# ... and for BPF: the decision compiled by clang -target bpf, checked by the verifier in the
# BPF test tier (tests/bpf).
$(B)/nsw_probe.bpf.o: tests/bpf/nsw_probe.bpf.c $(CORE_H) $(BPF_H) | $(B)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(B)/nsw_probe.skel.h: $(B)/nsw_probe.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name nsw_probe > $@
core-bpf: $(B)/nsw_probe.bpf.o

# The data path.
$(B)/nsw_tc.bpf.o: bpf/nsw_tc.bpf.c $(CORE_H) $(BPF_H) | $(B)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibpf -c $< -o $@
$(B)/nsw_tc.skel.h: $(B)/nsw_tc.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name nsw_tc > $@

# Drops at the VFs' devices (a tracing program beside the data path, sharing its counters).
$(B)/nsw_rxdrop.bpf.o: bpf/nsw_rxdrop.bpf.c $(CORE_H) $(BPF_H) | $(B)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibpf -c $< -o $@
$(B)/nsw_rxdrop.skel.h: $(B)/nsw_rxdrop.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name nsw_rxdrop > $@

LIBBPF_LIBS := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
$(B)/test_bpf: tests/bpf/test_probe.c tests/unit/nsw_test.c $(B)/nsw_probe.skel.h $(UNIT_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(B) tests/bpf/test_probe.c tests/unit/nsw_test.c $(B)/libnswcore.a \
		$(LIBBPF_LIBS) -o $@
$(B)/test_bpf_datapath: tests/bpf/test_datapath.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/nsw_tc.skel.h $(UNIT_H) $(BPF_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(B) tests/bpf/test_datapath.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/libnswcore.a \
		$(LIBBPF_LIBS) -o $@

$(B)/test_bpf_acl: tests/bpf/test_acl_dp.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/nsw_tc.skel.h $(UNIT_H) $(BPF_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(B) tests/bpf/test_acl_dp.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/libnswcore.a \
		$(LIBBPF_LIBS) -o $@

$(B)/test_bpf_vf_state: tests/bpf/test_vf_state_dp.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/nsw_tc.skel.h $(UNIT_H) $(BPF_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(B) tests/bpf/test_vf_state_dp.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/libnswcore.a \
		$(LIBBPF_LIBS) -o $@
ALL += $(B)/test_bpf_vf_state

$(B)/test_bpf_flood: tests/bpf/test_flood_dp.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/nsw_tc.skel.h $(UNIT_H) $(BPF_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(B) tests/bpf/test_flood_dp.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/libnswcore.a \
		$(LIBBPF_LIBS) -o $@
ALL += $(B)/test_bpf_flood

$(B)/test_bpf_vlan: tests/bpf/test_vlan_dp.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/nsw_tc.skel.h $(UNIT_H) $(BPF_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(B) tests/bpf/test_vlan_dp.c tests/unit/nsw_test.c $(B)/libnsw.a $(B)/libnswcore.a \
		$(LIBBPF_LIBS) -o $@

# Unit tests: with $(CC), with the other compiler, and under ASan+UBSan.
$(B)/unit_tests: $(UNIT_SRC) $(UNIT_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(UNIT_SRC) $(B)/libnswcore.a -o $@
$(B)/unit_tests_clang: $(UNIT_SRC) $(UNIT_H) $(CORE_SRC) $(CORE_H) | $(B)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(CFLAGS) $(UNIT_SRC) $(CORE_SRC) -o $@
$(B)/unit_tests_san: $(UNIT_SRC) $(UNIT_H) $(CORE_SRC) $(CORE_H) | $(B)
	$(call msg,SAN,$@)
	$(Q)$(CLANG) $(CFLAGS) $(SAN) $(UNIT_SRC) $(CORE_SRC) -o $@
unit: $(B)/unit_tests $(B)/unit_tests_clang $(B)/unit_tests_san $(B)/harness_selftest

# The harness's own proof that a failing CHECK fails (tests/harness/selftest.sh runs it).
$(B)/harness_selftest: tests/harness/selftest.c tests/unit/nsw_test.c tests/unit/nsw_test.h | $(B)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) tests/harness/selftest.c tests/unit/nsw_test.c -o $@

# The fuzzer (libFuzzer, with ASan and UBSan) over parser and decision.
$(B)/fuzz_decide: tests/fuzz/fuzz_decide.c $(UNIT_H) $(CORE_SRC) $(CORE_H) | $(B)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		tests/fuzz/fuzz_decide.c $(CORE_SRC) -o $@
$(B)/fuzz_args: tests/fuzz/fuzz_args.c cli/nsw_args.c cli/nsw_cli_words.c cli/nsw_args.h cli/nsw_cli_words.h $(CORE_SRC) $(CORE_H) | $(B)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		tests/fuzz/fuzz_args.c cli/nsw_args.c cli/nsw_cli_words.c $(CORE_SRC) -o $@
# ... and over the ACL rule text: refused, or read back the same from what acl show prints.
$(B)/fuzz_acl_parse: tests/fuzz/fuzz_acl_parse.c cli/nsw_acl_text.c cli/nsw_acl_text.h $(CORE_SRC) $(CORE_H) | $(B)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		tests/fuzz/fuzz_acl_parse.c cli/nsw_acl_text.c $(CORE_SRC) -o $@
fuzz: $(B)/fuzz_decide $(B)/fuzz_args $(B)/fuzz_acl_parse

$(B)/bench_decide: bench/bench_decide.c $(CORE_SRC) $(CORE_H) | $(B)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -O3 -march=native bench/bench_decide.c $(CORE_SRC) -o $@
$(B)/bench_features: bench/bench_features.c $(B)/libnsw.a $(B)/nsw_tc.skel.h $(B)/nsw_bench.skel.h $(B)/libnswcore.a $(UNIT_H) $(BPF_H)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(B) bench/bench_features.c $(B)/libnsw.a \
		$(B)/libnswcore.a $(LIBBPF_LIBS) -o $@
$(B)/nsw_lineprof: bench/nsw_lineprof.c | $(B)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIBBPF_LIBS) -o $@
bench: $(B)/bench_decide $(B)/bench_features $(B)/nsw_lineprof

# The CLI.
CLI_SRC := cli/nswitch.c cli/nsw_args.c cli/nsw_cli_words.c cli/nsw_cli_util.c cli/nsw_nic.c \
	cli/nsw_cmd.c cli/nsw_cmd_nic.c cli/nsw_cmd_pf.c cli/nsw_cmd_vf.c cli/nsw_cmd_fdb.c \
	cli/nsw_cmd_stats.c cli/nsw_cmd_acl.c cli/nsw_cmd_mirror.c cli/nsw_cmd_capture.c \
	cli/nsw_cmd_lab.c cli/nsw_acl_text.c cli/nsw_cli_life.c cli/nsw_cli_rxdrop.c \
	cli/nsw_cli_path.c
$(B)/nswitch: $(CLI_SRC) cli/nsw_cli.h cli/nsw_cmd.h cli/nsw_acl_text.h $(B)/libnsw.a $(B)/nsw_tc.skel.h \
		$(B)/nsw_rxdrop.skel.h $(B)/libnswcore.a $(BPF_H)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(B) $(CLI_SRC) $(B)/libnsw.a $(B)/libnswcore.a $(LIBBPF_LIBS) -lmnl -lpcap -o $@
$(B)/nswitch-lab: cli/nswitch-lab.sh | $(B)
	$(Q)install -m 755 $< $@

# QoS: its module (CLI_SRC, read by the nswitch recipe when it runs) and the classifier of a
# VF's rate, which `qos set` loads.
CLI_SRC += cli/nsw_cmd_qos.c cli/nsw_qos_nl.c
$(B)/nswitch: cli/nsw_cmd_qos.c cli/nsw_qos_nl.c cli/nsw_qos_nl.h $(B)/nsw_qos_cls.skel.h
$(B)/nsw_qos.bpf.o: bpf/nsw_qos.bpf.c bpf/nsw_qos.h | $(B)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibpf -c $< -o $@
$(B)/nsw_qos_cls.skel.h: $(B)/nsw_qos.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name nsw_qos_cls > $@

# Tools the integration tests run inside namespaces.
$(B)/nsw_rawsend: tests/tools/nsw_rawsend.c $(B)/libnswcore.a $(UNIT_H)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(B)/libnswcore.a -o $@
$(B)/nsw_tapvm: tests/tools/nsw_tapvm.c $(B)/libnswcore.a $(UNIT_H)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(B)/libnswcore.a -o $@

$(B)/core_demo: demo/core_demo.c $(B)/libnswcore.a $(CORE_H)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) demo/core_demo.c $(B)/libnswcore.a -o $@

include $(wildcard */module.mk)

build-all: $(ALL)

deps:
	$(Q)bash scripts/deps.sh

check: deps all fuzz
	$(Q)bash tests/run

demo: deps all
	$(Q)bash demo/demo.sh

clean:
	rm -rf $(B)
