// nsw_hw_decide.v - the nSwitch decision (core/nsw_decide.h) as a pipeline: one parsed header
// in and one verdict out per clock, four clocks from header to verdict.
//
// Owns: the hardware register map of the NIC state and the decision over it.
//  Register port: word addresses are the 64-bit word indexes of struct nsw_nic, so the words
//  core/nsw_ctl.c stores are written here unchanged: 0..7 PF words, 8 + pf*256 + vf VF words,
//  2056 + bucket*4 + way Table A slots. Other addresses (the control side's count) are
//  ignored. Only the bits the decision reads are kept.
//  Stages: S0 parse (nsw_hw_parse, combinational on the input), S1 hashes and block-RAM reads
//  (Table A: four copies, one per bucket read, so the destination's and the source's two
//  buckets are read in the same clock; the ingress VF word), S2 the 4-way compares and the
//  read of the destination VF's enable bit, S3 the decision over the PF words, S4 the verdict.
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
	output reg          out_valid,
	input  wire         out_ready,
	output reg  [1:0]   out_action,
	output reg  [1:0]   out_case,
	output reg  [7:0]   out_reason,
	output reg  [2:0]   out_prio,
	output reg  [7:0]   out_pf,
	output reg  [7:0]   out_flood_mask,
	output reg  [7:0]   out_excl_pf,
	output reg          out_inter_pf,
	output reg  [15:0]  out_vf
);
	localparam NB = 1 << TB;
	localparam VA = VB + 3;              // VF RAM address bits
	localparam CW = TB > VA ? TB : VA;   // clear sweep counter bits
	localparam [15:0] VF_BASE = 16'd8, FDB_BASE = 16'd2056;
	localparam [1:0] ACT_DROP = 2'd0, ACT_VF = 2'd1, ACT_UPLINK = 2'd2, ACT_FLOOD = 2'd3;
	localparam [7:0] PF_DOWN = 8'd7, VF_DOWN = 8'd8, SPOOF = 8'd9, SELF = 8'd10,
		FDB_MISS = 8'd11, RX_MISS = 8'd12, NO_UPLINK = 8'd13, LOOP = 8'd14;
	localparam [7:0] NONE = 8'hff;

	// ---- control: reset clear sweep, handshakes ----
	reg clr;
	reg [CW-1:0] clr_i;
	reg s1_v, s2_v, s3_v;
	wire adv = !out_valid || out_ready;
	assign in_ready = adv && !wr_valid && !clr;
	assign wr_ready = !clr && !s1_v && !s2_v && !s3_v;
	wire take = in_valid && in_ready;
	wire wr_fire = wr_valid && wr_ready;

	always @(posedge clk) begin
		if (rst) begin
			clr <= 1'b1;
			clr_i <= {CW{1'b0}};
		end else if (clr) begin
			clr_i <= clr_i + 1'b1;
			if (&clr_i)
				clr <= 1'b0;
		end
	end

	// ---- write decode ----
	wire is_pf = wr_addr < VF_BASE;
	wire [10:0] va = wr_addr[10:0] - VF_BASE[10:0]; // pf * 256 + vf for 8 <= wr_addr < 2056
	wire is_vf = !is_pf && wr_addr < FDB_BASE && (va[7:0] >> VB) == 8'd0;
	wire [15:0] sa = wr_addr - FDB_BASE;
	wire is_slot = wr_addr >= FDB_BASE && sa[15:2] < NB[13:0] && wr_addr < FDB_BASE + 16'd8192;

	// PF words: en, miss_drop, uplink, has_oui, oui
	reg [7:0] pf_en, pf_md, pf_up, pf_ho;
	reg [23:0] pf_oui [0:7];
	integer q;
	always @(posedge clk) begin
		if (rst) begin
			pf_en <= 8'd0;
			pf_md <= 8'd0;
			pf_up <= 8'd0;
			pf_ho <= 8'd0;
			for (q = 0; q < 8; q = q + 1)
				pf_oui[q] <= 24'd0;
		end else if (wr_fire && is_pf) begin
			pf_en[wr_addr[2:0]] <= wr_data[63];
			pf_md[wr_addr[2:0]] <= wr_data[26];
			pf_up[wr_addr[2:0]] <= wr_data[25];
			pf_ho[wr_addr[2:0]] <= wr_data[24];
			pf_oui[wr_addr[2:0]] <= wr_data[23:0];
		end
	end

	// ---- S0 -> S1: parse ----
	wire [47:0] p_dst, p_src;
	wire p_tag;
	wire [2:0] p_pcp;
	wire [7:0] p_err;
	nsw_hw_parse parse (.hdr(in_hdr), .len(in_len), .dst(p_dst), .src(p_src), .tag(p_tag),
			    .pcp(p_pcp), .err(p_err));

	reg s1_port, s1_tag;
	reg [7:0] s1_pf, s1_err;
	reg [15:0] s1_vf;
	reg [47:0] s1_dst, s1_src;
	reg [2:0] s1_pcp;
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

	// Table A slot as kept: valid, pf, vf, mac
	wire [59:0] slot_wd = clr ? 60'd0 : {wr_data[63], wr_data[58:56], wr_data[55:48], wr_data[47:0]};
	wire [TB-1:0] slot_wa = clr ? clr_i[TB-1:0] : sa[TB+1:2];
	wire [59:0] tbl [0:15]; // [copy*4 + way]
	genvar c, w;
	generate
		for (c = 0; c < 4; c = c + 1) begin : copy
			for (w = 0; w < 4; w = w + 1) begin : way
				nsw_hw_ram #(.AW(TB), .DW(60)) ram (
					.clk(clk),
					.we(clr || (wr_fire && is_slot && sa[1:0] == w)),
					.wa(slot_wa), .wd(slot_wd),
					.re(adv), .ra(rd_addr[c]), .rd(tbl[c * 4 + w]));
			end
		end
	endgenerate

	// VF words as kept: en, spoof check, qos, vMAC; and the enable bits alone for the
	// destination's read
	wire [VA-1:0] vf_wa = clr ? clr_i[VA-1:0] : {va[10:8], va[VB-1:0]};
	wire vf_we = clr || (wr_fire && is_vf);
	wire [52:0] vf_wd = clr ? 53'd0 : {wr_data[63], wr_data[51], wr_data[50:48], wr_data[47:0]};
	wire [52:0] vin;
	nsw_hw_ram #(.AW(VA), .DW(53)) vf_ram (.clk(clk), .we(vf_we), .wa(vf_wa), .wd(vf_wd),
		.re(adv), .ra({s1_pf[2:0], s1_vf[VB-1:0]}), .rd(vin));

	reg s2_port, s2_tag;
	reg [7:0] s2_pf, s2_err;
	reg [15:0] s2_vf;
	reg [47:0] s2_dst, s2_src;
	reg [2:0] s2_pcp;
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
	wire den_ram;
	nsw_hw_ram #(.AW(VA), .DW(1)) vfen_ram (.clk(clk), .we(vf_we), .wa(vf_wa), .wd(vf_wd[52]),
		.re(adv), .ra(en_ra), .rd(den_ram));

	reg s3_port, s3_tag, s3_dhit, s3_shit, s3_doob;
	reg [7:0] s3_pf, s3_err;
	reg [15:0] s3_vf;
	reg [23:0] s3_doui; // the destination's OUI; bit 16 is its group bit
	reg [47:0] s3_src;
	reg [2:0] s3_pcp, s3_dpf;
	reg [7:0] s3_dvf;
	reg [52:0] s3_vin;
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
			s3_pcp <= s2_pcp;
			s3_dhit <= d_hit;
			s3_shit <= s_hit;
			s3_dpf <= d_pf;
			s3_dvf <= d_vf;
			s3_doob <= (d_vf >> VB) != 8'd0;
			s3_vin <= vin;
		end
	end

	// ---- S3: the decision over the PF words ----
	wire [7:0] has_port = pf_en & pf_up;
	reg [7:0] first_port;
	reg [7:0] rx_mask;
	reg ours;
	always @* begin
		first_port = NONE;
		for (k = 7; k >= 0; k = k - 1)
			if (has_port[k])
				first_port = k[7:0];
		ours = 1'b0;
		for (k = 0; k < 8; k = k + 1)
			if (pf_en[k] && pf_ho[k] && pf_oui[k] == s3_doui)
				ours = 1'b1;
		// PFs whose VFs this port serves: egress(q) == in.pf
		for (k = 0; k < 8; k = k + 1)
			rx_mask[k] = pf_en[k] && (has_port[k] ? (k[7:0] == s3_pf) : (first_port == s3_pf));
	end

	function automatic [7:0] egress(input [2:0] p, input [7:0] hp, input [7:0] fp);
		egress = hp[p] ? {5'd0, p} : fp;
	endfunction

	wire [2:0] ipf = s3_pf[2:0];
	wire pf_oob = s3_pf[7:3] != 5'd0;
	wire vf_oob = (s3_vf >> VB) != 16'd0;
	wire vin_en = s3_vin[52] && !vf_oob;
	wire vin_spoof = s3_vin[51];
	wire [2:0] vin_qos = s3_vin[50:48];
	wire [47:0] vin_mac = s3_vin[47:0];
	wire den = den_ram && !s3_doob;
	wire [7:0] eg_in = egress(ipf, has_port, first_port);
	wire [7:0] eg_d = egress(s3_dpf, has_port, first_port);

	reg [1:0] a, cs;
	reg [7:0] r, opf, fm, ex;
	reg [2:0] pr;
	reg ip;
	reg [15:0] ovf;
	always @* begin
		a = ACT_DROP;
		cs = 2'd3;
		r = 8'd0;
		pr = 3'd0;
		opf = NONE;
		fm = 8'd0;
		ex = NONE;
		ip = 1'b0;
		ovf = 16'd0;
		if (s3_err != 8'd0)
			r = s3_err;
		else if (!s3_port) begin
			if (pf_oob || s3_vf[15:8] != 8'd0)
				r = VF_DOWN;
			else if (!pf_en[ipf])
				r = PF_DOWN;
			else if (!vin_en)
				r = VF_DOWN;
			else begin
				pr = s3_tag ? s3_pcp : vin_qos;
				if (vin_spoof && s3_src != vin_mac)
					r = SPOOF;
				else begin
					cs = s3_src[47:24] == s3_doui ? 2'd0 : 2'd1;
					if (s3_doui[16]) begin
						a = ACT_FLOOD;
						fm = pf_en;
						ex = s3_pf;
						ovf = s3_vf;
						opf = eg_in;
						ip = eg_in != NONE && eg_in != s3_pf;
					end else if (s3_dhit) begin
						if (s3_dpf == ipf && {8'd0, s3_dvf} == s3_vf)
							r = SELF;
						else if (!den)
							r = VF_DOWN;
						else begin
							a = ACT_VF;
							opf = {5'd0, s3_dpf};
							ovf = {8'd0, s3_dvf};
							ip = s3_dpf != ipf;
						end
					end else if (ours && (pf_md[ipf] || eg_in == NONE))
						r = FDB_MISS;
					else if (eg_in == NONE)
						r = NO_UPLINK;
					else begin
						a = ACT_UPLINK;
						opf = eg_in;
						ip = eg_in != s3_pf;
					end
				end
			end
		end else begin
			cs = 2'd2;
			pr = s3_tag ? s3_pcp : 3'd0;
			if (pf_oob || !has_port[ipf])
				r = PF_DOWN;
			else if (s3_shit)
				r = LOOP;
			else if (s3_doui[16]) begin
				a = ACT_FLOOD;
				fm = rx_mask;
				ip = (rx_mask & ~(8'd1 << ipf)) != 8'd0;
			end else if (!s3_dhit || eg_d != s3_pf)
				r = RX_MISS;
			else if (!den)
				r = VF_DOWN;
			else begin
				a = ACT_VF;
				opf = {5'd0, s3_dpf};
				ovf = {8'd0, s3_dvf};
				ip = s3_dpf != ipf;
			end
		end
	end

	// ---- S4: the verdict ----
	always @(posedge clk) begin
		if (rst)
			out_valid <= 1'b0;
		else if (adv)
			out_valid <= s3_v;
		if (adv) begin
			out_action <= a;
			out_case <= cs;
			out_reason <= r;
			out_prio <= pr;
			out_pf <= opf;
			out_flood_mask <= fm;
			out_excl_pf <= ex;
			out_inter_pf <= ip;
			out_vf <= ovf;
		end
	end
endmodule
