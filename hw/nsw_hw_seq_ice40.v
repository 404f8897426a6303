// nsw_hw_seq_ice40.v - a pin-limited top around nsw_hw_decide_seq, so that nextpnr can place and
// route the decision on an iCE40 (the CT256 package has 206 I/Os; the decision's ports take
// more than 400: the 22-octet header window alone is 176).
// Owns: only the way the wide inputs reach the pins: one 304-bit shift register loaded a byte
// per clock (sh_en, sh_in) holds the header window, the length, the ingress and the register
// word; in_valid, wr_valid, out_ready, the readies and the verdict are pins. Everything the
// decision computes reaches a pin, so synthesis keeps all of it; its inputs come from
// flip-flops, so the Fmax nextpnr reports is that of the decision's own paths.
// Its cost (304 flip-flops) is counted by hw/synth_seq.sh apart from the decision's.
// Who may touch it: hw/ only; it is a measuring fixture, not part of the decision.
module nsw_hw_seq_ice40 #(
	parameter TB = 8,
	parameter VB = 2
) (
	input  wire        clk,
	input  wire        rst,
	input  wire        sh_en,
	input  wire [7:0]  sh_in,
	input  wire        in_valid,
	output wire        in_ready,
	input  wire        wr_valid,
	output wire        wr_ready,
	output wire        out_valid,
	input  wire        out_ready,
	output wire [1:0]  out_action,
	output wire [1:0]  out_case,
	output wire [7:0]  out_reason,
	output wire [2:0]  out_prio,
	output wire [7:0]  out_pf,
	output wire [7:0]  out_flood_mask,
	output wire [7:0]  out_excl_pf,
	output wire        out_inter_pf,
	output wire [15:0] out_vf,
	output wire [15:0] out_vlan
);
	reg [303:0] sh;
	always @(posedge clk)
		if (sh_en)
			sh <= {sh[295:0], sh_in};

	nsw_hw_decide_seq #(.TB(TB), .VB(VB)) dec (.clk(clk), .rst(rst),
		.in_valid(in_valid), .in_ready(in_ready), .in_kind(sh[199:192]), .in_pf(sh[207:200]),
		.in_vf(sh[223:208]), .in_hdr(sh[175:0]), .in_len(sh[191:176]),
		.wr_valid(wr_valid), .wr_ready(wr_ready), .wr_addr(sh[239:224]), .wr_data(sh[303:240]),
		.out_valid(out_valid), .out_ready(out_ready), .out_action(out_action),
		.out_case(out_case), .out_reason(out_reason), .out_prio(out_prio), .out_pf(out_pf),
		.out_flood_mask(out_flood_mask), .out_excl_pf(out_excl_pf),
		.out_inter_pf(out_inter_pf), .out_vf(out_vf), .out_vlan(out_vlan));
endmodule
