// The D1 vector unit (docs/isa-vector.md): 32 x 512-bit registers, vcfg/vseed/vflags, and every
// instruction except the memory side of vld/vst, which the core performs (load data arrives with
// the command, store data leaves with the response).
//
// Handshakes (docs/cosim.md#protocol): a command moves on a rising edge with cmd_valid &&
// cmd_ready, a response with rsp_valid && rsp_ready; a response waits for rsp_ready, and no
// command is taken while the previous response has not moved. vector_unit_checker.sv asserts the
// rules of both sides.
//
// Pipeline (docs/cosim.md#pipeline-and-latency, the same rules as models/vector/vector_pipeline.h):
// the edge that accepts a command decodes it and snapshots its operands (vs1, vs2 and the vd
// group), each from the register file or, if the result retiring at that edge writes it, from that
// result (forwarding). A command waits (cmd_ready low) while the pass engine is busy, or while an
// instruction in flight has still to write a register it reads (interlock). The pass engine then
// runs one pass per edge: one for most instructions (16 FP32 FMA lanes, whole-register integer
// lanes), 2 for BF16 arithmetic (32 lanes), n/16 for a conversion of n elements, 4 (f32) or 5
// (bf16) tree levels for vhsum, 16 for vmma (4 groups of 16 outputs x 4 k steps, in the spec's k
// order); an illegal encoding takes one pass that does nothing. The last pass hands the result
// to the completion queue (or holds it while the queue is full), where it waits its class's
// stages: FMA_STAGES for floating-point arithmetic and vhsum (the pipelined FMA), MMA_STAGES for
// vmma (the pipelined matrix unit), none otherwise. The datapath computes a result in its pass;
// the stages carry it as a pipelined FMA or matrix unit of that depth would. Results retire in
// order, one per edge, when the response register is free: they write the registers, vflags and
// vseed (the pass engine narrows with its own, already advanced, copy of vseed) and answer.
module vector_unit
  import vu_pkg::*;
