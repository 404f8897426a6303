// nsw_hw_verdict.v - the decision of nsw_decide over the PF words, once the lookups are done:
// cases 0/1/2, flood masks, egress port, the miss policy, the port VLANs (admission of a VM's
// tags, a Table A hit in another VLAN taken as a miss, the VLAN of a frame from the wire, the
// verdict's VLAN: the tag pushed toward the port or popped toward a VF), the VF link states,
// every drop reason after parsing.
//
// Owns: the verdict as a function of the PF words (flip-flops), the frame's parsed fields, the
// destination's Table A result, the loop check on the source, the ingress VF word and its
// port VLAN key word, the destination VF's enable, port VLAN and link-down bits and its key
// word. Purely combinational; shared by every decision top
// (nsw_hw_decide, nsw_hw_decide_seq), so their verdicts cannot drift apart.
// Invariant: every output is assigned on every path (no latch).
// Who may touch it: hw/ only; every change must keep hw/nsw_hw_diff green against the core.
module nsw_hw_verdict #(
	parameter VB = 8
) (
	input  wire [7:0]   pf_en,
	input  wire [7:0]   pf_md,
	input  wire [7:0]   pf_up,
	input  wire [7:0]   pf_ho,
	input  wire [191:0] pf_oui,
	input  wire         port,   // the frame entered by a port (else by a VF)
	input  wire [7:0]   pf,
	input  wire [15:0]  vf,
	input  wire [7:0]   err,    // the parser's drop reason or 0
	input  wire [23:0]  doui,   // the destination's OUI; bit 16 is its group bit
	input  wire [47:0]  src,
	input  wire         tag,
	input  wire [2:0]   pcp,
	input  wire         c1,     // exactly one tag, 802.1Q
	input  wire [12:0]  fvlan,  // the outer tag's VLAN key (nsw_frame_vlan)
	input  wire         dhit,   // the destination is in Table A, at dpf/dvf
	input  wire [2:0]   dpf,
	input  wire [7:0]   dvf,
	input  wire         shit,   // the source is in Table A
	input  wire [54:0]  vin,    // the ingress VF word as kept
	input  wire [51:0]  ivw,    // the port VLAN key word holding the ingress VF's (lane vf[1:0])
	input  wire [2:0]   dvin,   // VF dpf/dvf: enable, port VLAN, link down
	input  wire [51:0]  dvw,    // the key word holding VF dpf/dvf's (lane dvf[1:0])
	output reg  [1:0]   a,
	output reg  [1:0]   cs,
	output reg  [7:0]   r,
	output reg  [2:0]   pr,
	output reg  [7:0]   opf,
	output reg  [7:0]   fm,
	output reg  [7:0]   ex,
	output reg          ip,
	output reg  [15:0]  ovf,
	output reg  [15:0]  ovl     // the verdict's port VLAN key (struct nsw_verdict.vlan)
);
	localparam [1:0] ACT_DROP = 2'd0, ACT_VF = 2'd1, ACT_UPLINK = 2'd2, ACT_FLOOD = 2'd3;
	localparam [7:0] PF_DOWN = 8'd7, VF_DOWN = 8'd8, SPOOF = 8'd9, SELF = 8'd10,
		FDB_MISS = 8'd11, RX_MISS = 8'd12, NO_UPLINK = 8'd13, LOOP = 8'd14, VF_STATE = 8'd23,
		VLAN_VIOLATION = 8'd24, VLAN_UNKNOWN = 8'd25;
	localparam [7:0] NONE = 8'hff;

	wire [7:0] has_port = pf_en & pf_up;
	reg [7:0] first_port;
	reg [7:0] rx_mask;
	reg ours;
	integer k;
	always @* begin
		first_port = NONE;
		for (k = 7; k >= 0; k = k - 1)
			if (has_port[k])
				first_port = k[7:0];
		ours = 1'b0;
		for (k = 0; k < 8; k = k + 1)
			if (pf_en[k] && pf_ho[k] && pf_oui[24 * k +: 24] == doui)
				ours = 1'b1;
		// PFs whose VFs this port serves: egress(q) == in.pf
		for (k = 0; k < 8; k = k + 1)
			rx_mask[k] = pf_en[k] && (has_port[k] ? (k[7:0] == pf) : (first_port == pf));
	end

	function automatic [7:0] egress(input [2:0] p, input [7:0] hp, input [7:0] fp);
		egress = hp[p] ? {5'd0, p} : fp;
	endfunction

	wire [2:0] ipf = pf[2:0];
	wire pf_oob = pf[7:3] != 5'd0;
	wire vf_oob = (vf >> VB) != 16'd0;
	wire doob = (dvf >> VB) != 8'd0;
	wire vin_en = vin[54] && !vf_oob;
	wire vin_down = vin[52];
	wire vin_spoof = vin[51];
	wire [2:0] vin_qos = vin[50:48];
	wire [47:0] vin_mac = vin[47:0];
	wire den = dvin[2] && !doob;
	wire ddown = dvin[0];
	// the port VLAN keys: 0 unless the VF word says the VF has one (nsw_vf_vlan)
	wire [12:0] ikey = ivw[13 * vf[1:0] +: 13];
	wire [12:0] dkey = dvw[13 * dvf[1:0] +: 13];
	wire [12:0] ivl = vin[53] ? ikey : 13'd0;
	wire [12:0] dvl = dvin[1] && !doob ? dkey : 13'd0;
	// nsw_vlan_admits: untagged, or on an 802.1ad port VLAN one 802.1Q tag
	wire admits = !tag || (ivl[12] && c1);
	wire [7:0] eg_in = egress(ipf, has_port, first_port);
	wire [7:0] eg_d = egress(dpf, has_port, first_port);

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
		ovl = 16'd0;
		if (err != 8'd0)
			r = err;
		else if (!port) begin
			if (pf_oob || vf[15:8] != 8'd0)
				r = VF_DOWN;
			else if (!pf_en[ipf])
				r = PF_DOWN;
			else if (!vin_en)
				r = VF_DOWN;
			else if (vin_down)
				r = VF_STATE;
			else begin
				pr = tag ? pcp : vin_qos;
				if (vin_spoof && src != vin_mac)
					r = SPOOF;
				else if (ivl != 13'd0 && !admits)
					r = VLAN_VIOLATION;
				else begin
					ovl = {3'd0, ivl};
					cs = src[47:24] == doui ? 2'd0 : 2'd1;
					if (doui[16]) begin
						a = ACT_FLOOD;
						fm = pf_en;
						ex = pf;
						ovf = vf;
						opf = eg_in;
						ip = eg_in != NONE && eg_in != pf;
					end else if (dhit && dvl == ivl) begin
						// (a VF of another VLAN is not in this VLAN's table: a miss)
						if (dpf == ipf && {8'd0, dvf} == vf)
							r = SELF;
						else if (!den)
							r = VF_DOWN;
						else if (ddown) begin
							r = VF_STATE; // names the receiver
							opf = {5'd0, dpf};
							ovf = {8'd0, dvf};
						end else begin
							a = ACT_VF;
							opf = {5'd0, dpf};
							ovf = {8'd0, dvf};
							ip = dpf != ipf;
						end
					end else if (ours && (pf_md[ipf] || eg_in == NONE))
						r = FDB_MISS;
					else if (eg_in == NONE)
						r = NO_UPLINK;
					else begin
						a = ACT_UPLINK;
						opf = eg_in;
						ip = eg_in != pf;
					end
				end
			end
		end else begin
			cs = 2'd2;
			pr = tag ? pcp : 3'd0;
			if (pf_oob || !has_port[ipf])
				r = PF_DOWN;
			else if (shit)
				r = LOOP;
			else if (doui[16]) begin
				a = ACT_FLOOD;
				fm = rx_mask;
				ip = (rx_mask & ~(8'd1 << ipf)) != 8'd0;
				ovl = {3'd0, fvlan};
			end else if (!dhit || eg_d != pf)
				r = RX_MISS;
			else if (dvl != 13'd0 && dvl != fvlan)
				r = VLAN_UNKNOWN;
			else if (!den) begin
				r = VF_DOWN;
				ovl = {3'd0, dvl};
			end else if (ddown) begin
				r = VF_STATE;
				opf = {5'd0, dpf};
				ovf = {8'd0, dvf};
				ovl = {3'd0, dvl};
			end else begin
				ovl = {3'd0, dvl};
				a = ACT_VF;
				opf = {5'd0, dpf};
				ovf = {8'd0, dvf};
				ip = dpf != ipf;
			end
		end
	end
endmodule
