// nsw_hw_decide.v - the nSwitch decision (core/nsw_decide.h) as a pipeline: one parsed header
// in and one verdict out per clock, four clocks from header to verdict.
//
// Owns: the full-rate schedule of the decision (the register map is nsw_hw_regs, the verdict
//  over the lookups nsw_hw_verdict; nsw_hw_decide_seq is the same decision at a quarter of the
//  rate in a quarter of the RAM and half the hashes, for an iCE40).
//  Stages: S0 parse (nsw_hw_parse, combinational on the input), S1 hashes and block-RAM reads
//  (Table A: four copies, one per bucket read, so the destination's and the source's two
//  buckets are read in the same clock; the ingress VF word and its port VLAN key word), S2 the
//  4-way compares and the reads of the destination VF's enable, port VLAN and link-down bits
//  and of its key word, S3 the decision over the PF words, S4 the verdict.
// Invariants:
//  - A write is taken only when S1..S3 hold no frame and no frame is taken in that clock:
//    every decision sees the state entirely before or entirely after each word, as if frames
//    and writes were applied one after another in the order they were accepted.
//  - After reset every word is zero (a clear sweep of the RAMs; the readies stay low meanwhile).
//  - A full output stalls the whole pipeline (out_ready low): nothing is lost or reordered.
// Parameters: TB bucket bits (Table A = 4 << TB entries; 11 is the core's), VB VF bits per PF
// (8 is the core's 256 VFs). Only TB = 11, VB = 8 is bit-exact with the core; smaller values
// serve the synthesis study.
// Who may touch it: hw/ only; every change must keep hw/nsw_hw_diff green against the core.
module nsw_hw_decide #(
	parameter TB = 11,
	parameter VB = 8
) (
	input  wire         clk,
	input  wire         rst,
	// a frame header: where it entered (kind 0: a VF, else a port) and its first 22 octets
	input  wire         in_valid,
	output wire         in_ready,
	input  wire [7:0]   in_kind,
	input  wire [7:0]   in_pf,
	input  wire [15:0]  in_vf,
	input  wire [175:0] in_hdr,
	input  wire [15:0]  in_len,
	// the register port
	input  wire         wr_valid,
	output wire         wr_ready,
	input  wire [15:0]  wr_addr,
	/* verilator lint_off UNUSEDSIGNAL */
	input  wire [63:0]  wr_data, // bits 59..62 of a slot are not kept: the core never sets them
	/* verilator lint_on UNUSEDSIGNAL */
	// the verdict (struct nsw_verdict)
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

	// ---- control: handshakes; the register map and the reset clear sweep ----
	reg s1_v, s2_v, s3_v;
	wire clr;
	wire adv = !out_valid || out_ready;
	assign in_ready = adv && !wr_valid && !clr;
	assign wr_ready = !clr && !s1_v && !s2_v && !s3_v;
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

	// ---- S0 -> S1: parse ----
	wire [47:0] p_dst, p_src;
	wire p_tag, p_c1;
	wire [2:0] p_pcp;
	wire [12:0] p_fvlan;
	wire [7:0] p_err;
	nsw_hw_parse parse (.hdr(in_hdr), .len(in_len), .dst(p_dst), .src(p_src), .tag(p_tag),
			    .pcp(p_pcp), .c1(p_c1), .fvlan(p_fvlan), .err(p_err));

	reg s1_port, s1_tag, s1_c1;
	reg [7:0] s1_pf, s1_err;
	reg [15:0] s1_vf;
	reg [47:0] s1_dst, s1_src;
	reg [2:0] s1_pcp;
	reg [12:0] s1_fvlan;
	always @(posedge clk) begin
		if (rst)
			s1_v <= 1'b0;
		else if (adv)
			s1_v <= take;
		if (adv) begin
			s1_port <= in_kind != 8'd0;
			s1_pf <= in_pf;
			s1_vf <= in_vf;
			s1_err <= p_err;
			s1_dst <= p_dst;
			s1_src <= p_src;
			s1_tag <= p_tag;
			s1_c1 <= p_c1;
			s1_fvlan <= p_fvlan;
			s1_pcp <= p_pcp;
		end
	end

	// ---- S1: hashes, RAM reads ----
	wire [TB-1:0] hd1, hd2, hs1, hs2;
	nsw_hw_hash #(.TB(TB)) hash_d (.mac(s1_dst), .h1(hd1), .h2(hd2));
	nsw_hw_hash #(.TB(TB)) hash_s (.mac(s1_src), .h1(hs1), .h2(hs2));
	wire [TB-1:0] rd_addr [0:3];
	assign rd_addr[0] = hd1;
	assign rd_addr[1] = hd2;
	assign rd_addr[2] = hs1;
	assign rd_addr[3] = hs2;

	wire [59:0] tbl [0:15]; // [copy*4 + way]
	genvar c, w;
	generate
		for (c = 0; c < 4; c = c + 1) begin : copy
			for (w = 0; w < 4; w = w + 1) begin : way
				nsw_hw_ram #(.AW(TB), .DW(60)) ram (
					.clk(clk),
					.we(slot_we[w]),
					.wa(slot_wa), .wd(slot_wd),
					.re(adv), .ra(rd_addr[c]), .rd(tbl[c * 4 + w]));
			end
		end
	endgenerate

	// VF words as kept: en, port VLAN, link down, spoof check, qos, vMAC; and (S2) the enable,
	// port VLAN and link-down bits alone for the destination's read. The port VLAN keys: one
	// copy for the ingress VF's (here), one for the destination's (S2).
	wire [VA-1:0] in_fa = {s1_pf[2:0], s1_vf[VB-1:0]};
	wire [54:0] vin;
	nsw_hw_ram #(.AW(VA), .DW(55)) vf_ram (.clk(clk), .we(vf_we), .wa(vf_wa), .wd(vf_wd),
		.re(adv), .ra(in_fa), .rd(vin));
	wire [51:0] ivw;
	nsw_hw_ram #(.AW(VA - 2), .DW(52)) ivl_ram (.clk(clk), .we(vl_we), .wa(vl_wa), .wd(vl_wd),
		.re(adv), .ra(in_fa[VA-1:2]), .rd(ivw));

	reg s2_port, s2_tag, s2_c1;
	reg [7:0] s2_pf, s2_err;
	reg [15:0] s2_vf;
	reg [47:0] s2_dst, s2_src;
	reg [2:0] s2_pcp;
	reg [12:0] s2_fvlan;
	always @(posedge clk) begin
		if (rst)
			s2_v <= 1'b0;
		else if (adv)
			s2_v <= s1_v;
		if (adv) begin
			s2_port <= s1_port;
			s2_pf <= s1_pf;
			s2_vf <= s1_vf;
			s2_err <= s1_err;
			s2_dst <= s1_dst;
			s2_src <= s1_src;
			s2_tag <= s1_tag;
			s2_c1 <= s1_c1;
			s2_fvlan <= s1_fvlan;
			s2_pcp <= s1_pcp;
		end
	end

	// ---- S2: 4-way compares (first match: bucket h1 ways 0..3, then h2), destination VF ----
	reg d_hit, s_hit;
	reg [2:0] d_pf;
	reg [7:0] d_vf;
	reg [59:0] e;
	integer k;
	always @* begin
		d_hit = 1'b0;
		d_pf = 3'd0;
		d_vf = 8'd0;
		for (k = 7; k >= 0; k = k - 1) begin
			e = tbl[k];
			if (e[59] && e[47:0] == s2_dst) begin
				d_hit = 1'b1;
				d_pf = e[58:56];
				d_vf = e[55:48];
			end
		end
		s_hit = 1'b0;
		for (k = 8; k < 16; k = k + 1) begin
			e = tbl[k];
			if (e[59] && e[47:0] == s2_src)
				s_hit = 1'b1;
		end
	end

	wire [VA-1:0] en_ra = {d_pf, d_vf[VB-1:0]};
	wire [2:0] dvin;
	nsw_hw_ram #(.AW(VA), .DW(3)) vfen_ram (.clk(clk), .we(vf_we), .wa(vf_wa), .wd(vf_wd[54:52]),
		.re(adv), .ra(en_ra), .rd(dvin));
	wire [51:0] dvw;
	nsw_hw_ram #(.AW(VA - 2), .DW(52)) dvl_ram (.clk(clk), .we(vl_we), .wa(vl_wa), .wd(vl_wd),
		.re(adv), .ra(en_ra[VA-1:2]), .rd(dvw));

	reg s3_port, s3_tag, s3_c1, s3_dhit, s3_shit;
	reg [7:0] s3_pf, s3_err;
	reg [15:0] s3_vf;
	reg [23:0] s3_doui; // the destination's OUI; bit 16 is its group bit
	reg [47:0] s3_src;
	reg [2:0] s3_pcp, s3_dpf;
	reg [7:0] s3_dvf;
	reg [12:0] s3_fvlan;
	reg [54:0] s3_vin;
	reg [51:0] s3_ivw;
	always @(posedge clk) begin
		if (rst)
			s3_v <= 1'b0;
		else if (adv)
			s3_v <= s2_v;
		if (adv) begin
			s3_port <= s2_port;
			s3_pf <= s2_pf;
			s3_vf <= s2_vf;
			s3_err <= s2_err;
			s3_doui <= s2_dst[47:24];
			s3_src <= s2_src;
			s3_tag <= s2_tag;
			s3_c1 <= s2_c1;
			s3_fvlan <= s2_fvlan;
			s3_pcp <= s2_pcp;
			s3_dhit <= d_hit;
			s3_shit <= s_hit;
			s3_dpf <= d_pf;
			s3_dvf <= d_vf;
			s3_vin <= vin;
			s3_ivw <= ivw;
		end
	end

	// ---- S3, S4: the decision over the PF words, registered into the verdict ----
	nsw_hw_verdict_reg #(.VB(VB)) verdict (.clk(clk), .rst(rst), .adv(adv), .v(s3_v),
		.pf_en(pf_en), .pf_md(pf_md), .pf_up(pf_up), .pf_ho(pf_ho), .pf_oui(pf_oui),
		.port(s3_port), .pf(s3_pf), .vf(s3_vf), .err(s3_err), .doui(s3_doui), .src(s3_src),
		.tag(s3_tag), .pcp(s3_pcp), .c1(s3_c1), .fvlan(s3_fvlan), .dhit(s3_dhit), .dpf(s3_dpf),
		.dvf(s3_dvf), .shit(s3_shit), .vin(s3_vin), .ivw(s3_ivw), .dvin(dvin), .dvw(dvw), .out_valid(out_valid), .out_action(out_action),
		.out_case(out_case), .out_reason(out_reason), .out_prio(out_prio), .out_pf(out_pf),
		.out_flood_mask(out_flood_mask), .out_excl_pf(out_excl_pf),
		.out_inter_pf(out_inter_pf), .out_vf(out_vf), .out_vlan(out_vlan));
endmodule