#(
  // The build sets them (rtl/CMakeLists.txt, DOJO_VECTOR_*), from their one declaration.
  parameter int FMA_STAGES,
  parameter int MMA_STAGES,
  parameter int QUEUE_DEPTH
) (
  input  logic         clk,
  input  logic         rst_n,
  // Command: accepted on a rising edge with cmd_valid && cmd_ready.
  input  logic         cmd_valid,
  output logic         cmd_ready,
  input  logic [31:0]  cmd_insn,
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [63:0]  cmd_rs1,        // x[rs1]: vbcast uses its low 32 bits at most
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [511:0] cmd_load_data,  // vld: the 64 bytes the core read
  // Response: raised after the instruction's last edge, held (payload too) until rsp_ready.
  output logic         rsp_valid,
  input  logic         rsp_ready,
  output logic         rsp_illegal,
  output logic         rsp_writes_scalar,
  output logic [63:0]  rsp_scalar,       // vhsum
  output logic [511:0] rsp_store_data,   // vst: the 64 bytes for the core to write
  // CSRs: read combinationally (what the retired instructions left), written on a rising edge
  // while idle (no instruction in flight).
  output logic         idle,
  input  logic         csr_write,
  input  logic [11:0]  csr_addr,
  input  logic [63:0]  csr_wdata,
  output logic         csr_exists,
  output logic [63:0]  csr_rdata,
  // Debug read port for the register file.
  input  logic [4:0]   debug_reg,
  output logic [511:0] debug_data
);

  localparam logic [6:0] F7_VLD = 7'h00, F7_VST = 7'h01, F7_VBCAST = 7'h02, F7_VADD = 7'h03,
                         F7_VSUB = 7'h04, F7_VMUL = 7'h05, F7_VFMA = 7'h06, F7_VMIN = 7'h07,
                         F7_VMAX = 7'h08, F7_VRELU = 7'h09, F7_VDOT = 7'h0A, F7_VCVT = 7'h0B,
                         F7_VHSUM = 7'h0C, F7_VMMA = 7'h0D;
  localparam logic [11:0] CSR_VCFG = 12'h800, CSR_VSEED = 12'h801, CSR_VFLAGS = 12'h802;
  localparam logic [63:0] VCFG_WRITABLE = 64'h1_3F3F;
  localparam logic [63:0] VCFG_RESET = 64'h0F07;

  typedef struct packed {
    logic legal;
    op_class_e op;
    logic [4:0] last_pass;
    logic narrowing;  // the result is rounded to BF16/CFP8 (draws stochastic numbers)
    logic [4:0] stages;  // in the completion queue
    logic [31:0] reads, writes;  // vector registers, one bit each
  } decoded_t;

  function automatic logic is_float(input logic [2:0] ty);
    return ty == T_F32 || ty == T_BF16 || ty == T_E4M3 || ty == T_E5M2;
  endfunction

  function automatic logic is_narrow_float(input logic [2:0] ty);
    return ty == T_BF16 || ty == T_E4M3 || ty == T_E5M2;
  endfunction

  // Element width in bits as log2 (3 = 8 bits, 4 = 16, 5 = 32).
  function automatic logic [2:0] log2_width(input logic [2:0] ty);
    case (ty)
      T_F32, T_I32: return 3'd5;
      T_BF16: return 3'd4;
      default: return 3'd3;
    endcase
  endfunction

  function automatic decoded_t decode(input logic [31:0] insn);
    decoded_t d;
    logic [6:0] funct7;
    logic [2:0] ty, source_ty;
    logic [4:0] rd, rs2;
    logic [2:0] wide_log2, narrow_log2;
    funct7 = insn[31:25];
    rs2 = insn[24:20];
    ty = insn[14:12];
    rd = insn[11:7];
    source_ty = rs2[4:2];
    d.legal = 1'b0;
    d.op = OP_VLD;
    d.last_pass = 5'd0;
    d.narrowing = 1'b0;
    if (insn[6:0] == 7'h0B) begin
      unique case (funct7)
        F7_VLD: begin d.op = OP_VLD; d.legal = ty == T_F32 && rs2 == 5'd0; end
        F7_VST: begin d.op = OP_VST; d.legal = ty == T_F32 && rd == 5'd0; end
        F7_VBCAST: begin d.op = OP_VBCAST; d.legal = ty <= T_E5M2 && rs2 == 5'd0; end
        F7_VADD, F7_VSUB, F7_VMUL: begin
          d.legal = ty <= T_I8;
          d.op = is_float(ty) ? OP_FP_ARITH : OP_INT_ARITH;
        end
        F7_VFMA: begin d.op = OP_FP_ARITH; d.legal = ty <= T_BF16; end
        F7_VMIN, F7_VMAX: begin d.op = OP_MINMAX; d.legal = ty <= T_BF16; end
        F7_VRELU: begin d.op = OP_RELU; d.legal = ty <= T_I8 && rs2 == 5'd0; end
        F7_VDOT: begin d.op = OP_VDOT; d.legal = ty == T_I8; end
        F7_VCVT: begin
          d.op = OP_VCVT;
          wide_log2 = log2_width(ty) > log2_width(source_ty) ? log2_width(ty) : log2_width(source_ty);
          narrow_log2 = log2_width(ty) > log2_width(source_ty) ? log2_width(source_ty) : log2_width(ty);
          // part < (wider width / narrower width); n = 512 / wider width elements, 16 per pass.
          d.legal = is_float(ty) && is_float(source_ty) && ty != source_ty
              && {1'b0, rs2[1:0]} < (3'd1 << (wide_log2 - narrow_log2));
          d.last_pass = 5'((5'd1 << (3'd5 - wide_log2)) - 5'd1);
          d.narrowing = is_narrow_float(ty);
        end
        F7_VHSUM: begin
          d.op = OP_HSUM;
          d.legal = ty <= T_I8 && rs2 == 5'd0;
          d.last_pass = ty == T_F32 ? 5'd3 : (ty == T_BF16 ? 5'd4 : 5'd0);
        end
        F7_VMMA: begin
          d.op = OP_VMMA;
          d.legal = (ty == T_BF16 || ty == T_E4M3 || ty == T_E5M2) && rd[1:0] == 2'd0;
          d.last_pass = 5'd15;
        end
        default: d.legal = 1'b0;
      endcase
      if (d.op == OP_FP_ARITH && ty == T_BF16) begin
        d.last_pass = 5'd1;
        d.narrowing = 1'b1;
      end
    end
    d.stages = 5'd0;
    d.reads = 32'd0;
    d.writes = 32'd0;
    if (d.legal) begin
      if (d.op == OP_FP_ARITH || (d.op == OP_HSUM && (ty == T_F32 || ty == T_BF16)))
        d.stages = 5'(FMA_STAGES);
      if (d.op == OP_VMMA) d.stages = 5'(MMA_STAGES);
      if (d.op != OP_VLD && d.op != OP_VBCAST && d.op != OP_VST) d.reads[insn[19:15]] = 1'b1;
      if (d.op == OP_VST || d.op == OP_VDOT || d.op == OP_VMMA || (funct7 >= F7_VADD && funct7 <= F7_VMAX))
        d.reads[rs2] = 1'b1;
      if (funct7 == F7_VFMA || d.op == OP_VDOT || d.op == OP_VCVT) d.reads[rd] = 1'b1;
      if (d.op == OP_VMMA) d.reads = d.reads | (32'hF << rd);
      if (d.op == OP_VMMA) d.writes = 32'hF << rd;
      else if (d.op != OP_VST && d.op != OP_HSUM) d.writes[rd] = 1'b1;
    end else begin
      d.op = OP_VST;  // one pass that changes nothing
      d.last_pass = 5'd0;
      d.narrowing = 1'b0;
    end
    return d;
  endfunction

  // Element `index` of type `ty`, zero-extended.
  function automatic logic [31:0] element(input logic [511:0] data, input logic [2:0] ty,
                                          input logic [5:0] index);
    case (log2_width(ty))
      3'd5: return data[32 * index[3:0] +: 32];
      3'd4: return {16'd0, data[16 * index[4:0] +: 16]};
      default: return {24'd0, data[8 * index +: 8]};
    endcase
  endfunction

  // Element `position` of an 8-element slice of BF16 or CFP8 elements, zero-extended.
  function automatic logic [31:0] slice_element(input logic [127:0] slice, input logic [2:0] ty,
                                                input logic [2:0] position);
    return ty == T_BF16 ? {16'd0, slice[16 * position +: 16]} : {24'd0, slice[8 * position +: 8]};
  endfunction

  function automatic logic [1:0] narrow_format(input logic [2:0] ty);
    return ty == T_BF16 ? NARROW_BF16 : (ty == T_E4M3 ? NARROW_E4M3 : NARROW_E5M2);
  endfunction

  // ---- State ----
  logic [511:0] regs [32];
  logic [63:0] vcfg_q;
  logic [63:0] vseed_q;       // retired: what the CSR reads
  logic [63:0] pass_vseed_q;  // the pass engine's: advanced by every narrowing that has passed
  logic [3:0] vflags_q;

  // The pass engine.
  logic busy_q;
  op_class_e op_q;
  logic [6:0] funct7_q;
  logic [2:0] ty_q;
  logic [4:0] rd_q, rs2_q;
  logic [4:0] pass_q, last_pass_q;
  logic narrowing_q, illegal_q;
  logic [4:0] stages_q;
  logic [31:0] writes_q;
  logic [31:0] rs1_q;  // vbcast uses at most 32 bits
  logic [511:0] opa_q, opb_q;   // vs1 (or the load data), vs2
  logic [3:0][511:0] acc_q;     // vd..vd+3: accumulators and the result being assembled
  logic [15:0][31:0] tree_q;    // vhsum partial sums
  logic [3:0] flags_q;

  // The completion queue: a ring of results in program order, the oldest at head_q. Each result
  // is written once, as it enters, and read as it retires: only the countdowns move every edge.
  logic [4:0] q_countdown [QUEUE_DEPTH];  // stages still to wait
  logic [31:0] q_writes [QUEUE_DEPTH];    // registers written at retirement
  logic [4:0] q_rd [QUEUE_DEPTH];
  logic q_group [QUEUE_DEPTH];            // vmma: vd..vd+3 from q_data[0..3]
  logic [3:0][511:0] q_data [QUEUE_DEPTH];
  logic [3:0] q_flags [QUEUE_DEPTH];
  logic q_seed_step [QUEUE_DEPTH];        // advances vseed at retirement
  logic q_illegal [QUEUE_DEPTH], q_writes_scalar [QUEUE_DEPTH];
  logic [63:0] q_scalar [QUEUE_DEPTH];
  logic [511:0] q_store_data [QUEUE_DEPTH];
  localparam int SLOT_BITS = QUEUE_DEPTH > 1 ? $clog2(QUEUE_DEPTH) : 1;
  typedef logic [SLOT_BITS-1:0] slot_t;
  slot_t head_q;         // the oldest result's slot
  logic [4:0] queued_q;  // results in the queue

  // The slot `offset` results after the oldest.
  function automatic slot_t slot(input logic [4:0] offset);
    logic [5:0] sum = 6'(head_q) + {1'b0, offset};
    return slot_t'(sum >= 6'(QUEUE_DEPTH) ? sum - 6'(QUEUE_DEPTH) : sum);
  endfunction

  decoded_t cmd_decoded;
  assign cmd_decoded = decode(cmd_insn);

  // ---- Issue ----
  logic retire, pass_done, push, hazard;
  logic [31:0] pending_writes;
  // The oldest result leaves when its stages are over and the response register is free.
  assign retire = queued_q != 5'd0 && q_countdown[head_q] == 5'd0 && (!rsp_valid || rsp_ready);
  assign pass_done = busy_q && pass_q == last_pass_q;
  assign push = pass_done && queued_q - 5'(retire) < 5'(QUEUE_DEPTH);
  assign idle = !busy_q && queued_q == 5'd0;
`ifdef DOJO_RTL_PROTOCOL_BUGS
  // Deliberate protocol and pipeline bugs, one per checker rule and two that only lockstep sees,
  // chosen at run time with +protocol_bug=N (tests/vector/test_rtl_protocol.cpp proves each is
  // caught); 0 = none.
  int protocol_bug;
  initial if (!$value$plusargs("protocol_bug=%d", protocol_bug)) protocol_bug = 0;
`endif
  // Registers that results still to come will write: the executing instruction's, and those of the
  // queue but the one retiring now (forwarded instead).
  always_comb begin
    pending_writes = busy_q ? writes_q : 32'd0;
    for (int i = 0; i < QUEUE_DEPTH; i++)
      if (5'(i) < queued_q && !(i == 0 && retire)) pending_writes |= q_writes[slot(5'(i))];
