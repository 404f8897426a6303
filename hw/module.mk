# hw/module.mk - the nSwitch decision in RTL (hw/*.v): the differential test against the core
# (Verilator), the lint, the synthesis study. Included by the top Makefile; see docs/hw.md.
# Not part of `make all`: it needs verilator/yosys/nextpnr (scripts/deps.sh installs them);
# tests/hw/run.sh builds it and skips when a tool is missing.
HW_V := hw/nsw_hw_decide.v hw/nsw_hw_regs.v hw/nsw_hw_verdict.v hw/nsw_hw_verdict_reg.v hw/nsw_hw_parse.v hw/nsw_hw_hash.v \
	hw/nsw_hw_ram.v
VERILATOR ?= verilator

.PHONY: hw hw-lint hw-diff hw-diff-1m hw-diff-seq-1m hw-synth hw-synth-seq

$(B)/hw/nsw_hw_diff: $(HW_V) hw/nsw_hw_model.cpp hw/nsw_hw_model.h hw/nsw_hw_diff.c $(CORE_H) \
		lib/nsw_fixture.h lib/nsw_frames.h $(B)/libnswcore.a
	$(call msg,VERILATE,$@)
	$(Q)mkdir -p $(B)/hw && rm -f $@ # verilator's make would not relink for a new object
	$(Q)$(CC) $(CFLAGS) -O2 -c hw/nsw_hw_diff.c -o $(B)/hw/nsw_hw_diff.o
	$(Q)$(VERILATOR) --cc --exe --build -O3 -Wall -j 2 --Mdir $(B)/hw/obj --top-module nsw_hw_decide \
		-CFLAGS "-O2 -I$(abspath hw)" -o $(abspath $@) $(HW_V) $(abspath hw/nsw_hw_model.cpp) \
		$(abspath $(B)/hw/nsw_hw_diff.o) $(abspath $(B)/libnswcore.a) >$(B)/hw/verilator.log 2>&1 \
		|| { tail -30 $(B)/hw/verilator.log; exit 1; }

HW_STREAM_V := hw/nsw_hw_stream_top.v hw/nsw_hw_stream.v $(HW_V)
$(B)/hw/nsw_hw_diff_stream: $(HW_STREAM_V) hw/nsw_hw_model.cpp hw/nsw_hw_model.h hw/nsw_hw_diff.c \
		$(CORE_H) lib/nsw_fixture.h lib/nsw_frames.h $(B)/libnswcore.a
	$(call msg,VERILATE,$@)
	$(Q)mkdir -p $(B)/hw && rm -f $@
	$(Q)$(CC) $(CFLAGS) -O2 -DNSW_HW_STREAM -c hw/nsw_hw_diff.c -o $(B)/hw/nsw_hw_diff_stream.o
	$(Q)$(VERILATOR) --cc --exe --build -O3 -Wall -j 2 --Mdir $(B)/hw/obj_stream \
		--top-module nsw_hw_stream_top -CFLAGS "-O2 -DNSW_HW_STREAM -I$(abspath hw)" -o $(abspath $@) \
		$(HW_STREAM_V) $(abspath hw/nsw_hw_model.cpp) $(abspath $(B)/hw/nsw_hw_diff_stream.o) \
		$(abspath $(B)/libnswcore.a) >$(B)/hw/verilator_stream.log 2>&1 \
		|| { tail -30 $(B)/hw/verilator_stream.log; exit 1; }

# the iCE40 variant: one hash unit, one Table A copy, a decision every 4 clocks
HW_SEQ_V := hw/nsw_hw_decide_seq.v $(HW_V)
$(B)/hw/nsw_hw_diff_seq: $(HW_SEQ_V) hw/nsw_hw_model.cpp hw/nsw_hw_model.h hw/nsw_hw_diff.c \
		$(CORE_H) lib/nsw_fixture.h lib/nsw_frames.h $(B)/libnswcore.a
	$(call msg,VERILATE,$@)
	$(Q)mkdir -p $(B)/hw && rm -f $@
	$(Q)$(CC) $(CFLAGS) -O2 -DNSW_HW_SEQ -c hw/nsw_hw_diff.c -o $(B)/hw/nsw_hw_diff_seq.o
	$(Q)$(VERILATOR) --cc --exe --build -O3 -Wall -j 2 --Mdir $(B)/hw/obj_seq \
		--top-module nsw_hw_decide_seq -CFLAGS "-O2 -DNSW_HW_SEQ -I$(abspath hw)" -o $(abspath $@) \
		$(HW_SEQ_V) $(abspath hw/nsw_hw_model.cpp) $(abspath $(B)/hw/nsw_hw_diff_seq.o) \
		$(abspath $(B)/libnswcore.a) >$(B)/hw/verilator_seq.log 2>&1 \
		|| { tail -30 $(B)/hw/verilator_seq.log; exit 1; }

hw: $(B)/hw/nsw_hw_diff $(B)/hw/nsw_hw_diff_stream $(B)/hw/nsw_hw_diff_seq

hw-lint:
	$(Q)$(VERILATOR) --lint-only -Wall --top-module nsw_hw_decide $(HW_V)
	$(Q)iverilog -g2005 -Wall -Wno-sensitivity-entire-array -o /dev/null $(HW_V)
	$(Q)$(VERILATOR) --lint-only -Wall --top-module nsw_hw_hash_stage hw/nsw_hw_hash_stage.v hw/nsw_hw_hash.v
	$(Q)$(VERILATOR) --lint-only -Wall --top-module nsw_hw_stream_top $(HW_STREAM_V)
	$(Q)iverilog -g2005 -Wall -Wno-sensitivity-entire-array -o /dev/null $(HW_STREAM_V)
	$(Q)$(VERILATOR) --lint-only -Wall --top-module nsw_hw_seq_ice40 hw/nsw_hw_seq_ice40.v $(HW_SEQ_V)
	$(Q)iverilog -g2005 -Wall -Wno-sensitivity-entire-array -s nsw_hw_seq_ice40 -o /dev/null \
		hw/nsw_hw_seq_ice40.v $(HW_SEQ_V)

hw-diff: $(B)/hw/nsw_hw_diff
	$(Q)$(B)/hw/nsw_hw_diff -n 200000

hw-diff-1m: $(B)/hw/nsw_hw_diff
	$(Q)$(B)/hw/nsw_hw_diff -n 1000000

hw-diff-seq-1m: $(B)/hw/nsw_hw_diff_seq
	$(Q)$(B)/hw/nsw_hw_diff_seq -n 1000000

hw-synth:
	$(Q)bash hw/synth.sh

hw-synth-seq:
	$(Q)bash hw/synth_seq.sh
