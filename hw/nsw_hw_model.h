/* nsw_hw_model.h - the C view of the RTL (hw/nsw_hw_decide.v) simulated by Verilator.
 *
 * Owns: one clock of the model with every port of nsw_hw_decide (or, built with
 * NSW_HW_STREAM, of nsw_hw_stream_top) as a plain C struct, so the differential harness
 * (hw/nsw_hw_diff.c) stays C. Only hw/nsw_hw_model.cpp implements it.
 * Invariant: nsw_hw_model_step samples the readies and the outputs before the rising edge
 * (what the handshakes see), then clocks once.
 */
#ifndef NSW_HW_MODEL_H
#define NSW_HW_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nsw_hw_io {
	/* inputs */
	uint8_t in_valid, in_kind, in_pf;
	uint16_t in_vf;
	uint8_t hdr[22]; /* first min(len, 22) octets, zero past len */
	uint16_t len;
	uint8_t wr_valid;
	uint16_t wr_addr;
	uint64_t wr_data;
	uint8_t out_ready;
	/* the byte-stream top (NSW_HW_STREAM): one 64-bit beat, octet 0 in the top byte; the
	 * ingress is in_kind/in_pf/in_vf; in_valid, hdr and len are not used */
	uint8_t s_valid, s_keep, s_last;
	uint64_t s_data;
	/* outputs, as they were just before the edge */
	uint8_t in_ready, wr_ready, out_valid;
	uint8_t s_ready, take; /* NSW_HW_STREAM: beat taken; a header taken by the decision */
	uint8_t action, ncase, reason, prio, pf, flood_mask, excl_pf, inter_pf;
	uint16_t vf, vlan;
};

/* Builds the model and holds reset for two clocks; returns 0 or -1. */
int nsw_hw_model_init(void);
void nsw_hw_model_step(struct nsw_hw_io *io);
void nsw_hw_model_fini(void);

#ifdef __cplusplus
}
#endif

#endif