`ifdef DOJO_RTL_PROTOCOL_BUGS
    if (protocol_bug == 8) pending_writes = busy_q ? writes_q : 32'd0;  // the queue forgotten
`endif
  end
  assign hazard = |(cmd_decoded.reads & pending_writes);
  logic forwarding;  // the command reads the retiring result (for the checker's coverage)
  assign forwarding = retire && |(cmd_decoded.reads & q_writes[head_q]);
`ifndef DOJO_RTL_PROTOCOL_BUGS
  assign cmd_ready = (!busy_q || push) && !hazard;
`else
  assign cmd_ready = ((!busy_q || push) && !hazard) || protocol_bug == 5;
`endif

  // Register r as an operand taken at this edge: the retiring result's value if it writes r.
  function automatic logic [511:0] operand(input logic [4:0] r);
    logic forwarded = retire && q_writes[head_q][r];
    logic [1:0] index = q_group[head_q] ? r[1:0] : 2'd0;
`ifdef DOJO_RTL_PROTOCOL_BUGS
    if (protocol_bug == 7) forwarded = 1'b0;  // the bypass reads the stale register
`endif
    if (forwarded) return q_data[head_q][index];
    return regs[r];
  endfunction

  assign debug_data = regs[debug_reg];

  always_comb begin
    csr_exists = 1'b1;
    unique case (csr_addr)
      CSR_VCFG: csr_rdata = vcfg_q;
      CSR_VSEED: csr_rdata = vseed_q;
      CSR_VFLAGS: csr_rdata = {60'd0, vflags_q};
      default: begin
        csr_exists = 1'b0;
        csr_rdata = 64'd0;
      end
    endcase
  end

  // ---- One pass of the current instruction ----
  logic [3:0][511:0] acc_n;
  logic [15:0][31:0] tree_n;
  logic [3:0] pass_flags;
  logic [63:0] scalar_n;

  logic stochastic;
  logic [2:0] cvt_source_ty;
  logic [1:0] cvt_part;
  logic [11:0] cfp8_biases;
  assign stochastic = vcfg_q[16];
  assign cfp8_biases = {vcfg_q[13:8], vcfg_q[5:0]};
  assign cvt_source_ty = rs2_q[4:2];
  assign cvt_part = rs2_q[1:0];

  // The pass in three steps, so that each lane has ONE FMA and ONE narrowing datapath shared by
  // every instruction: (1) select the lane's FMA operands, (2) the 16 FMAs, (3) select the
  // narrowing input, narrow, and route the results. Datapaths an instruction does not use are
  // not evaluated (which is also what keeps Verilator fast).
  always_comb begin
    logic [31:0] x, y, z, random;
    logic [5:0] element_index, source_index, lane_count;
    logic [31:0] fma_a [16], fma_b [16], fma_c [16], narrow_in [16];
    f32_result_t fma_out [16];
    logic [15:0] fma_used, narrow_used;
    logic [5:0] destination [16];  // the lane's destination element (stochastic lane number)
    logic [1:0] format;
    logic [5:0] bias;
    narrow_result_t narrowed;
    widened_t wa, a_rows [2], b_columns [8];
    logic [127:0] a_slice, b_slice;
    logic [32:0] selected;
    logic [31:0] dot;
    logic [1:0] group, k;
    logic [2:0] wide_log2;
    acc_n = acc_q;
    tree_n = tree_q;
    pass_flags = 4'd0;
    scalar_n = 64'd0;
    fma_used = 16'd0;
    narrow_used = 16'd0;
    for (int l = 0; l < 16; l++) begin
      fma_a[l] = 32'd0;
      fma_b[l] = 32'd0;
      fma_c[l] = 32'd0;
      fma_out[l] = '0;
      narrow_in[l] = 32'd0;
      destination[l] = 6'd0;
    end
    format = narrow_format(ty_q);
    bias = ty_q == T_E4M3 ? vcfg_q[5:0] : vcfg_q[13:8];
    wide_log2 = log2_width(ty_q) > log2_width(cvt_source_ty) ? log2_width(ty_q)
                                                            : log2_width(cvt_source_ty);
    lane_count = 6'(7'd64 >> (wide_log2 - 3'd3));  // vcvt's n: elements of the wider type
    group = pass_q[3:2];
    k = pass_q[1:0];
    if (busy_q) begin
      // (1) FMA operands (and the conversions' narrowing inputs).
      unique case (op_q)
        OP_FP_ARITH: begin
          for (int l = 0; l < 16; l++) begin
            element_index = {pass_q[1:0], 4'(l)};
            if (ty_q == T_F32) begin
              x = opa_q[32 * l +: 32];
              y = opb_q[32 * l +: 32];
              z = acc_q[0][32 * l +: 32];
            end else begin
              x = {opa_q[16 * element_index[4:0] +: 16], 16'd0};
              y = {opb_q[16 * element_index[4:0] +: 16], 16'd0};
              z = {acc_q[0][16 * element_index[4:0] +: 16], 16'd0};
            end
            fma_a[l] = x;
            unique case (funct7_q)
              F7_VADD: begin fma_b[l] = F32_ONE; fma_c[l] = y; end
              F7_VSUB: begin fma_b[l] = F32_ONE; fma_c[l] = {~y[31], y[30:0]}; end
              F7_VMUL: begin fma_b[l] = y; fma_c[l] = F32_NEG_ZERO; end
              default: begin fma_b[l] = y; fma_c[l] = z; end
            endcase
            fma_used[l] = 1'b1;
            destination[l] = element_index;
          end
        end
        OP_HSUM: begin
          // Level pass_q of the pairwise tree: lane l adds inputs 2l and 2l+1.
          if (ty_q == T_F32 || ty_q == T_BF16) begin
            for (int l = 0; l < 16; l++) begin
              if (6'(l) < 6'((ty_q == T_F32 ? 6'd8 : 6'd16) >> pass_q)) begin
                if (pass_q != 5'd0) begin
                  fma_a[l] = tree_q[2 * l];
                  fma_c[l] = tree_q[2 * l + 1];
                end else if (ty_q == T_F32) begin
                  fma_a[l] = opa_q[64 * l +: 32];
                  fma_c[l] = opa_q[64 * l + 32 +: 32];
                end else begin
                  fma_a[l] = {opa_q[32 * l +: 16], 16'd0};
                  fma_c[l] = {opa_q[32 * l + 16 +: 16], 16'd0};
                end
                fma_b[l] = F32_ONE;
                fma_used[l] = 1'b1;
              end
            end
          end
        end
        OP_VMMA: begin
          // Pass p (group g = p / 4, step k = p % 4): outputs 16g..16g+15, register vd+g, are
          // C[i][j] for rows i = 2g, 2g+1 and columns j = 0..7, and take step k of
          // C[i][j] += A[i][k] * B[k][j]. The pass reads A[2g][k] and A[2g+1][k], each broadcast
          // along its row of lanes, and row k of B: in both A and B, elements of one 8-element
          // slice (128 bits of BF16, 64 of CFP8).
          a_slice = ty_q == T_BF16 ? opa_q[128 * group +: 128] : {64'd0, opa_q[64 * group +: 64]};
          b_slice = ty_q == T_BF16 ? opb_q[128 * k +: 128] : {64'd0, opb_q[64 * k +: 64]};
          for (int r = 0; r < 2; r++) begin
            a_rows[r] = widen(slice_element(a_slice, ty_q, {1'(r), k}), ty_q, cfp8_biases);
            pass_flags[FLAG_DENORMAL] |= a_rows[r].denormal;
          end
          for (int j = 0; j < 8; j++) begin
            b_columns[j] = widen(slice_element(b_slice, ty_q, 3'(j)), ty_q, cfp8_biases);
            pass_flags[FLAG_DENORMAL] |= b_columns[j].denormal;
          end
          for (int l = 0; l < 16; l++) begin
            fma_a[l] = a_rows[l >= 8].value;
            fma_b[l] = b_columns[3'(l)].value;
            fma_c[l] = acc_q[group][32 * l +: 32];
            fma_used[l] = 1'b1;
          end
        end
        OP_VCVT: begin
          for (int l = 0; l < 16; l++) begin
            element_index = {pass_q[1:0], 4'(l)};
            source_index = log2_width(ty_q) > log2_width(cvt_source_ty)
                ? 6'(cvt_part * lane_count) + element_index : element_index;
            destination[l] = log2_width(ty_q) < log2_width(cvt_source_ty)
                ? 6'(cvt_part * lane_count) + element_index : element_index;
            wa = widen(element(opa_q, cvt_source_ty, source_index), cvt_source_ty, cfp8_biases);
            pass_flags[FLAG_DENORMAL] |= wa.denormal;
            if (ty_q == T_F32) begin
              pass_flags[FLAG_INVALID] |= f32_is_snan(wa.value);
              acc_n[0][32 * destination[l][3:0] +: 32] = f32_is_nan(wa.value) ? F32_QNAN : wa.value;
            end else begin
              narrow_in[l] = wa.value;
              narrow_used[l] = 1'b1;
            end
          end
        end
        default: ;
      endcase

      // (2) The FMA lanes.
      for (int l = 0; l < 16; l++) begin
        if (fma_used[l]) begin
          fma_out[l] = fma32(fma_a[l], fma_b[l], fma_c[l]);
          pass_flags |= fma_out[l].flags;
        end
      end

      // (3) Narrowing (BF16 arithmetic results, conversions) and results.
      if (op_q == OP_FP_ARITH && ty_q == T_BF16) begin
        for (int l = 0; l < 16; l++) narrow_in[l] = fma_out[l].value;
        narrow_used = 16'hFFFF;
      end
      if (narrow_used != 16'd0) for (int l = 0; l < 16; l++) begin
        if (narrow_used[l]) begin
          random = stochastic ? lane_random(pass_vseed_q[31:0], {26'd0, destination[l]}) : 32'd0;
          narrowed = narrow(narrow_in[l], format, bias, stochastic, random);
          pass_flags |= narrowed.flags;
          if (ty_q == T_BF16) acc_n[0][16 * destination[l][4:0] +: 16] = narrowed.code;
          else acc_n[0][8 * destination[l] +: 8] = narrowed.code[7:0];
        end
      end

      unique case (op_q)
        OP_VLD: acc_n[0] = opa_q;
        OP_VST: ;
        OP_VBCAST: begin
          unique case (log2_width(ty_q))
            3'd5: acc_n[0] = {16{rs1_q[31:0]}};
            3'd4: acc_n[0] = {32{rs1_q[15:0]}};
            default: acc_n[0] = {64{rs1_q[7:0]}};
          endcase
        end
        OP_INT_ARITH: begin
          if (ty_q == T_I32) begin
            for (int l = 0; l < 16; l++) begin
              x = opa_q[32 * l +: 32];
              y = opb_q[32 * l +: 32];
              acc_n[0][32 * l +: 32] = funct7_q == F7_VADD ? x + y : (funct7_q == F7_VSUB ? x - y : x * y);
            end
          end else begin
            for (int l = 0; l < 64; l++) begin
              x = {24'd0, opa_q[8 * l +: 8]};
              y = {24'd0, opb_q[8 * l +: 8]};
              z = funct7_q == F7_VADD ? x + y : (funct7_q == F7_VSUB ? x - y : x * y);
              acc_n[0][8 * l +: 8] = z[7:0];
            end
          end
        end
        OP_VDOT: begin
          for (int l = 0; l < 16; l++) begin
            dot = acc_q[0][32 * l +: 32];
            for (int m = 0; m < 4; m++) begin
              dot = dot + 32'($signed(opa_q[8 * (4 * l + m) +: 8]) * $signed(opb_q[8 * (4 * l + m) +: 8]));
            end
            acc_n[0][32 * l +: 32] = dot;
          end
        end
        OP_RELU: begin
          unique case (ty_q)
            T_F32: for (int l = 0; l < 16; l++) begin
              x = opa_q[32 * l +: 32];
              pass_flags[FLAG_INVALID] |= f32_is_snan(x);
              acc_n[0][32 * l +: 32] = f32_is_nan(x) ? F32_QNAN : (x[31] ? 32'd0 : x);
            end
            T_BF16: for (int l = 0; l < 32; l++) begin
              x = {opa_q[16 * l +: 16], 16'd0};
              pass_flags[FLAG_INVALID] |= f32_is_snan(x);
              z = f32_is_nan(x) ? F32_QNAN : (x[31] ? 32'd0 : x);
              acc_n[0][16 * l +: 16] = z[31:16];
            end
            T_I32: for (int l = 0; l < 16; l++) begin
              if (opa_q[32 * l + 31]) acc_n[0][32 * l +: 32] = 32'd0;
              else acc_n[0][32 * l +: 32] = opa_q[32 * l +: 32];
            end
            default: for (int l = 0; l < 64; l++) begin
              if (opa_q[8 * l + 7]) acc_n[0][8 * l +: 8] = 8'd0;
              else acc_n[0][8 * l +: 8] = opa_q[8 * l +: 8];
            end
          endcase
        end
        OP_MINMAX: begin
          for (int l = 0; l < 32; l++) begin
            if (ty_q == T_F32 && l < 16) begin
              x = opa_q[32 * l +: 32];
              y = opb_q[32 * l +: 32];
            end else begin
              x = {opa_q[16 * l +: 16], 16'd0};
              y = {opb_q[16 * l +: 16], 16'd0};
            end
            if (ty_q == T_BF16 || l < 16) begin
              selected = min_max(x, y, funct7_q == F7_VMAX);
              pass_flags[FLAG_INVALID] |= selected[32];
              pass_flags[FLAG_DENORMAL] |= f32_is_subnormal(x) || f32_is_subnormal(y);
              if (ty_q == T_F32) acc_n[0][32 * l +: 32] = selected[31:0];
              else acc_n[0][16 * l +: 16] = selected[31:16];
            end
          end
        end
        OP_FP_ARITH: begin
          if (ty_q == T_F32)
            for (int l = 0; l < 16; l++) acc_n[0][32 * l +: 32] = fma_out[l].value;
        end
        OP_VCVT: ;
        OP_HSUM: begin
          if (ty_q == T_I32) begin
            for (int l = 0; l < 16; l++) scalar_n = scalar_n + 64'($signed(opa_q[32 * l +: 32]));
          end else if (ty_q == T_I8) begin
            for (int l = 0; l < 64; l++) scalar_n = scalar_n + 64'($signed(opa_q[8 * l +: 8]));
          end else begin
            for (int l = 0; l < 16; l++) if (fma_used[l]) tree_n[l] = fma_out[l].value;
            scalar_n = {{32{tree_n[0][31]}}, tree_n[0]};
          end
        end
        OP_VMMA: for (int l = 0; l < 16; l++) acc_n[group][32 * l +: 32] = fma_out[l].value;
        default: ;
      endcase
    end
  end

  // ---- Issue, passes, retirement, CSRs ----
  slot_t tail;  // where the pass engine's result enters
  assign tail = slot(queued_q);  // behind the others: a slot retiring now is free by then
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      for (int r = 0; r < 32; r++) regs[r] <= 512'd0;
      vcfg_q <= VCFG_RESET;
      vseed_q <= 64'd0;
      pass_vseed_q <= 64'd0;
      vflags_q <= 4'd0;
      busy_q <= 1'b0;
      head_q <= '0;
      queued_q <= 5'd0;
      rsp_valid <= 1'b0;
      rsp_illegal <= 1'b0;
      rsp_writes_scalar <= 1'b0;
      rsp_scalar <= 64'd0;
      rsp_store_data <= 512'd0;
    end else begin
      if (rsp_ready) rsp_valid <= 1'b0;
`ifdef DOJO_RTL_PROTOCOL_BUGS
      if (protocol_bug == 1) rsp_valid <= 1'b0;  // a response withdrawn before it moved
      if (protocol_bug == 2 && csr_write) rsp_valid <= 1'b1;  // a response owed to nobody
