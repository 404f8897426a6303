// nsw_hw_regs.v - the hardware register map of the NIC state: the write port decoded into the
// PF words (flip-flops) and the write ports of the Table A and VF RAMs, and the reset clear.
//
// Owns: the address map (the 64-bit word indexes of struct nsw_nic, so the words core/nsw_ctl.c
// stores are written here unchanged): 0..7 PF words, 8 + pf*256 + vf VF words,
// 2056 + bucket*4 + way Table A slots, 10249 + j the port VLAN keys nic->vlan of the VFs
// 4j..4j+3 of the flat pf*256 + vf numbering (a little-endian host's word: VF 4j + l in bits
// 16l+15..16l; the control side stores them 16 bits at a time, the RTL takes the word);
// other addresses (10248: Table A's count) are ignored. Only the bits the decision
// reads are kept. Shared by every decision top (nsw_hw_decide, nsw_hw_decide_seq), so their
// register maps cannot drift apart.
// Invariants: after reset clr is high for one sweep of every RAM address (writing zeros) and
// then low for good; the PF words are zero after reset. The caller decides when wr_fire may
// be high (never while clr).
// Who may touch it: hw/ only; every change must keep hw/nsw_hw_diff green against the core.
module nsw_hw_regs #(
	parameter TB = 11,
	parameter VB = 8
) (
	input  wire              clk,
	input  wire              rst,
	input  wire              wr_fire,
	input  wire [15:0]       wr_addr,
	/* verilator lint_off UNUSEDSIGNAL */
	input  wire [63:0]       wr_data, // bits 59..62 of a slot are not kept: the core never sets them
	/* verilator lint_on UNUSEDSIGNAL */
	output reg               clr,
	// PF words: en, miss_drop, uplink, has_oui, oui (PF q's OUI in bits 24q+23..24q)
	output reg  [7:0]        pf_en,
	output reg  [7:0]        pf_md,
	output reg  [7:0]        pf_up,
	output reg  [7:0]        pf_ho,
	output wire [191:0]      pf_oui,
	// Table A slot as kept: valid, pf, vf, mac; one write enable per way
	output wire [3:0]        slot_we,
	output wire [TB-1:0]     slot_wa,
	output wire [59:0]       slot_wd,
	// VF word as kept: en, port VLAN, link down, spoof check, qos, vMAC
	output wire              vf_we,
	output wire [VB+2:0]     vf_wa,
	output wire [54:0]       vf_wd,
	// port VLAN keys as kept: four VFs' 13 bits (VID, 802.1ad) per word, VF 4j + 3 on top;
	// bits 13..15 of a key are not kept: nsw_vlan_key never sets them. VB >= 2.
	output wire              vl_we,
	output wire [VB:0]       vl_wa,
	output wire [51:0]       vl_wd
);
	localparam NB = 1 << TB;
	localparam VA = VB + 3;              // VF RAM address bits
	localparam CW = TB > VA ? TB : VA;   // clear sweep counter bits
	localparam [15:0] VF_BASE = 16'd8, FDB_BASE = 16'd2056, VL_BASE = 16'd10249;

	reg [CW-1:0] clr_i;
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

	wire is_pf = wr_addr < VF_BASE;
	wire [10:0] va = wr_addr[10:0] - VF_BASE[10:0]; // pf * 256 + vf for 8 <= wr_addr < 2056
	wire is_vf = !is_pf && wr_addr < FDB_BASE && (va[7:0] >> VB) == 8'd0;
	wire [15:0] sa = wr_addr - FDB_BASE;
	wire is_slot = wr_addr >= FDB_BASE && sa[15:2] < NB[13:0] && wr_addr < FDB_BASE + 16'd8192;

	wire [8:0] ja = wr_addr[8:0] - VL_BASE[8:0]; // word j: the keys of flat VFs 4j..4j+3
	wire [10:0] vl_fi = {ja, 2'b00};             // pf * 256 + vf of its first VF
	wire is_vl = wr_addr >= VL_BASE && wr_addr < VL_BASE + 16'd512 &&
		(vl_fi[7:0] >> VB) == 8'd0;
	/* verilator lint_off UNUSEDSIGNAL */
	wire [VA-1:0] vl_fa = {vl_fi[10:8], vl_fi[VB-1:0]}; // bits 1..0: the lane, always 0 here
	/* verilator lint_on UNUSEDSIGNAL */

	reg [23:0] oui [0:7];
	integer q;
	always @(posedge clk) begin
		if (rst) begin
			pf_en <= 8'd0;
			pf_md <= 8'd0;
			pf_up <= 8'd0;
			pf_ho <= 8'd0;
			for (q = 0; q < 8; q = q + 1)
				oui[q] <= 24'd0;
		end else if (wr_fire && is_pf) begin
			pf_en[wr_addr[2:0]] <= wr_data[63];
			pf_md[wr_addr[2:0]] <= wr_data[26];
			pf_up[wr_addr[2:0]] <= wr_data[25];
			pf_ho[wr_addr[2:0]] <= wr_data[24];
			oui[wr_addr[2:0]] <= wr_data[23:0];
		end
	end
	genvar g;
	generate
		for (g = 0; g < 8; g = g + 1) begin : po
			assign pf_oui[24 * g +: 24] = oui[g];
		end
	endgenerate

	genvar w;
	generate
		for (w = 0; w < 4; w = w + 1) begin : sw
			assign slot_we[w] = clr || (wr_fire && is_slot && sa[1:0] == w);
		end
	endgenerate
	assign slot_wa = clr ? clr_i[TB-1:0] : sa[TB+1:2];
	assign slot_wd = clr ? 60'd0 : {wr_data[63], wr_data[58:56], wr_data[55:48], wr_data[47:0]};
	assign vf_we = clr || (wr_fire && is_vf);
	assign vf_wa = clr ? clr_i[VA-1:0] : {va[10:8], va[VB-1:0]};
	assign vf_wd = clr ? 55'd0 : {wr_data[63], wr_data[62], wr_data[54], wr_data[51],
		wr_data[50:48], wr_data[47:0]};
	assign vl_we = clr || (wr_fire && is_vl);
	assign vl_wa = clr ? clr_i[VA-3:0] : vl_fa[VA-1:2];
	assign vl_wd = clr ? 52'd0 : {wr_data[60:48], wr_data[44:32], wr_data[28:16], wr_data[12:0]};
endmodule
