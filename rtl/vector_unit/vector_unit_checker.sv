// The rules of the vector unit's interface (docs/cosim.md#protocol) as assertions, bound into
// every vector_unit: the driver's side (the core's transactor) and the unit's. Verilator compiles
// them with --assert; the first that fails stops the RtlEngine with its message. The C++ side of
// the boundary checks the same port rules (models/vector/rtl_protocol_checker.h).
module vector_unit_checker
  import vu_pkg::*;
#(
  parameter int MAX_OUTSTANDING,  // commands accepted and not yet answered
  parameter int MAX_LATENCY,      // the longest wait for a response while one is owed, in cycles
  parameter int QUEUE_DEPTH
) (
  input logic         clk,
  input logic         rst_n,
  input logic         cmd_valid,
  input logic         cmd_ready,
  input logic [31:0]  cmd_insn,
  input logic [63:0]  cmd_rs1,
  input logic [511:0] cmd_load_data,
  input logic         rsp_valid,
  input logic         rsp_ready,
  input logic         rsp_illegal,
  input logic         rsp_writes_scalar,
  input logic [63:0]  rsp_scalar,
  input logic [511:0] rsp_store_data,
  input logic         idle,
  input logic         csr_write,
  // The pass engine's and the completion queue's state.
  input logic         busy,
  input op_class_e    op,
  input logic [4:0]   pass,
  input logic [4:0]   last_pass,
  input logic [4:0]   queued,
  input logic         pass_done,
  input logic         push,
  input logic         hazard,
  input logic         forwarding
);

  int outstanding;  // commands accepted and not answered
  // Cycles without a response while one is owed: since the last response, or since the accepting
  // edge (included) of a command taken when none was owed.
  int waited;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      outstanding <= 0;
      waited <= 0;
    end else begin
      outstanding <= outstanding + int'(cmd_valid && cmd_ready) - int'(rsp_valid && rsp_ready);
      if (cmd_valid && cmd_ready && outstanding - int'(rsp_valid && rsp_ready) == 0) waited <= 1;
      else if (rsp_valid) waited <= 0;
      else if (outstanding != 0) waited <= waited + 1;
    end
  end

  // cmd_hold and rsp_hold compare a command or response with a copy taken at the edge where it
  // waited, in clocked assertions: written with $stable in a property, they made Verilator copy
  // both 512-bit payloads at every evaluation (7% of an RTL run's time).
  logic cmd_held, rsp_held;  // the last edge saw it offered and not taken
  logic [31:0] held_insn;
  logic [63:0] held_rs1, held_scalar;
  logic [511:0] held_load_data, held_store_data;
  logic held_illegal, held_writes_scalar;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) begin
      cmd_held <= 1'b0;
      rsp_held <= 1'b0;
    end else begin
      if (cmd_held)
        cmd_hold: assert (cmd_valid && cmd_insn == held_insn && cmd_rs1 == held_rs1
                          && cmd_load_data == held_load_data)
          else $error("vector unit protocol: cmd_hold: command changed or withdrawn before cmd_ready");
      if (rsp_held)
        rsp_hold: assert (rsp_valid && rsp_illegal == held_illegal
                          && rsp_writes_scalar == held_writes_scalar && rsp_scalar == held_scalar
                          && rsp_store_data == held_store_data)
          else $error("vector unit protocol: rsp_hold: response changed or withdrawn before rsp_ready");
      cmd_held <= cmd_valid && !cmd_ready;
      if (cmd_valid && !cmd_ready) begin
        held_insn <= cmd_insn;
        held_rs1 <= cmd_rs1;
        held_load_data <= cmd_load_data;
      end
      rsp_held <= rsp_valid && !rsp_ready;
      if (rsp_valid && !rsp_ready) begin
        held_illegal <= rsp_illegal;
        held_writes_scalar <= rsp_writes_scalar;
        held_scalar <= rsp_scalar;
        held_store_data <= rsp_store_data;
      end
    end
  end

  // disable iff samples the unit's asynchronous reset at the clock: enough to silence the
  // rules while the unit is reset.
  /* verilator lint_off SYNCASYNCNET */

  // The driver's rules.
  csr_write_idle: assert property (@(posedge clk) disable iff (!rst_n) csr_write |-> idle)
    else $error("vector unit protocol: csr_write_idle: CSR write while an instruction executes");

  // The unit's rules.
  rsp_owed: assert property (@(posedge clk) disable iff (!rst_n) rsp_valid |-> outstanding != 0)
    else $error("vector unit protocol: rsp_owed: a response without a command to answer");
  outstanding_limit: assert property (@(posedge clk) disable iff (!rst_n)
      outstanding <= MAX_OUTSTANDING)
    else $error("vector unit protocol: outstanding_limit: more commands accepted than held");
  rsp_latency: assert property (@(posedge clk) disable iff (!rst_n)
      outstanding != 0 && !rsp_valid |-> waited < MAX_LATENCY)
    else $error("vector unit protocol: rsp_latency: no response within the longest latency");
  illegal_no_result: assert property (@(posedge clk) disable iff (!rst_n)
      rsp_valid && rsp_illegal |-> !rsp_writes_scalar)
    else $error("vector unit protocol: illegal_no_result: illegal instruction with a result");
  legal_state: assert property (@(posedge clk) disable iff (!rst_n)
      (!busy || (op <= OP_VMMA && pass <= last_pass)) && int'(queued) <= QUEUE_DEPTH)
    else $error("vector unit protocol: legal_state: the pass engine or queue left its legal states");

  // The pipeline's events, for code coverage (--coverage-user): each must be seen to be trusted.
  interlock: cover property (@(posedge clk) disable iff (!rst_n)
      cmd_valid && !cmd_ready && hazard);
  forwarded: cover property (@(posedge clk) disable iff (!rst_n)
      cmd_valid && cmd_ready && forwarding);
  back_to_back: cover property (@(posedge clk) disable iff (!rst_n)
      cmd_valid && cmd_ready && busy);
  pass_engine_holds: cover property (@(posedge clk) disable iff (!rst_n) pass_done && !push);
  queue_full: cover property (@(posedge clk) disable iff (!rst_n) int'(queued) == QUEUE_DEPTH);
  response_back_pressure: cover property (@(posedge clk) disable iff (!rst_n)
      rsp_valid && !rsp_ready);
  /* verilator lint_on SYNCASYNCNET */

endmodule

// The limits follow the unit's parameters (as models/vector/vector_pipeline.h computes them):
// the pass engine, the queue and the response register; vmma's latency.
bind vector_unit vector_unit_checker #(
  .MAX_OUTSTANDING(QUEUE_DEPTH + 2),
  .MAX_LATENCY(1 + 16 + 1 + (FMA_STAGES > MMA_STAGES ? FMA_STAGES : MMA_STAGES)),
  .QUEUE_DEPTH(QUEUE_DEPTH)
) protocol (
  .clk, .rst_n, .cmd_valid, .cmd_ready, .cmd_insn, .cmd_rs1, .cmd_load_data, .rsp_valid,
  .rsp_ready, .rsp_illegal, .rsp_writes_scalar, .rsp_scalar, .rsp_store_data, .idle, .csr_write,
  .busy(busy_q), .op(op_q), .pass(pass_q), .last_pass(last_pass_q), .queued(queued_q),
  .pass_done, .push, .hazard, .forwarding);
