// nsw_hw_decide_seq.v - the nSwitch decision (core/nsw_decide.h) in a quarter of the RAM ports
// and half the hash logic of nsw_hw_decide: one decision every 4 clocks, for an iCE40.
//
// Owns: the time-multiplexed schedule of the decision. Same ports, register map (nsw_hw_regs),
//  verdict logic (nsw_hw_verdict) and verdicts as nsw_hw_decide; only the schedule differs:
//  ONE hash unit (h1, h2 of one MAC per clock) and ONE copy of Table A (4 ways, one bucket read
//  per clock), so a frame's four bucket reads take four clocks.
//  Stages (all advance together; a full output stalls them all):
//   F  the parsed header (nsw_hw_parse on the input, registered); clock 1 hashes the
//      destination (registered), clock 2 the source, which goes straight into R with the frame
//      (F waits there while R is busy, and takes the next header as it hands this one on);
//   R  four clocks k = 0..3 reading buckets h1(dst), h2(dst), h1(src), h2(src); each bucket is
//      compared the clock after its read (destination: the first match in h1 ways 0..3, then
//      h2, as nsw_fdb_find); k = 0 also reads the ingress VF word and its port VLAN key word;
//   C  the compare of the last bucket (the source's h2) and the reads of the destination VF's
//      enable, port VLAN and link-down bits and of its key word (the address is the Table A
//      entry);
//   D  the decision over the PF words (nsw_hw_verdict), into the verdict register.
//  Header to verdict: 9 clocks; a new header every 4 clocks back to back.
// Invariants:
//  - A write is taken only when F, R, C and D hold no frame and no frame is taken in that
//    clock: every decision sees each word wholly before or wholly after it, as if frames and
//    writes were applied one after another in the order they were accepted.
//  - The one comparator set serves R (k = 1..3: the buckets read at k = 0..2) and C (the
//    bucket read at R's k = 3); R holds no bucket data at k = 0, so they never collide.
//  - After reset every word is zero (a clear sweep of the RAMs; the readies stay low meanwhile).
// Parameters: as nsw_hw_decide (TB bucket bits, VB VF bits per PF; only 11, 8 is the core).
// Who may touch it: hw/ only; every change must keep hw/nsw_hw_diff_seq green against the core.
module nsw_hw_decide_seq #(
	parameter TB = 11,
	parameter VB = 8
) (
	input  wire         clk,
	input  wire         rst,
	input  wire         in_valid,
	output wire         in_ready,
	input  wire [7:0]   in_kind,
	input  wire [7:0]   in_pf,
	input  wire [15:0]  in_vf,
	input  wire [175:0] in_hdr,
	input  wire [15:0]  in_len,
	input  wire         wr_valid,
	output wire         wr_ready,
	input  wire [15:0]  wr_addr,
	input  wire [63:0]  wr_data,
	output wire          out_valid,
	input  wire         out_ready,
	output wire  [1:0]   out_action,
	output wire  [1:0]   out_case,
	output wire  [7:0]   out_reason,
	output wire  [2:0]   out_prio,
	output wire  [7:0]   out_pf,
	output wire  [7:0]   out_flood_mask,
	output wire  [7:0]   out_excl_pf,
	output wire          out_inter_pf,
	output wire  [15:0]  out_vf,
	output wire  [15:0]  out_vlan
);
	localparam VA = VB + 3;              // VF RAM address bits

	// ---- control ----
	reg f_v, f_hc, r_v, c_v, d_v;
	reg [1:0] r_k;
	wire clr;
	wire adv = !out_valid || out_ready;
	wire r_free = !r_v || r_k == 2'd3;
	wire f_go = f_v && f_hc && r_free;
	assign in_ready = adv && !wr_valid && !clr && (!f_v || f_go);
	assign wr_ready = !clr && !f_v && !r_v && !c_v && !d_v;
	wire take = in_valid && in_ready;
	wire wr_fire = wr_valid && wr_ready;

	wire [7:0] pf_en, pf_md, pf_up, pf_ho;
	wire [191:0] pf_oui;
	wire [3:0] slot_we;
	wire [TB-1:0] slot_wa;
	wire [59:0] slot_wd;
	wire vf_we;
	wire [VA-1:0] vf_wa;
	wire [54:0] vf_wd;
	wire vl_we;
	wire [VA-3:0] vl_wa;
	wire [51:0] vl_wd;
	nsw_hw_regs #(.TB(TB), .VB(VB)) regs (.clk(clk), .rst(rst), .wr_fire(wr_fire),
		.wr_addr(wr_addr), .wr_data(wr_data), .clr(clr), .pf_en(pf_en), .pf_md(pf_md),
		.pf_up(pf_up), .pf_ho(pf_ho), .pf_oui(pf_oui), .slot_we(slot_we), .slot_wa(slot_wa),
		.slot_wd(slot_wd), .vf_we(vf_we), .vf_wa(vf_wa), .vf_wd(vf_wd), .vl_we(vl_we),
		.vl_wa(vl_wa), .vl_wd(vl_wd));

	// ---- F: the parsed header, the hash unit ----
	wire [47:0] p_dst, p_src;
	wire p_tag, p_c1;
	wire [2:0] p_pcp;
	wire [12:0] p_fvlan;
	wire [7:0] p_err;
	nsw_hw_parse parse (.hdr(in_hdr), .len(in_len), .dst(p_dst), .src(p_src), .tag(p_tag),
			    .pcp(p_pcp), .c1(p_c1), .fvlan(p_fvlan), .err(p_err));

	reg f_port, f_tag, f_c1;
	reg [7:0] f_pf, f_err;
	reg [15:0] f_vf;
	reg [12:0] f_fvlan;
	reg [47:0] f_dst, f_src;
	reg [2:0] f_pcp;
	reg [TB-1:0] f_hd1, f_hd2;
	wire [TB-1:0] h1, h2;
	nsw_hw_hash #(.TB(TB)) hash (.mac(f_hc ? f_src : f_dst), .h1(h1), .h2(h2));
	always @(posedge clk) begin
		if (rst)
			f_v <= 1'b0;
		else if (adv) begin
			if (f_go)
				f_v <= 1'b0;
			if (take)
				f_v <= 1'b1;
		end
		if (adv) begin
			if (f_v && !f_hc) begin
				f_hd1 <= h1;
				f_hd2 <= h2;
				f_hc <= 1'b1;
			end
			if (take) begin
				f_hc <= 1'b0;
				f_port <= in_kind != 8'd0;
				f_pf <= in_pf;
				f_vf <= in_vf;
				f_err <= p_err;
				f_dst <= p_dst;
				f_src <= p_src;
				f_tag <= p_tag;
				f_c1 <= p_c1;
				f_fvlan <= p_fvlan;
				f_pcp <= p_pcp;
			end
		end
	end

	// ---- R: one bucket read per clock from the one Table A copy ----
	reg r_port, r_tag, r_c1;
	reg [7:0] r_pf, r_err;
	reg [15:0] r_vf;
	reg [12:0] r_fvlan;
	reg [47:0] r_dst, r_src;
	reg [2:0] r_pcp;
	reg [TB-1:0] r_hd1, r_hd2, r_hs1, r_hs2;
	reg r_dhit;
	reg [2:0] r_dpf;
	reg [7:0] r_dvf;
	reg [TB-1:0] ra;
	always @* begin
		case (r_k)
		2'd0: ra = r_hd1;
		2'd1: ra = r_hd2;
		2'd2: ra = r_hs1;
		default: ra = r_hs2;
		endcase
	end

	wire [59:0] tbl [0:3];
	genvar w;
	generate
		for (w = 0; w < 4; w = w + 1) begin : way
			nsw_hw_ram #(.AW(TB), .DW(60)) ram (.clk(clk), .we(slot_we[w]), .wa(slot_wa),
				.wd(slot_wd), .re(adv), .ra(ra), .rd(tbl[w]));
		end
	endgenerate

	wire [VA-1:0] in_fa = {r_pf[2:0], r_vf[VB-1:0]};
	wire [54:0] vin;
	nsw_hw_ram #(.AW(VA), .DW(55)) vf_ram (.clk(clk), .we(vf_we), .wa(vf_wa), .wd(vf_wd),
		.re(adv && r_v && r_k == 2'd0), .ra(in_fa), .rd(vin));
	wire [51:0] ivw;
	nsw_hw_ram #(.AW(VA - 2), .DW(52)) ivl_ram (.clk(clk), .we(vl_we), .wa(vl_wa), .wd(vl_wd),
		.re(adv && r_v && r_k == 2'd0), .ra(in_fa[VA-1:2]), .rd(ivw));

	// the bucket read last clock against its MAC: the first matching way
	reg [47:0] c_src;
	wire [47:0] cmp_mac = r_v && (r_k == 2'd1 || r_k == 2'd2) ? r_dst : r_v && r_k == 2'd3 ? r_src : c_src;
	reg m_hit;
	reg [2:0] m_pf;
	reg [7:0] m_vf;
	reg [59:0] e;
	integer k;
	always @* begin
		m_hit = 1'b0;
		m_pf = 3'd0;
		m_vf = 8'd0;
		for (k = 3; k >= 0; k = k - 1) begin
			e = tbl[k];
			if (e[59] && e[47:0] == cmp_mac) begin
				m_hit = 1'b1;
				m_pf = e[58:56];
				m_vf = e[55:48];
			end
		end
	end

	always @(posedge clk) begin
		if (rst)
			r_v <= 1'b0;
		else if (adv) begin
			if (r_v && r_k == 2'd3)
				r_v <= 1'b0;
			if (f_go)
				r_v <= 1'b1;
		end
		if (adv) begin
			r_k <= r_k + 2'd1;
			if (r_v && r_k == 2'd1) begin // the destination's h1 bucket
				r_dhit <= m_hit;
				r_dpf <= m_pf;
				r_dvf <= m_vf;
			end
			if (r_v && r_k == 2'd2 && !r_dhit) begin // then its h2 bucket
				r_dhit <= m_hit;
				r_dpf <= m_pf;
				r_dvf <= m_vf;
			end
			if (f_go) begin
				r_k <= 2'd0;
				r_port <= f_port;
				r_pf <= f_pf;
				r_vf <= f_vf;
				r_err <= f_err;
				r_dst <= f_dst;
				r_src <= f_src;
				r_tag <= f_tag;
				r_c1 <= f_c1;
				r_fvlan <= f_fvlan;
				r_pcp <= f_pcp;
				r_hd1 <= f_hd1;
				r_hd2 <= f_hd2;
				r_hs1 <= h1;
				r_hs2 <= h2;
			end
		end
	end

	// ---- C: the source's h2 bucket, the destination VF's enable bit ----
	reg c_port, c_tag, c_c1, c_dhit, c_shit;
	reg [7:0] c_pf, c_err;
	reg [15:0] c_vf;
	reg [12:0] c_fvlan;
	reg [23:0] c_doui;
	reg [2:0] c_pcp, c_dpf;
	reg [7:0] c_dvf;
	always @(posedge clk) begin
		if (rst)
			c_v <= 1'b0;
		else if (adv)
			c_v <= r_v && r_k == 2'd3;
		if (adv) begin
			c_port <= r_port;
			c_pf <= r_pf;
			c_vf <= r_vf;
			c_err <= r_err;
			c_doui <= r_dst[47:24];
			c_src <= r_src;
			c_tag <= r_tag;
			c_c1 <= r_c1;
			c_fvlan <= r_fvlan;
			c_pcp <= r_pcp;
			c_dhit <= r_dhit;
			c_dpf <= r_dpf;
			c_dvf <= r_dvf;
			c_shit <= m_hit; // at R's k = 3: the source's h1 bucket
		end
	end
	wire [VA-1:0] d_fa = {c_dpf, c_dvf[VB-1:0]};
	wire [2:0] dvin;
	nsw_hw_ram #(.AW(VA), .DW(3)) vfen_ram (.clk(clk), .we(vf_we), .wa(vf_wa), .wd(vf_wd[54:52]),
		.re(adv), .ra(d_fa), .rd(dvin));
	wire [51:0] dvw;
	nsw_hw_ram #(.AW(VA - 2), .DW(52)) dvl_ram (.clk(clk), .we(vl_we), .wa(vl_wa), .wd(vl_wd),
		.re(adv), .ra(d_fa[VA-1:2]), .rd(dvw));

	// ---- D: the decision over the PF words ----
	reg d_port, d_tag, d_c1, d_dhit, d_shit;
	reg [7:0] d_pf, d_err;
	reg [15:0] d_vf;
	reg [12:0] d_fvlan;
	reg [23:0] d_doui;
	reg [47:0] d_src;
	reg [2:0] d_pcp, d_dpf;
	reg [7:0] d_dvf;
	reg [54:0] d_vin;
	reg [51:0] d_ivw;
	always @(posedge clk) begin
		if (rst)
			d_v <= 1'b0;
		else if (adv)
			d_v <= c_v;
		if (adv) begin
			d_port <= c_port;
			d_pf <= c_pf;
			d_vf <= c_vf;
			d_err <= c_err;
			d_doui <= c_doui;
			d_src <= c_src;
			d_tag <= c_tag;
			d_c1 <= c_c1;
			d_fvlan <= c_fvlan;
			d_pcp <= c_pcp;
			d_dhit <= c_dhit;
			d_dpf <= c_dpf;
			d_dvf <= c_dvf;
			d_shit <= c_shit || m_hit;
			d_vin <= vin;
			d_ivw <= ivw;
		end
	end

	// the decision over the PF words, registered into the verdict
	nsw_hw_verdict_reg #(.VB(VB)) verdict (.clk(clk), .rst(rst), .adv(adv), .v(d_v),
		.pf_en(pf_en), .pf_md(pf_md), .pf_up(pf_up), .pf_ho(pf_ho), .pf_oui(pf_oui),
		.port(d_port), .pf(d_pf), .vf(d_vf), .err(d_err), .doui(d_doui), .src(d_src),
		.tag(d_tag), .pcp(d_pcp), .c1(d_c1), .fvlan(d_fvlan), .dhit(d_dhit), .dpf(d_dpf),
		.dvf(d_dvf), .shit(d_shit), .vin(d_vin), .ivw(d_ivw), .dvin(dvin), .dvw(dvw), .out_valid(out_valid), .out_action(out_action),
		.out_case(out_case), .out_reason(out_reason), .out_prio(out_prio), .out_pf(out_pf),
		.out_flood_mask(out_flood_mask), .out_excl_pf(out_excl_pf),
		.out_inter_pf(out_inter_pf), .out_vf(out_vf), .out_vlan(out_vlan));
endmodule
