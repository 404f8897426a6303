# tests/suites.d/cni.sh - registers the unit tests of nswitch-cni's configuration, names,
# IPAM results and result/error JSON (tests/unit/test_cni.c), plain, clang and under
# ASan+UBSan. The plugin's integration test is tests/integ/test_cni.sh.
suite cni-unit build/cni_tests
suite cni-unit-clang build/cni_tests_clang
suite cni-unit-san build/cni_tests_san
