// nsw_hw_stream_top.v - the byte-stream front end (nsw_hw_stream) in front of the decision
// pipeline (nsw_hw_decide): frames in as 64-bit beats, verdicts out, the same register port.
// Owns: only the wiring. take is the decision pipeline taking a header, brought out so the
// differential test knows which configuration a frame was decided on.
// Who may touch it: hw/ only.
module nsw_hw_stream_top #(
	parameter TB = 11,
	parameter VB = 8
) (
	input  wire         clk,
	input  wire         rst,
	input  wire         s_valid,
	output wire         s_ready,
	input  wire [63:0]  s_data,
	input  wire [3:0]   s_keep,
	input  wire         s_last,
	input  wire [7:0]   s_kind,
	input  wire [7:0]   s_pf,
	input  wire [15:0]  s_vf,
	output wire         take,
	input  wire         wr_valid,
	output wire         wr_ready,
	input  wire [15:0]  wr_addr,
	input  wire [63:0]  wr_data,
	output wire         out_valid,
	input  wire         out_ready,
	output wire [1:0]   out_action,
	output wire [1:0]   out_case,
	output wire [7:0]   out_reason,
	output wire [2:0]   out_prio,
	output wire [7:0]   out_pf,
	output wire [7:0]   out_flood_mask,
	output wire [7:0]   out_excl_pf,
	output wire         out_inter_pf,
	output wire [15:0]  out_vf,
	output wire [15:0]  out_vlan
);
	wire h_valid, h_ready;
	wire [7:0] h_kind, h_pf;
	wire [15:0] h_vf, h_len;
	wire [175:0] h_hdr;

	nsw_hw_stream stream (.clk(clk), .rst(rst), .s_valid(s_valid), .s_ready(s_ready),
		.s_data(s_data), .s_keep(s_keep), .s_last(s_last), .s_kind(s_kind), .s_pf(s_pf),
		.s_vf(s_vf), .h_valid(h_valid), .h_ready(h_ready), .h_kind(h_kind), .h_pf(h_pf),
		.h_vf(h_vf), .h_hdr(h_hdr), .h_len(h_len));
	assign take = h_valid && h_ready;
	nsw_hw_decide #(.TB(TB), .VB(VB)) decide (.clk(clk), .rst(rst),
		.in_valid(h_valid), .in_ready(h_ready), .in_kind(h_kind), .in_pf(h_pf), .in_vf(h_vf),
		.in_hdr(h_hdr), .in_len(h_len), .wr_valid(wr_valid), .wr_ready(wr_ready),
		.wr_addr(wr_addr), .wr_data(wr_data), .out_valid(out_valid), .out_ready(out_ready),
		.out_action(out_action), .out_case(out_case), .out_reason(out_reason),
		.out_prio(out_prio), .out_pf(out_pf), .out_flood_mask(out_flood_mask),
		.out_excl_pf(out_excl_pf), .out_inter_pf(out_inter_pf), .out_vf(out_vf), .out_vlan(out_vlan));
endmodule
