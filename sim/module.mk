# sim/module.mk - nswitch-sim: the simulator, its tests (plain and ASan+UBSan) and
# its benchmark. Included by the top Makefile; see docs/sim.md.
SIM_SRC := sim/nsw_sim_pcie.c sim/nsw_sim_routes.c sim/nsw_sim_model.c sim/nsw_sim_report.c \
	sim/nsw_sim_scn.c sim/nsw_sim_rack.c
SIM_H   := $(wildcard sim/*.h) lib/nsw_frames.h
SIM_TEST_SRC := $(wildcard tests/sim/*.c) tests/unit/nsw_test.c
SIM_TEST_H := $(wildcard tests/sim/*.h) $(wildcard tests/unit/*.h)
# -ffp-contract=off: no fused multiply-add even where -march allows one (the benchmark), so
# a run gives the same results whatever the build
SIM_CFLAGS = $(CFLAGS) -Isim -ffp-contract=off

ALL += $(B)/nswitch-sim $(B)/sim_tests $(B)/sim_tests_san

$(B)/nswitch-sim: sim/nsw_sim_main.c $(SIM_SRC) $(SIM_H) $(CORE_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(SIM_CFLAGS) -O2 sim/nsw_sim_main.c $(SIM_SRC) $(B)/libnswcore.a -lm -o $@

$(B)/sim_tests: $(SIM_TEST_SRC) $(SIM_SRC) $(SIM_H) $(SIM_TEST_H) $(CORE_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(SIM_CFLAGS) -O2 $(SIM_TEST_SRC) $(SIM_SRC) $(B)/libnswcore.a -lm -o $@

$(B)/sim_tests_san: $(SIM_TEST_SRC) $(SIM_SRC) $(SIM_H) $(SIM_TEST_H) $(CORE_SRC) $(CORE_H) | $(B)
	$(call msg,SAN,$@)
	$(Q)$(CLANG) $(SIM_CFLAGS) -O1 -DNSW_SIM_SAN $(SAN) $(SIM_TEST_SRC) $(SIM_SRC) \
		$(CORE_SRC) -lm -o $@

# Functions and loops aligned: without, where the hot code falls moved the figure by up to 9%
# (a one-line change of an inlined function, its instruction one byte longer, read 0.90 of the
# build before in 30 alternated pairs; aligned, 1.00), which is more than most changes measured
$(B)/bench_sim: bench/bench_sim.c $(SIM_SRC) $(SIM_H) $(CORE_H) $(B)/libnswcore.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(SIM_CFLAGS) -O3 -march=native -falign-functions=64 -falign-loops=32 \
		bench/bench_sim.c $(SIM_SRC) \
		$(B)/libnswcore.a -lm -o $@
bench: $(B)/bench_sim
