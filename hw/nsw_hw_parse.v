// nsw_hw_parse.v - the L2 parser of core/nsw_parse.h on the 22-octet header window.
//
// Owns: what counts as a well-formed header in hardware: Ethernet II / 802.3, up to two VLAN
// tags (S over C, or C over C), and the drop reason otherwise, exactly as nsw_parse_hdr.
// Input: the first min(len, 22) octets of the frame, octet 0 in hdr[175:168], octets past len
// zero (as nsw_hdr_words gives them); every field is checked against len before it is used.
// Output: the fields the decision reads (dst, src, tagged or not, outer PCP; for the port VLANs
// c1, the frame carries exactly one tag and it is an 802.1Q one (what a VF of an 802.1ad port
// VLAN admits, nsw_vlan_admits), and fvlan, the VLAN key of the outer tag as nsw_frame_vlan:
// VID | 0x1000 for an S-tag, 0 when untagged or VID 0) and err (0 or the enum nsw_drop
// reason). Purely combinational.
// Who may touch it: hw/ only; any change must keep hw/nsw_hw_diff green against the core.
module nsw_hw_parse (
	/* verilator lint_off UNUSEDSIGNAL */
	input  wire [175:0] hdr, // the DEIs and the inner PCP: no decision reads them
	/* verilator lint_on UNUSEDSIGNAL */
	input  wire [15:0]  len,
	output wire [47:0]  dst,
	output wire [47:0]  src,
	output reg          tag,
	output reg  [2:0]   pcp,
	output reg          c1,
	output reg  [12:0]  fvlan,
	output reg  [7:0]   err
);
	localparam [7:0] RUNT = 8'd1, TRUNC_TAG = 8'd2, BAD_TAG = 8'd3, BAD_TYPE = 8'd4,
		BAD_LENGTH = 8'd5, BAD_SRC = 8'd6;

	assign dst = hdr[175:128];
	assign src = hdr[127:80];
	wire [15:0] type0 = hdr[79:64];
	wire [2:0] pcp0 = hdr[63:61];  // outer TCI: PCP, DEI, VID
	wire [11:0] vid0 = hdr[59:48];
	wire [15:0] type1 = hdr[47:32];
	wire [11:0] vid1 = hdr[27:16];
	wire [15:0] type2 = hdr[15:0];

	function automatic is_tpid(input [15:0] t);
		is_tpid = t == 16'h8100 || t == 16'h88a8;
	endfunction

	reg [15:0] ty;
	reg [4:0] off;

	always @* begin
		err = 8'd0;
		tag = 1'b0;
		pcp = 3'd0;
		c1 = 1'b0;
		fvlan = 13'd0;
		ty = type0;
		off = 5'd14;
		if (len < 16'd14)
			err = RUNT;
		else if (src[40] || src == 48'd0)
			err = BAD_SRC;
		else begin
			if (is_tpid(type0)) begin
				if (len < 16'd18)
					err = TRUNC_TAG;
				else if (vid0 == 12'hfff)
					err = BAD_TAG;
				else begin
					tag = 1'b1;
					pcp = pcp0;
					if (vid0 != 12'd0)
						fvlan = {type0 == 16'h88a8, vid0};
					off = 5'd18;
					ty = type1;
					c1 = type0 == 16'h8100 && !is_tpid(type1);
					if (is_tpid(type1)) begin
						if (type1 == 16'h88a8)
							err = BAD_TAG;
						else if (len < 16'd22)
							err = TRUNC_TAG;
						else if (vid1 == 12'hfff)
							err = BAD_TAG;
						else begin
							off = 5'd22;
							ty = type2;
							if (is_tpid(type2))
								err = BAD_TAG;
						end
					end
				end
			end
			if (err == 8'd0 && ty < 16'h0600) begin
				if (ty > 16'd1500)
					err = BAD_TYPE;
				else if (ty > len - {11'd0, off})
					err = BAD_LENGTH;
			end
		end
	end
endmodule
