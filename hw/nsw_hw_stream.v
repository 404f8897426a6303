// nsw_hw_stream.v - the header window from a byte stream: what a MAC hands the parser.
//
// Owns: gathering the first 22 octets and the length of each frame from a stream of 64-bit
// beats (octet 0 of a beat in s_data[63:56]; s_keep, on the last beat only, the number of its
// octets that belong to the frame, 1..8), and offering them once per frame, with the ingress
// sampled on the first beat, to nsw_hw_decide's header input.
// Invariants: octets of the window past the frame's length are junk of its last beat or zero,
// never read (nsw_hw_parse checks every field against len); the length saturates at 65535; one frame in the output register at a time: the
// stream waits (s_ready low) while it is full and not taken.
// Who may touch it: hw/ only; hw/nsw_hw_diff -S checks it against the core.
module nsw_hw_stream (
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
	output reg          h_valid,
	input  wire         h_ready,
	output reg  [7:0]   h_kind,
	output reg  [7:0]   h_pf,
	output reg  [15:0]  h_vf,
	output reg  [175:0] h_hdr,
	output reg  [15:0]  h_len
);
	reg [175:0] win;
	reg [15:0] cnt;
	reg [1:0] beat;      // beats of this frame so far, saturating at 3 (past the window)
	reg [7:0] kind, pf;
	reg [15:0] vf;

	assign s_ready = !h_valid || h_ready;
	wire fire = s_valid && s_ready;
	wire [3:0] n = s_last ? s_keep : 4'd8;
	// Octets past the frame's end in its last beat are not zeroed: the parser never reads an
	// octet at or past len (the core's contract; the differential test streams junk there).
	wire [63:0] d = s_data;
	reg [175:0] win_n;
	always @* begin
		win_n = win;
		case (beat)
		2'd0: win_n[175:112] = d;
		2'd1: win_n[111:48] = d;
		2'd2: win_n[47:0] = d[63:16];
		default: ;
		endcase
	end
	wire [16:0] cnt_n = {1'b0, cnt} + {13'd0, n};
	wire [15:0] len_n = cnt_n[16] ? 16'hffff : cnt_n[15:0];
	wire first = beat == 2'd0 && cnt == 16'd0;

	always @(posedge clk) begin
		if (rst) begin
			h_valid <= 1'b0;
			win <= 176'd0;
			cnt <= 16'd0;
			beat <= 2'd0;
		end else begin
			if (h_valid && h_ready)
				h_valid <= 1'b0;
			if (fire) begin
				if (s_last) begin
					h_valid <= 1'b1;
					h_hdr <= win_n;
					h_len <= len_n;
					h_kind <= first ? s_kind : kind;
					h_pf <= first ? s_pf : pf;
					h_vf <= first ? s_vf : vf;
					win <= 176'd0;
					cnt <= 16'd0;
					beat <= 2'd0;
				end else begin
					win <= win_n;
					cnt <= len_n;
					if (beat != 2'd3)
						beat <= beat + 2'd1;
					if (first) begin
						kind <= s_kind;
						pf <= s_pf;
						vf <= s_vf;
					end
				end
			end
		end
	end
endmodule
