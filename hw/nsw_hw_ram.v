// nsw_hw_ram.v - one block RAM: one write port, one registered read port with enable.
//
// Owns: the storage primitive every table of the pipeline is built from. Written so that yosys
// infers an iCE40 EBR (SB_RAM40_4K) and Verilator/Icarus model it as an array.
// Invariant: the read data changes only on a clock edge with re set; a read of the address
// written in the same cycle returns the old word (the pipeline never relies on either).
// Who may touch it: hw/ only.
module nsw_hw_ram #(
	parameter AW = 8,
	parameter DW = 60
) (
	input  wire          clk,
	input  wire          we,
	input  wire [AW-1:0] wa,
	input  wire [DW-1:0] wd,
	input  wire          re,
	input  wire [AW-1:0] ra,
	output reg  [DW-1:0] rd
);
	reg [DW-1:0] mem [0:(1 << AW) - 1];

	always @(posedge clk) begin
		if (we)
			mem[wa] <= wd;
		if (re)
			rd <= mem[ra];
	end
endmodule
