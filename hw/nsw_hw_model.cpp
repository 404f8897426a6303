// nsw_hw_model.cpp - glue from the C harness to Verilator's C++ model of nsw_hw_decide, or
// with NSW_HW_STREAM of nsw_hw_stream_top (the byte-stream front end before it), or with
// NSW_HW_SEQ of nsw_hw_decide_seq (the iCE40 variant; the same ports).
// Owns: nothing but the translation of struct nsw_hw_io to the model's ports and the clock.
// The only C++ of the project; the harness itself is C (hw/nsw_hw_diff.c).
#ifdef NSW_HW_STREAM
#include "Vnsw_hw_stream_top.h"
typedef Vnsw_hw_stream_top nsw_hw_top;
#elif defined NSW_HW_SEQ
#include "Vnsw_hw_decide_seq.h"
typedef Vnsw_hw_decide_seq nsw_hw_top;
#else
#include "Vnsw_hw_decide.h"
typedef Vnsw_hw_decide nsw_hw_top;
#endif
#include "nsw_hw_model.h"
#include "verilated.h"

static VerilatedContext *nsw_ctx;
static nsw_hw_top *nsw_m;

static void nsw_tick(void)
{
	nsw_m->clk = 1;
	nsw_m->eval();
	nsw_m->clk = 0;
	nsw_m->eval();
}

extern "C" int nsw_hw_model_init(void)
{
	nsw_ctx = new VerilatedContext;
	nsw_m = new nsw_hw_top(nsw_ctx);
	if (!nsw_m)
		return -1;
	nsw_m->clk = 0;
	nsw_m->rst = 1;
#ifdef NSW_HW_STREAM
	nsw_m->s_valid = 0;
#else
	nsw_m->in_valid = 0;
#endif
	nsw_m->wr_valid = 0;
	nsw_m->out_ready = 1;
	nsw_m->eval();
	nsw_tick();
	nsw_tick();
	nsw_m->rst = 0;
	nsw_m->eval();
	return 0;
}

extern "C" void nsw_hw_model_step(struct nsw_hw_io *io)
{
#ifdef NSW_HW_STREAM
	nsw_m->s_valid = io->s_valid;
	nsw_m->s_data = io->s_data;
	nsw_m->s_keep = io->s_keep;
	nsw_m->s_last = io->s_last;
	nsw_m->s_kind = io->in_kind;
	nsw_m->s_pf = io->in_pf;
	nsw_m->s_vf = io->in_vf;
#else
	nsw_m->in_valid = io->in_valid;
	nsw_m->in_kind = io->in_kind;
	nsw_m->in_pf = io->in_pf;
	nsw_m->in_vf = io->in_vf;
	// in_hdr[175:0], octet 0 in the top byte: 32-bit word i holds bits 32i+31..32i
	for (int wi = 0; wi < 6; wi++) {
		uint32_t v = 0;
		for (int b = 0; b < 4; b++) {
			int bit = 32 * wi + 8 * b; // lowest bit of this byte
			int octet = 21 - bit / 8;
			if (octet >= 0)
				v |= (uint32_t)io->hdr[octet] << (8 * b);
		}
		nsw_m->in_hdr[wi] = v;
	}
	nsw_m->in_len = io->len;
#endif
	nsw_m->wr_valid = io->wr_valid;
	nsw_m->wr_addr = io->wr_addr;
	nsw_m->wr_data = io->wr_data;
	nsw_m->out_ready = io->out_ready;
	nsw_m->eval();
#ifdef NSW_HW_STREAM
	io->s_ready = nsw_m->s_ready;
	io->take = nsw_m->take;
#else
	io->in_ready = nsw_m->in_ready;
#endif
	io->wr_ready = nsw_m->wr_ready;
	io->out_valid = nsw_m->out_valid;
	io->action = nsw_m->out_action;
	io->ncase = nsw_m->out_case;
	io->reason = nsw_m->out_reason;
	io->prio = nsw_m->out_prio;
	io->pf = nsw_m->out_pf;
	io->flood_mask = nsw_m->out_flood_mask;
	io->excl_pf = nsw_m->out_excl_pf;
	io->inter_pf = nsw_m->out_inter_pf;
	io->vf = nsw_m->out_vf;
	io->vlan = nsw_m->out_vlan;
	nsw_tick();
}

extern "C" void nsw_hw_model_fini(void)
{
	nsw_m->final();
	delete nsw_m;
	delete nsw_ctx;
}
