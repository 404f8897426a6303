# bench/module.mk - build rules of bench/datapath: the datapath benchmark's
# BPF object, its skeleton and the nsw_bench tool; `make bench-datapath` runs the full
# benchmark (`make bench-datapath-quick`: < 2 min). Included by the top Makefile. Owned by the
# benchmark's owner; bench_decide/bench_sim rules live in the top Makefile and sim/module.mk.
ALL += $(B)/nsw_bench

$(B)/nsw_bench.bpf.o: bench/datapath/nsw_bench.bpf.c | $(B)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(B)/nsw_bench.skel.h: $(B)/nsw_bench.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name nsw_bench > $@
$(B)/nsw_bench: bench/datapath/nsw_bench.c $(B)/nsw_bench.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(B) $< $(LIBBPF_LIBS) -o $@

.PHONY: bench-datapath bench-datapath-quick
bench-datapath: $(B)/nsw_bench $(B)/nswitch
	$(Q)B=$(B) bash bench/datapath/run
bench-datapath-quick: $(B)/nsw_bench $(B)/nswitch
	$(Q)B=$(B) bash bench/datapath/run --quick

# The switching-CPU sampler and the UDP latency-under-load tool (bench/datapath/run, eval/).
ALL += $(B)/nsw_swcpu $(B)/nsw_udplat
$(B)/nsw_swcpu: bench/nsw_swcpu.c | $(B)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIBBPF_LIBS) -o $@
$(B)/nsw_udplat: bench/nsw_udplat.c | $(B)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@