`endif
      if (idle && csr_write) begin
        unique case (csr_addr)
          CSR_VCFG: vcfg_q <= csr_wdata & VCFG_WRITABLE;
          CSR_VSEED: begin
            vseed_q <= csr_wdata;
            pass_vseed_q <= csr_wdata;
          end
          CSR_VFLAGS: vflags_q <= csr_wdata[3:0];
          default: ;
        endcase
      end

      // Retirement: the oldest result writes the state and answers.
      if (retire) begin
        rsp_valid <= 1'b1;
        rsp_illegal <= q_illegal[head_q];
        rsp_writes_scalar <= q_writes_scalar[head_q];
        rsp_scalar <= q_scalar[head_q];
        rsp_store_data <= q_store_data[head_q];
        vflags_q <= vflags_q | q_flags[head_q];
        if (q_seed_step[head_q]) vseed_q <= vseed_q + 64'd1;
        if (q_group[head_q])
          for (int g = 0; g < 4; g++) regs[q_rd[head_q] | 5'(g)] <= q_data[head_q][g];
        else if (q_writes[head_q] != 32'd0) regs[q_rd[head_q]] <= q_data[head_q][0];
        head_q <= slot(5'd1);
      end
      for (int i = 0; i < QUEUE_DEPTH; i++)
        if (q_countdown[i] != 5'd0) q_countdown[i] <= q_countdown[i] - 5'd1;
      // The pass engine's result enters behind the others.
`ifndef DOJO_RTL_PROTOCOL_BUGS
      if (push) begin
