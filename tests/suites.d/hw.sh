# tests/suites.d/hw.sh - registers the hardware tier (tests/hw/run.sh: RTL lint, no latches,
# the differential test of the RTL against the core; about 15 s) with tests/run.
suite hw bash tests/hw/run.sh
