// nsw_hw_hash.v - the two bucket hashes of Table A (core/nsw_fdb.h), bit for bit.
//
// Owns: nsw_fdb_hash1 and nsw_fdb_hash2 as combinational logic. With TB = 11 (the core's
// NSW_FDB_BUCKET_BITS) the buckets are the core's; a smaller TB keeps the top TB bits of the
// same products, as the core would with a smaller NSW_FDB_BUCKET_BITS.
// Invariant: h1 != h2 for every MAC (a MAC whose buckets coincide gets h2 = h1 ^ 1).
// Who may touch it: hw/ only; any change must keep hw/nsw_hw_diff green against the core.
module nsw_hw_hash #(
	parameter TB = 11
) (
	input  wire [47:0]   mac,
	output wire [TB-1:0] h1,
	output wire [TB-1:0] h2
);
	wire [63:0] m = {16'b0, mac};
	wire [63:0] x = m ^ (m >> 21);
	/* verilator lint_off UNUSEDSIGNAL */
	// Only the top TB bits of each product are kept, as the core's >> (64 - bits).
	wire [63:0] p1 = m * 64'h9e3779b97f4a7c15;
	wire [63:0] p2 = x * 64'hc2b2ae3d27d4eb4f;
	/* verilator lint_on UNUSEDSIGNAL */
	wire [TB-1:0] b2 = p2[63 -: TB];

	assign h1 = p1[63 -: TB];
	assign h2 = (b2 == h1) ? (b2 ^ {{(TB - 1){1'b0}}, 1'b1}) : b2;
endmodule
