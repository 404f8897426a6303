// nsw_hw_hash_stage.v - the pipeline's S1 hash stage alone between registers, for timing.
// Owns: nothing of the decision; hw/synth.sh places and routes it on an iCE40 to measure the
// clock of the deepest stage (a 48 x 64-bit constant multiply into a compare), because the
// whole pipeline with its Table A copies is larger than any iCE40.
module nsw_hw_hash_stage #(
	parameter TB = 8
) (
	input  wire          clk,
	input  wire [47:0]   mac_in,
	output reg  [TB-1:0] h1_q,
	output reg  [TB-1:0] h2_q
);
	reg [47:0] mac;
	wire [TB-1:0] h1, h2;
	nsw_hw_hash #(.TB(TB)) hash (.mac(mac), .h1(h1), .h2(h2));
	always @(posedge clk) begin
		mac <= mac_in;
		h1_q <= h1;
		h2_q <= h2;
	end
endmodule