`else
      if (push || (protocol_bug == 9 && pass_done)) begin  // a full queue overrun
`endif
        q_countdown[tail] <= stages_q;
        q_writes[tail] <= writes_q;
        q_rd[tail] <= rd_q;
        q_group[tail] <= op_q == OP_VMMA;
        q_data[tail] <= acc_n;
        q_flags[tail] <= flags_q | pass_flags;
        q_seed_step[tail] <= narrowing_q && stochastic;
        q_illegal[tail] <= illegal_q;
        q_writes_scalar[tail] <= op_q == OP_HSUM;
`ifdef DOJO_RTL_PROTOCOL_BUGS
        if (protocol_bug == 6 && illegal_q) q_writes_scalar[tail] <= 1'b1;  // an illegal "result"
`endif
        q_scalar[tail] <= scalar_n;
        q_store_data[tail] <= opb_q;
        queued_q <= queued_q - 5'(retire) + 5'd1;
      end else begin
        queued_q <= queued_q - 5'(retire);
      end

      // The pass engine: a pass that is not the last, or the last one leaving for the queue.
      if (busy_q && !pass_done) begin
        pass_q <= pass_q + 5'd1;
`ifdef DOJO_RTL_PROTOCOL_BUGS
        if (protocol_bug == 4) pass_q <= pass_q + 5'd2;  // past the last pass
`endif
        acc_q <= acc_n;
        tree_q <= tree_n;
        flags_q <= flags_q | pass_flags;
      end
      if (push) begin
        busy_q <= 1'b0;
        if (narrowing_q && stochastic) pass_vseed_q <= pass_vseed_q + 64'd1;
      end
      if (cmd_valid && cmd_ready) begin
        busy_q <= 1'b1;
        illegal_q <= !cmd_decoded.legal;
        op_q <= cmd_decoded.op;
        last_pass_q <= cmd_decoded.last_pass;
`ifdef DOJO_RTL_PROTOCOL_BUGS
        if (protocol_bug == 3 && cmd_decoded.op == OP_VMMA) last_pass_q <= 5'd31;  // too slow
`endif
        narrowing_q <= cmd_decoded.narrowing;
        stages_q <= cmd_decoded.stages;
        writes_q <= cmd_decoded.writes;
        funct7_q <= cmd_insn[31:25];
        rs2_q <= cmd_insn[24:20];
        ty_q <= cmd_insn[14:12];
        rd_q <= cmd_insn[11:7];
        rs1_q <= cmd_rs1[31:0];
        pass_q <= 5'd0;
        flags_q <= 4'd0;
        opa_q <= cmd_decoded.op == OP_VLD ? cmd_load_data : operand(cmd_insn[19:15]);
        opb_q <= operand(cmd_insn[24:20]);
        for (int g = 0; g < 4; g++) acc_q[g] <= operand(cmd_insn[11:7] | 5'(g));
      end
    end
  end

endmodule
