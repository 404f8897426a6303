// nsw_hw_verdict_reg.v - the last stage of every decision top: nsw_hw_verdict over the stage's
// fields, registered into the top's verdict outputs when the pipeline advances (adv), so the
// output register is written once for both tops.
// Invariant: the outputs change only when adv is high; out_valid clears on reset.
// Who may touch it: hw/ only; every change must keep hw/nsw_hw_diff green against the core.
module nsw_hw_verdict_reg #(
	parameter VB = 8
) (
	input  wire         clk,
	input  wire         rst,
	input  wire         adv,    // the pipeline advances this clock
	input  wire         v,      // the stage holds a frame
	input  wire [7:0]   pf_en,
	input  wire [7:0]   pf_md,
	input  wire [7:0]   pf_up,
	input  wire [7:0]   pf_ho,
	input  wire [191:0] pf_oui,
	input  wire         port,
	input  wire [7:0]   pf,
	input  wire [15:0]  vf,
	input  wire [7:0]   err,
	input  wire [23:0]  doui,
	input  wire [47:0]  src,
	input  wire         tag,
	input  wire [2:0]   pcp,
	input  wire         c1,
	input  wire [12:0]  fvlan,
	input  wire         dhit,
	input  wire [2:0]   dpf,
	input  wire [7:0]   dvf,
	input  wire         shit,
	input  wire [54:0]  vin,
	input  wire [51:0]  ivw,
	input  wire [2:0]   dvin,
	input  wire [51:0]  dvw,
	output reg          out_valid,
	output reg  [1:0]   out_action,
	output reg  [1:0]   out_case,
	output reg  [7:0]   out_reason,
	output reg  [2:0]   out_prio,
	output reg  [7:0]   out_pf,
	output reg  [7:0]   out_flood_mask,
	output reg  [7:0]   out_excl_pf,
	output reg          out_inter_pf,
	output reg  [15:0]  out_vf,
	output reg  [15:0]  out_vlan
);
	wire [1:0] a, cs;
	wire [7:0] r, opf, fm, ex;
	wire [2:0] pr;
	wire ip;
	wire [15:0] ovf, ovl;
	nsw_hw_verdict #(.VB(VB)) verdict (.pf_en(pf_en), .pf_md(pf_md), .pf_up(pf_up), .pf_ho(pf_ho),
		.pf_oui(pf_oui), .port(port), .pf(pf), .vf(vf), .err(err), .doui(doui),
		.src(src), .tag(tag), .pcp(pcp), .c1(c1), .fvlan(fvlan), .dhit(dhit), .dpf(dpf),
		.dvf(dvf), .shit(shit), .vin(vin), .ivw(ivw), .dvin(dvin), .dvw(dvw), .a(a), .cs(cs),
		.r(r), .pr(pr), .opf(opf), .fm(fm), .ex(ex), .ip(ip), .ovf(ovf), .ovl(ovl));

	always @(posedge clk) begin
		if (rst)
			out_valid <= 1'b0;
		else if (adv)
			out_valid <= v;
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
			out_vlan <= ovl;
		end
	end
endmodule
