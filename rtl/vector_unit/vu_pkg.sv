// Arithmetic of the D1 vector unit (docs/isa-vector.md): the FP32 fused multiply-add every FP
// operation is built on, narrowing to BF16/CFP8 (RNE or stochastic), widening to FP32, minimumNumber
// and maximumNumber, and the stochastic-rounding hash. Pure functions: vector_unit.sv instantiates
// one copy per lane, so synthesis sees one datapath per lane shared by every instruction.
// The big ones are `verilator no_inline_task`: Verilator makes each a C++ function whose variables
// live on the stack, where inlined it made every variable of every call a member of the model,
// stored to memory at each step (the FMA ran at half the speed).
package vu_pkg;

  // Element types (funct3).
  localparam logic [2:0] T_F32 = 3'd0;
  localparam logic [2:0] T_BF16 = 3'd1;
  localparam logic [2:0] T_I32 = 3'd2;
  localparam logic [2:0] T_I8 = 3'd3;
  localparam logic [2:0] T_E4M3 = 3'd4;
  localparam logic [2:0] T_E5M2 = 3'd5;

  // The unit's classes of instruction (its pass engine's op register).
  typedef enum logic [3:0] {
    OP_VLD, OP_VST, OP_VBCAST, OP_FP_ARITH, OP_INT_ARITH, OP_MINMAX, OP_RELU, OP_VDOT, OP_VCVT,
    OP_HSUM, OP_VMMA
  } op_class_e;

  // vflags bits.
  localparam int FLAG_INVALID = 0;
  localparam int FLAG_DENORMAL = 1;
  localparam int FLAG_OVERFLOW = 2;
  localparam int FLAG_UNDERFLOW = 3;

  localparam logic [31:0] F32_ONE = 32'h3F80_0000;
  localparam logic [31:0] F32_NEG_ZERO = 32'h8000_0000;
  localparam logic [31:0] F32_QNAN = 32'h7FC0_0000;
  localparam logic [31:0] F32_INF = 32'h7F80_0000;
  localparam logic [31:0] LANE_STRIDE = 32'h9E37_79B9;

  typedef logic signed [13:0] exp_t;

  // A finite nonzero binary32 as sig * 2^(exp - 23), sig in [2^23, 2^24).
  typedef struct packed {
    exp_t exp;
    logic [23:0] sig;
  } normalized_t;

  typedef struct packed {
    logic [3:0] flags;
    logic [31:0] value;
  } f32_result_t;

  typedef struct packed {
    logic [3:0] flags;
    logic [15:0] code;
  } narrow_result_t;

  typedef struct packed {
    logic denormal;  // the source element is subnormal in its own format
    logic [31:0] value;
  } widened_t;

  // Classification looks at the magnitude bits only.
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic logic f32_is_nan(input logic [31:0] x);
    return x[30:23] == 8'hFF && x[22:0] != 23'd0;
  endfunction

  function automatic logic f32_is_snan(input logic [31:0] x);
    return f32_is_nan(x) && !x[22];
  endfunction

  function automatic logic f32_is_inf(input logic [31:0] x);
    return x[30:0] == F32_INF[30:0];
  endfunction

  function automatic logic f32_is_zero(input logic [31:0] x);
    return x[30:0] == 31'd0;
  endfunction

  function automatic logic f32_is_subnormal(input logic [31:0] x);
    return x[30:23] == 8'd0 && x[22:0] != 23'd0;
  endfunction

  /* verilator lint_on UNUSEDSIGNAL */

  // (Zero is not normalized: callers handle it first, and the sign is theirs.)
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic normalized_t f32_normalize(input logic [31:0] x);
    normalized_t n;
    if (x[30:23] != 8'd0) begin
      n.sig = {1'b1, x[22:0]};
      n.exp = exp_t'({6'd0, x[30:23]}) - exp_t'(127);
    end else begin
      n.sig = {1'b0, x[22:0]};
      n.exp = -exp_t'(126);
      for (int i = 0; i < 23; i++) begin
        if (!n.sig[23]) begin
          n.sig = n.sig << 1;
          n.exp = n.exp - exp_t'(1);
        end
      end
    end
    return n;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // Leading zeros of a nonzero x.
  function automatic logic [5:0] leading_zeros64(input logic [63:0] x);
    logic [63:0] v;
    logic [5:0] count;
    v = x;
    count = 6'd0;
    if (v[63:32] == 32'd0) begin v = v << 32; count[5] = 1'b1; end
    if (v[63:48] == 16'd0) begin v = v << 16; count[4] = 1'b1; end
    if (v[63:56] == 8'd0) begin v = v << 8; count[3] = 1'b1; end
    if (v[63:60] == 4'd0) begin v = v << 4; count[2] = 1'b1; end
    if (v[63:62] == 2'd0) begin v = v << 2; count[1] = 1'b1; end
    count[0] = !v[63];
    return count;
  endfunction

  // x >> amount (amount >= 0) with every 1 bit shifted out ORed into bit 0 ("jamming"): the
  // result rounds as x * 2^-amount does at any position 2 or more bits above bit 0.
  function automatic logic [63:0] shift_right_jam64(input logic [63:0] x, input exp_t amount);
    if (amount >= exp_t'(64)) return {63'd0, x != 64'd0};
    return (x >> amount[5:0]) | {63'd0, (x & ~(~64'd0 << amount[5:0])) != 64'd0};
  endfunction

  // x >> amount, and whether any 1 bit was shifted out.
  function automatic logic [128:0] shift_right_sticky(input logic [127:0] x, input exp_t amount);
    logic [127:0] lost_mask;
    if (amount >= exp_t'(128)) return {127'd0, 1'b0, x != 128'd0};
    lost_mask = amount == exp_t'(0) ? 128'd0 : ~(128'h0) >> (8'd128 - {1'b0, amount[6:0]});
    return {x >> amount[6:0], (x & lost_mask) != 128'd0};
  endfunction

  // Rounds sign * z * 2^scale (z nonzero, possibly jammed: its bit 0 stands for any fraction
  // below it) to binary32, RNE, with tininess after rounding (on the unbounded exponent, as
  // IEEE 754 defines it). A jammed z is at least 2^60, so the rounding point is far above bit 0.
  function automatic f32_result_t round_pack_f32(input logic sign, input exp_t scale,
                                                 input logic [63:0] z);
    f32_result_t r;
    logic [5:0] shift;
    logic [63:0] n, denormalized;
    exp_t e;  // the exponent of n's leading bit
    logic [23:0] sig;
    logic guard, sticky, tiny, inexact, increment;
    exp_t field_base;
    logic [39:0] magnitude32;
    shift = leading_zeros64(z);
    n = z << shift;
    e = scale + exp_t'(63) - exp_t'({8'd0, shift});
    if (e >= -exp_t'(126)) begin
      sig = n[63:40];
      guard = n[39];
      sticky = n[38:0] != 39'd0;
      field_base = e + exp_t'(126);
      tiny = 1'b0;
    end else begin
      denormalized = shift_right_jam64(n, -exp_t'(126) - e);
      sig = denormalized[63:40];
      guard = denormalized[39];
      sticky = denormalized[38:0] != 39'd0;
      field_base = exp_t'(0);
      // Tiny unless rounding to 24 bits on an unbounded exponent reaches 2^-126.
      tiny = e < -exp_t'(127) || !(n[63:40] == 24'hFFFFFF && n[39]);
    end
    inexact = guard || sticky;
    increment = guard && (sticky || sig[0]);
    magnitude32 = ({{26{field_base[13]}}, field_base} << 23) + {16'd0, sig} + {39'd0, increment};
    r.flags = 4'd0;
    if (magnitude32 >= {8'd0, F32_INF}) begin
      r.value = {sign, F32_INF[30:0]};
      r.flags[FLAG_OVERFLOW] = 1'b1;
    end else begin
      r.value = {sign, magnitude32[30:0]};
    end
    r.flags[FLAG_UNDERFLOW] = tiny && inexact;
    return r;
  endfunction

  // fma(a, b, c) = a*b + c with one rounding: IEEE 754 binary32, RNE, subnormals, canonical NaN,
  // Invalid / Denormal / Overflow / Underflow. add is fma(a, 1, b), sub fma(a, 1, -b), mul
  // fma(a, b, -0): each equals the IEEE operation bit for bit, signed zeros included.
  function automatic f32_result_t fma32(input logic [31:0] a, input logic [31:0] b,
                                        input logic [31:0] c);
    /* verilator no_inline_task */
    f32_result_t r;
    logic product_sign, product_inf, inf_times_zero;
    normalized_t na, nb, nc;
    logic [47:0] product;
    logic [63:0] x, y, z;
    exp_t x_scale, y_scale, scale;
    logic sign, denormal;
    r.flags = 4'd0;
    r.value = 32'd0;
    denormal = f32_is_subnormal(a) || f32_is_subnormal(b) || f32_is_subnormal(c);
    product_sign = a[31] ^ b[31];
    product_inf = f32_is_inf(a) || f32_is_inf(b);
    inf_times_zero = (f32_is_inf(a) && f32_is_zero(b)) || (f32_is_zero(a) && f32_is_inf(b));
    if (f32_is_nan(a) || f32_is_nan(b) || f32_is_nan(c) || inf_times_zero) begin
      r.value = F32_QNAN;
      r.flags[FLAG_INVALID] = f32_is_snan(a) || f32_is_snan(b) || f32_is_snan(c) || inf_times_zero;
    end else if (product_inf) begin
      if (f32_is_inf(c) && c[31] != product_sign) begin
        r.value = F32_QNAN;
        r.flags[FLAG_INVALID] = 1'b1;
      end else begin
        r.value = {product_sign, F32_INF[30:0]};
      end
    end else if (f32_is_inf(c)) begin
      r.value = c;
    end else if (f32_is_zero(a) || f32_is_zero(b)) begin
      r.value = f32_is_zero(c) ? {product_sign & c[31], 31'd0} : c;
    end else begin
      // The exact product x in [2^61, 2^63) and the addend y in [2^61, 2^62), each times
      // 2^its scale, with 15 and 38 zero bits at the bottom. The one with the smaller scale is
      // aligned to the other, jammed: bits are only lost when it is far smaller (shifted by more
      // than 15 or 38), so the sum or difference stays above 2^60 and the jam bit far below the
      // rounding point; a near cancellation is exact.
      na = f32_normalize(a);
      nb = f32_normalize(b);
      product = 48'(na.sig) * 48'(nb.sig);
      x = {1'b0, product, 15'd0};
      x_scale = na.exp + nb.exp - exp_t'(46 + 15);
      y = 64'd0;
      y_scale = x_scale;
      if (!f32_is_zero(c)) begin
        nc = f32_normalize(c);
        y = {2'd0, nc.sig, 38'd0};
        y_scale = nc.exp - exp_t'(23 + 38);
      end
      if (x_scale >= y_scale) begin
        y = shift_right_jam64(y, x_scale - y_scale);
        scale = x_scale;
      end else begin
        x = shift_right_jam64(x, y_scale - x_scale);
        scale = y_scale;
      end
      if (product_sign == c[31]) begin
        z = x + y;
        sign = product_sign;
      end else if (x >= y) begin
        z = x - y;
        sign = product_sign;
      end else begin
        z = y - x;
        sign = c[31];
      end
      if (z == 64'd0) begin
        r.value = 32'd0;  // exact cancellation: +0 under RNE
      end else begin
        r = round_pack_f32(sign, scale, z);
      end
    end
    r.flags[FLAG_DENORMAL] = denormal;
    return r;
  endfunction

  // Narrowing formats.
  localparam logic [1:0] NARROW_BF16 = 2'd0;
  localparam logic [1:0] NARROW_E4M3 = 2'd1;
  localparam logic [1:0] NARROW_E5M2 = 2'd2;

  // Rounds a binary32 to BF16 (code[15:0]) or CFP8 (code[7:0]) with the narrowing rounding: RNE,
  // or stochastic with `random` (round up in magnitude when random < the top 32 discarded bits).
  // Flags: Invalid, Overflow, Underflow (the caller knows whether the input is an operand).
  function automatic narrow_result_t narrow(input logic [31:0] x, input logic [1:0] format,
                                            input logic [5:0] cfp8_bias, input logic stochastic,
                                            input logic [31:0] random);
    /* verilator no_inline_task */
    narrow_result_t r;
    logic is_bf16;
    exp_t mantissa_bits, bias, min_exp, shift, field_base;
    normalized_t n;
    logic [128:0] aligned, aligned_normal;
    logic [23:0] kept;
    logic [31:0] fraction, fraction_normal;
    logic beyond, increment, inexact, tiny, carries_to_normal;
    logic [24:0] rounded;
    logic [31:0] magnitude;
    logic [15:0] max_code;
    r.flags = 4'd0;
    r.code = 16'd0;
    is_bf16 = format == NARROW_BF16;
    mantissa_bits = is_bf16 ? exp_t'(7) : (format == NARROW_E4M3 ? exp_t'(3) : exp_t'(2));
    bias = is_bf16 ? exp_t'(127) : exp_t'({8'd0, cfp8_bias});
    max_code = is_bf16 ? 16'h7F7F : 16'h007F;
    if (f32_is_nan(x)) begin
      r.code = is_bf16 ? 16'h7FC0 : 16'h007F;
      r.flags[FLAG_INVALID] = is_bf16 ? f32_is_snan(x) : 1'b1;
    end else if (f32_is_inf(x)) begin
      r.code = is_bf16 ? {x[31], 15'h7F80} : {8'd0, x[31], 7'h7F};
      r.flags[FLAG_INVALID] = !is_bf16;
    end else if (f32_is_zero(x)) begin
      r.code = is_bf16 ? {x[31], 15'd0} : {8'd0, x[31], 7'd0};
    end else begin
      n = f32_normalize(x);
      min_exp = exp_t'(1) - bias;
      // Align so that bits [55:32] hold the kept digits and [31:0] the discarded fraction.
      shift = exp_t'(23) - mantissa_bits;
      aligned_normal = shift_right_sticky({n.sig, 104'd0}, shift);
      if (n.exp >= min_exp) begin
        aligned = aligned_normal;
        field_base = n.exp + bias - exp_t'(1);
      end else begin
        aligned = shift_right_sticky({n.sig, 104'd0}, shift + min_exp - n.exp);
        field_base = exp_t'(0);
      end
      kept = aligned[128:105];
      fraction = aligned[104:73];
      beyond = aligned[72:1] != 72'd0 || aligned[0];
      inexact = fraction != 32'd0 || beyond;
      if (stochastic) begin
        increment = random < fraction;
      end else begin
`ifdef DOJO_RTL_INJECT_BUG
        // Injected bug: ties round away from zero instead of to even.
        increment = fraction[31] && (fraction[30:0] != 31'd0 || beyond || kept[0] || is_bf16);
`else
        increment = fraction[31] && (fraction[30:0] != 31'd0 || beyond || kept[0]);
`endif
      end
      rounded = {1'b0, kept} + {24'd0, increment};
      magnitude = (32'(field_base) << mantissa_bits) + {7'd0, rounded};
      // Tininess after rounding: would rounding at full precision on an unbounded exponent reach
      // the smallest normal? Only possible one binade below it, when all kept digits are ones.
      fraction_normal = aligned_normal[104:73];
      carries_to_normal = n.exp == min_exp - exp_t'(1)
          && aligned_normal[128:105] == ~(24'hFFFFFF << (mantissa_bits + exp_t'(1)))
          && (stochastic ? random < fraction_normal : fraction_normal[31]);  // RNE: the last digit is 1
      tiny = n.exp < min_exp && !carries_to_normal;
      r.flags[FLAG_UNDERFLOW] = tiny && inexact;
      if (magnitude > {16'd0, max_code}) begin
        r.flags[FLAG_OVERFLOW] = 1'b1;
        r.code = is_bf16 ? {x[31], 15'h7F80} : {8'd0, x[31], 7'h7F};
      end else begin
        r.code = is_bf16 ? {x[31], magnitude[14:0]} : {8'd0, x[31], magnitude[6:0]};
      end
    end
    return r;
  endfunction

  // CFP8 (E4M3 when mantissa_bits = 3, E5M2 when 2) to binary32, exactly: every CFP8 value is a
  // normal binary32 (or zero).
  function automatic widened_t widen_cfp8(input logic [7:0] code, input logic e4m3,
                                          input logic [5:0] bias);
    widened_t w;
    logic [4:0] field;
    logic [2:0] mantissa;
    exp_t e;
    logic [22:0] fraction;
    field = e4m3 ? {1'b0, code[6:3]} : code[6:2];
    mantissa = e4m3 ? code[2:0] : {code[1:0], 1'b0};  // E5M2's 2 bits as the top of 3
    w.denormal = field == 5'd0 && mantissa != 3'd0;
    if (field == 5'd0 && mantissa == 3'd0) begin
      w.value = {code[7], 31'd0};
    end else begin
      if (field != 5'd0) begin
        e = exp_t'({9'd0, field}) - exp_t'({8'd0, bias});
        fraction = {mantissa, 20'd0};
      end else begin
        // Subnormal m * 2^(1 - bias - M), as 0.mmm (3 bits) * 2^(1 - bias): normalize.
        e = exp_t'(1) - exp_t'({8'd0, bias});
        fraction = {mantissa, 20'd0};
        for (int i = 0; i < 2; i++) begin
          if (!fraction[22]) begin
            fraction = fraction << 1;
            e = e - exp_t'(1);
          end
        end
        fraction = fraction << 1;  // drop the leading one
        e = e - exp_t'(1);
      end
      w.value = {code[7], 8'(e + exp_t'(127)), fraction};
    end
    return w;
  endfunction

  // An element of type `ty` (a float type) as binary32; cfp8_biases = {E5M2 bias, E4M3 bias}. BF16 NaNs keep their payload here.
  function automatic widened_t widen(input logic [31:0] element, input logic [2:0] ty,
                                     input logic [11:0] cfp8_biases);
    /* verilator no_inline_task */
    widened_t w;
    case (ty)
      T_BF16: begin
        w.value = {element[15:0], 16'd0};
        w.denormal = f32_is_subnormal(w.value);
      end
      T_E4M3: w = widen_cfp8(element[7:0], 1'b1, cfp8_biases[5:0]);
      T_E5M2: w = widen_cfp8(element[7:0], 1'b0, cfp8_biases[11:6]);
      default: begin
        w.value = element;
        w.denormal = f32_is_subnormal(element);
      end
    endcase
    return w;
  endfunction

  // minimumNumber / maximumNumber; bit 32 is Invalid (a signalling NaN operand).
  function automatic logic [32:0] min_max(input logic [31:0] a, input logic [31:0] b,
                                          input logic maximum);
    /* verilator no_inline_task */
    logic a_less;
    logic [31:0] value;
    if (f32_is_nan(a) && f32_is_nan(b)) value = F32_QNAN;
    else if (f32_is_nan(a)) value = b;
    else if (f32_is_nan(b)) value = a;
    else begin
      if (a[31] != b[31]) a_less = a[31];
      else if (!a[31]) a_less = a[30:0] < b[30:0];
      else a_less = a[30:0] > b[30:0];
      value = (a_less != maximum) ? a : b;
    end
    return {f32_is_snan(a) || f32_is_snan(b), value};
  endfunction

  function automatic logic [31:0] mix32(input logic [31:0] seed);
    logic [31:0] x;
    x = seed;
    x = x ^ (x >> 16);
    x = x * 32'h85EB_CA6B;
    x = x ^ (x >> 13);
    x = x * 32'hC2B2_AE35;
    x = x ^ (x >> 16);
    return x;
  endfunction

  // The lane's stochastic-rounding random number.
  function automatic logic [31:0] lane_random(input logic [31:0] seed, input logic [31:0] lane);
    /* verilator no_inline_task */
    return mix32(seed + lane * LANE_STRIDE);
  endfunction

endpackage
