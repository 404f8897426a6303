# cni/module.mk - nswitch-cni, the CNI plugin (cni/nsw_cni.c: a container becomes a VF), its
# unit tests (plain, clang, ASan+UBSan; registered in tests/suites.d/cni.sh), and
# `make install-cni`, which installs it as `nswitch` in the CNI plugin directory.
CNI_SRC := cni/nsw_cni.c cni/nsw_cni_conf.c cni/nsw_cni_nl.c
CNI_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c) -lmnl
CNI_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
CNI_UNIT := tests/unit/test_cni.c tests/unit/nsw_test.c cni/nsw_cni_conf.c
$(B)/nswitch-cni: $(CNI_SRC) cni/nsw_cni.h | $(B)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(CNI_CFLAGS) $(CNI_SRC) $(CNI_LIBS) -o $@
$(B)/cni_tests: $(CNI_UNIT) cni/nsw_cni.h $(UNIT_H) | $(B)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(CNI_CFLAGS) $(CNI_UNIT) $(CNI_LIBS) -o $@
$(B)/cni_tests_clang: $(CNI_UNIT) cni/nsw_cni.h $(UNIT_H) | $(B)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(CFLAGS) $(CNI_CFLAGS) $(CNI_UNIT) $(CNI_LIBS) -o $@
$(B)/cni_tests_san: $(CNI_UNIT) cni/nsw_cni.h $(UNIT_H) | $(B)
	$(call msg,SAN,$@)
	$(Q)$(CLANG) $(CFLAGS) $(SAN) $(CNI_CFLAGS) $(CNI_UNIT) $(CNI_LIBS) -o $@
ALL += $(B)/nswitch-cni $(B)/cni_tests $(B)/cni_tests_clang $(B)/cni_tests_san

CNI_BIN_DIR ?= /opt/cni/bin
.PHONY: install-cni
install-cni: $(B)/nswitch-cni
	install -D -m 755 $(B)/nswitch-cni $(DESTDIR)$(CNI_BIN_DIR)/nswitch
