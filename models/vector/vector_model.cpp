#include "vector/vector_model.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <iterator>

namespace dojo::vector {

using numerics::ElementType;
using numerics::Flags;
using numerics::Rounding;

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "lanes are read with the host's byte order");

namespace {

template <typename T>
constexpr unsigned lanes() {
  return register_bytes / sizeof(T);
}

// out[i] = operation(a[i], b[i], out[i], i) over the lanes of type T. Each lane is read before
// it is written, so `out` may be `a` or `b`.
template <typename T, typename Operation>
void for_each_lane(Register& out, const Register& a, const Register& b, Operation operation) {
  for (unsigned i = 0; i < lanes<T>(); ++i)
    set_lane<T>(out, i, T(operation(lane<T>(a, i), lane<T>(b, i), lane<T>(out, i), i)));
}

uint32_t get_element(const Register& reg, unsigned bytes, unsigned index) {
  switch (bytes) {
    case 4: return lane<uint32_t>(reg, index);
    case 2: return lane<uint16_t>(reg, index);
    default: return lane<uint8_t>(reg, index);
  }
}

void put_element(Register& reg, unsigned bytes, unsigned index, uint32_t value) {
  switch (bytes) {
    case 4: return set_lane<uint32_t>(reg, index, value);
    case 2: return set_lane<uint16_t>(reg, index, uint16_t(value));
    default: return set_lane<uint8_t>(reg, index, uint8_t(value));
  }
}

bool is_float(ElementType type) { return type != ElementType::i32 && type != ElementType::i8; }

uint32_t f32_relu(uint32_t x, Flags& flags) {
  if (numerics::f32_is_nan(x)) {
    if (numerics::f32_is_signaling_nan(x)) flags |= numerics::flag_invalid;
    return numerics::f32_canonical_nan;
  }
  return (x >> 31) ? 0 : x;
}

// The vhsum tree: level by level, s[i] = v[2i] + v[2i+1], in place.
uint32_t f32_tree_sum(uint32_t* values, unsigned count, Flags& flags) {
  for (; count > 1; count /= 2)
    for (unsigned i = 0; i < count / 2; ++i) values[i] = numerics::f32_add(values[2 * i], values[2 * i + 1], flags);
  return values[0];
}

// Types each operation takes (bit = funct3), indexed by funct7.
constexpr uint8_t f32_bit = 1 << 0, bf16_bit = 1 << 1, i32_bit = 1 << 2, i8_bit = 1 << 3, e4m3_bit = 1 << 4,
                  e5m2_bit = 1 << 5;
constexpr uint8_t arithmetic_types = f32_bit | bf16_bit | i32_bit | i8_bit;
constexpr uint8_t float_types = f32_bit | bf16_bit | e4m3_bit | e5m2_bit;
constexpr uint8_t allowed_types[] = {
    f32_bit,                            // vld
    f32_bit,                            // vst
    arithmetic_types | e4m3_bit | e5m2_bit,  // vbcast
    arithmetic_types,                    // vadd
    arithmetic_types,                    // vsub
    arithmetic_types,                    // vmul
    f32_bit | bf16_bit,                 // vfma
    f32_bit | bf16_bit,                 // vmin
    f32_bit | bf16_bit,                 // vmax
    arithmetic_types,                    // vrelu
    i8_bit,                              // vdot
    float_types,                         // vcvt
    arithmetic_types,                    // vhsum
    bf16_bit | e4m3_bit | e5m2_bit,      // vmma
};

bool legal_conversion(ElementType destination, unsigned rs2) {
  const unsigned source = rs2 >> 2, part = rs2 & 3;
  if (source > 5 || !(float_types >> source & 1) || ElementType(source) == destination) return false;
  const unsigned source_bytes = element_bytes(ElementType(source)), destination_bytes = element_bytes(destination);
  const unsigned parts = destination_bytes < source_bytes   ? source_bytes / destination_bytes
                         : destination_bytes > source_bytes ? destination_bytes / source_bytes
                                                            : 1;
  return part < parts;
}

Outcome outcome(Outcome::Status status, std::string message) {
  Outcome result;
  result.status = status;
  result.message = std::move(message);
  return result;
}

Outcome illegal(uint32_t instruction, uint64_t pc) {
  char text[96];
  std::snprintf(text, sizeof text, "illegal vector instruction 0x%08" PRIx32 " at pc 0x%" PRIx64, instruction, pc);
  return outcome(Outcome::Status::illegal, text);
}

}  // namespace

const char* mnemonic(Opcode opcode) {
  static const char* const names[] = {"vld",  "vst",  "vbcast", "vadd", "vsub",  "vmul",  "vfma",
                                      "vmin", "vmax", "vrelu",  "vdot", "vcvt", "vhsum", "vmma"};
  return names[unsigned(opcode)];
}

const char* type_name(ElementType type) {
  static const char* const names[] = {"f32", "bf16", "i32", "i8", "e4m3", "e5m2"};
  return names[unsigned(type)];
}

bool type_allowed(Opcode opcode, ElementType type) {
  return unsigned(opcode) < std::size(allowed_types) && (allowed_types[unsigned(opcode)] >> unsigned(type) & 1);
}

ElementType source_type(const DecodedInstruction& d) {
  if (d.opcode == Opcode::vcvt) return ElementType(d.rs2 >> 2);
  if (d.opcode == Opcode::vdot) return ElementType::i8;
  return d.type;
}

unsigned element_bytes(ElementType type) {
  switch (type) {
    case ElementType::f32:
    case ElementType::i32: return 4;
    case ElementType::bf16: return 2;
    default: return 1;
  }
}

uint32_t registers_read(const DecodedInstruction& d) {
  const Opcode op = d.opcode;
  const uint32_t group = op == Opcode::vmma ? 0xFu : 1u;
  uint32_t read = 0;
  if (op != Opcode::vld && op != Opcode::vbcast && op != Opcode::vst) read |= 1u << d.rs1;
  if (op == Opcode::vst || op == Opcode::vdot || op == Opcode::vmma ||
      (op >= Opcode::vadd && op <= Opcode::vmax))
    read |= 1u << d.rs2;
  if (op == Opcode::vfma || op == Opcode::vdot || op == Opcode::vcvt || op == Opcode::vmma)
    read |= group << d.rd;  // accumulated into, or (vcvt) only partly written
  return read;
}

uint32_t registers_written(const DecodedInstruction& d) {
  if (d.opcode == Opcode::vst || d.opcode == Opcode::vhsum) return 0;
  return (d.opcode == Opcode::vmma ? 0xFu : 1u) << d.rd;
}

std::optional<DecodedInstruction> decode(uint32_t instruction) {
  const unsigned funct7 = instruction >> 25, rs2 = (instruction >> 20) & 31, rs1 = (instruction >> 15) & 31,
                 funct3 = (instruction >> 12) & 7, rd = (instruction >> 7) & 31;
  if ((instruction & 0x7F) != custom0_opcode || funct7 >= std::size(allowed_types)) return std::nullopt;
  if (!type_allowed(Opcode(funct7), ElementType(funct3))) return std::nullopt;  // reserved 6, 7 never
  const auto opcode = Opcode(funct7);
  const auto type = ElementType(funct3);
  switch (opcode) {
    case Opcode::vld:
    case Opcode::vbcast:
    case Opcode::vrelu:
    case Opcode::vhsum:
      if (rs2 != 0) return std::nullopt;
      break;
    case Opcode::vst:
      if (rd != 0) return std::nullopt;
      break;
    case Opcode::vcvt:
      if (!legal_conversion(type, rs2)) return std::nullopt;
      break;
    case Opcode::vmma:
      if (rd % 4 != 0) return std::nullopt;
      break;
    default:
      break;
  }
  return DecodedInstruction{opcode, type, rd, rs1, rs2};
}

VectorModel::VectorModel(const PipelineShape& pipeline) : pipeline_(pipeline), timing_(pipeline) {
  reset();
}

void VectorModel::advance_to(uint64_t cycle) { timing_.advance_to(cycle); }

Outcome VectorModel::settle() {
  Outcome settled;
  settled.cycles = timing_.settle();
  return settled;
}

void VectorModel::on_retire(RetireObserver observer) { retired_ = std::move(observer); }

void VectorModel::reset() {
  registers_ = {};
  vseed_ = 0;
  vflags_ = 0;
  set_vcfg(vcfg_reset);
}

void VectorModel::set_vcfg(uint64_t value) { vcfg_ = value & vcfg_writable; }

void VectorModel::decode_cfp8_values() {
  const numerics::Cfp8Formats formats = cfp8_formats();
  for (unsigned code = 0; code < 256; ++code) {
    e4m3_values_[code] = numerics::cfp8_decode(uint8_t(code), formats.e4m3);
    e5m2_values_[code] = numerics::cfp8_decode(uint8_t(code), formats.e5m2);
  }
  cfp8_values_vcfg_ = vcfg_;
}

numerics::Cfp8Formats VectorModel::cfp8_formats() const {
  return {numerics::e4m3_format(vcfg_ & 0x3F), numerics::e5m2_format((vcfg_ >> 8) & 0x3F)};
}

Rounding VectorModel::rounding() const {
  return (vcfg_ >> 16 & 1) ? Rounding::stochastic : Rounding::nearest_even;
}

uint32_t VectorModel::random(unsigned lane) const {
  return rounding() == Rounding::stochastic ? numerics::lane_random(vseed_, lane) : 0;
}

Outcome VectorModel::retire(Outcome outcome, const std::optional<DecodedInstruction>& decoded,
                            bool core_waits) {
  outcome.cycles = timing_.issue(issue_needs(decoded, pipeline_), core_waits || !decoded);
  if (retired_) retired_(instructions_);
  ++instructions_;
  return outcome;
}

Outcome VectorModel::execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) {
  const std::optional<DecodedInstruction> decoded = decode(instruction);
  if (!decoded) return retire(illegal(instruction, pc), decoded, true);
  const DecodedInstruction& d = *decoded;
  Flags flags = 0;
  bool rounds_to_narrow_type = false;  // a BF16/CFP8 result rounded with vcfg's mode
  Outcome result;
  switch (d.opcode) {
    case Opcode::vld:
    case Opcode::vst:
      return outcome(Outcome::Status::fatal, "vld/vst reach the vector unit through load()/store()");
    case Opcode::vbcast:
      broadcast(d, rs1_value);
      break;
    case Opcode::vadd:
    case Opcode::vsub:
    case Opcode::vmul:
    case Opcode::vmin:
    case Opcode::vmax:
      arithmetic(d, flags);
      rounds_to_narrow_type = d.type == ElementType::bf16 && d.opcode != Opcode::vmin && d.opcode != Opcode::vmax;
      break;
    case Opcode::vfma:
      arithmetic(d, flags);
      rounds_to_narrow_type = d.type == ElementType::bf16;
      break;
    case Opcode::vrelu:
      relu(d, flags);
      break;
    case Opcode::vdot:
      dot(d);
      break;
    case Opcode::vcvt:
      cvt(d, flags);
      rounds_to_narrow_type = d.type != ElementType::f32;
      break;
    case Opcode::vhsum:
      result.writes_scalar = true;
      result.scalar = horizontal_sum(d, flags);
      break;
    case Opcode::vmma:
      matrix_multiply(d, flags);
      break;
  }
  vflags_ |= flags;
  if (rounds_to_narrow_type && rounding() == Rounding::stochastic) ++vseed_;
  return retire(result, decoded, result.writes_scalar);
}

void VectorModel::broadcast(const DecodedInstruction& d, uint64_t value) {
  Register& out = registers_[d.rd];
  const unsigned bytes = element_bytes(d.type);
  for (unsigned lane = 0; lane < register_bytes / bytes; ++lane) put_element(out, bytes, lane, uint32_t(value));
}

void VectorModel::arithmetic(const DecodedInstruction& d, Flags& flags) {
  Register& out = registers_[d.rd];
  const Register& a = registers_[d.rs1];
  const Register& b = registers_[d.rs2];
  const Opcode opcode = d.opcode;
  if (!is_float(d.type)) {
    // Wrapping integer lanes: the low bits of the sum, difference or product.
    auto integer = [&](auto zero) {
      using T = decltype(zero);
      for_each_lane<T>(out, a, b, [opcode](T x, T y, T, unsigned) {
        return opcode == Opcode::vadd ? T(x + y) : opcode == Opcode::vsub ? T(x - y) : T(x * y);
      });
    };
    return d.type == ElementType::i32 ? integer(uint32_t{}) : integer(uint8_t{});
  }
  // FP32 lanes, or BF16 lanes widened to FP32 and the result narrowed (or, for vmin/vmax,
  // taken back exactly: it is one of the operands).
  auto lanes_with = [&](auto f32_operation) {
    if (d.type == ElementType::f32)
      return for_each_lane<uint32_t>(out, a, b, [&](uint32_t x, uint32_t y, uint32_t acc, unsigned) {
        return f32_operation(x, y, acc);
      });
    const bool selects = opcode == Opcode::vmin || opcode == Opcode::vmax;
    const Rounding mode = rounding();
    for_each_lane<uint16_t>(out, a, b, [&](uint16_t x, uint16_t y, uint16_t acc, unsigned lane) {
      const uint32_t wide =
          f32_operation(numerics::bf16_widen(x), numerics::bf16_widen(y), numerics::bf16_widen(acc));
      return selects ? uint16_t(wide >> 16) : numerics::f32_narrow_to_bf16(wide, mode, random(lane), flags);
    });
  };
  switch (opcode) {
    case Opcode::vadd: return lanes_with([&](uint32_t x, uint32_t y, uint32_t) { return numerics::f32_add(x, y, flags); });
    case Opcode::vsub: return lanes_with([&](uint32_t x, uint32_t y, uint32_t) { return numerics::f32_sub(x, y, flags); });
    case Opcode::vmul: return lanes_with([&](uint32_t x, uint32_t y, uint32_t) { return numerics::f32_mul(x, y, flags); });
    case Opcode::vfma:
      return lanes_with([&](uint32_t x, uint32_t y, uint32_t acc) { return numerics::f32_fma(x, y, acc, flags); });
    case Opcode::vmin: return lanes_with([&](uint32_t x, uint32_t y, uint32_t) { return numerics::f32_min(x, y, flags); });
    default: return lanes_with([&](uint32_t x, uint32_t y, uint32_t) { return numerics::f32_max(x, y, flags); });
  }
}

void VectorModel::relu(const DecodedInstruction& d, Flags& flags) {
  Register& out = registers_[d.rd];
  const Register& a = registers_[d.rs1];
  switch (d.type) {
    case ElementType::f32:
      return for_each_lane<uint32_t>(out, a, a, [&](uint32_t x, uint32_t, uint32_t, unsigned) { return f32_relu(x, flags); });
    case ElementType::bf16:
      return for_each_lane<uint16_t>(out, a, a, [&](uint16_t x, uint16_t, uint16_t, unsigned) {
        return f32_relu(numerics::bf16_widen(x), flags) >> 16;
      });
    case ElementType::i32:
      return for_each_lane<uint32_t>(out, a, a, [](uint32_t x, uint32_t, uint32_t, unsigned) { return int32_t(x) < 0 ? 0 : x; });
    default:
      return for_each_lane<uint8_t>(out, a, a, [](uint8_t x, uint8_t, uint8_t, unsigned) { return int8_t(x) < 0 ? 0 : x; });
  }
}

void VectorModel::dot(const DecodedInstruction& d) {
  Register& out = registers_[d.rd];
  const Register& a = registers_[d.rs1];
  const Register& b = registers_[d.rs2];
  for (unsigned i = 0; i < lanes<uint32_t>(); ++i) {
    uint32_t sum = lane<uint32_t>(out, i);
    for (unsigned k = 0; k < 4; ++k)
      sum += uint32_t(int32_t(lane<int8_t>(a, 4 * i + k)) * int32_t(lane<int8_t>(b, 4 * i + k)));
    set_lane<uint32_t>(out, i, sum);
  }
}

void VectorModel::cvt(const DecodedInstruction& d, Flags& flags) {
  const auto source = ElementType(d.rs2 >> 2);
  const unsigned part = d.rs2 & 3;
  const unsigned source_bytes = element_bytes(source), destination_bytes = element_bytes(d.type);
  // n = the lane count of the wider type; the narrower side takes the slice `part`.
  const unsigned count = register_bytes / std::max(source_bytes, destination_bytes);
  const unsigned source_first = source_bytes < destination_bytes ? part * count : 0;
  const unsigned destination_first = destination_bytes < source_bytes ? part * count : 0;
  const Register in = registers_[d.rs1];  // vd may be vs1
  Register& out = registers_[d.rd];
  const numerics::Cfp8Formats formats = cfp8_formats();
  const Rounding mode = rounding();
  for (unsigned i = 0; i < count; ++i) {
    const unsigned lane = destination_first + i;
    const uint32_t value = numerics::convert(source, d.type, get_element(in, source_bytes, source_first + i), formats,
                                             mode, random(lane), flags);
    put_element(out, destination_bytes, lane, value);
  }
}

uint64_t VectorModel::horizontal_sum(const DecodedInstruction& d, Flags& flags) {
  const Register& a = registers_[d.rs1];
  std::array<uint32_t, 32> values;
  uint32_t sum;
  switch (d.type) {
    case ElementType::f32:
      for (unsigned i = 0; i < 16; ++i) values[i] = lane<uint32_t>(a, i);
      sum = f32_tree_sum(values.data(), 16, flags);
      break;
    case ElementType::bf16:
      for (unsigned i = 0; i < 32; ++i) values[i] = numerics::bf16_widen(lane<uint16_t>(a, i));
      sum = f32_tree_sum(values.data(), 32, flags);
      break;
    case ElementType::i32: {
      int64_t total = 0;
      for (unsigned i = 0; i < 16; ++i) total += lane<int32_t>(a, i);
      return uint64_t(total);
    }
    default: {
      int64_t total = 0;
      for (unsigned i = 0; i < 64; ++i) total += lane<int8_t>(a, i);
      return uint64_t(total);
    }
  }
  return uint64_t(int64_t(int32_t(sum)));  // sign-extended, as fmv.x.w
}

// On x86-64 this is compiled twice and the FMA version chosen at load time where the host has
// the instruction: there f32_fma_all_normal's fmaf is one inline instruction and the 64
// independent outputs overlap (elsewhere fmaf is a libm call). Not under ThreadSanitizer, whose
// instrumented resolver would run at load time, before its runtime is ready.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("fma", "default")))
#endif
void VectorModel::matrix_multiply(const DecodedInstruction& d, Flags& flags) {
  // A (8x4, lane 4i+k) and B (4x8, lane 8k+j) widened to FP32 first: vd..vd+3 may hold them.
  std::array<uint32_t, 32> a, b;
  if (d.type == ElementType::bf16) {
    for (unsigned i = 0; i < 32; ++i) {
      a[i] = numerics::bf16_widen(lane<uint16_t>(registers_[d.rs1], i));
      b[i] = numerics::bf16_widen(lane<uint16_t>(registers_[d.rs2], i));
    }
  } else {
    const bool e4m3 = d.type == ElementType::e4m3;
    if (cfp8_values_vcfg_ != vcfg_) decode_cfp8_values();
    const auto& values = e4m3 ? e4m3_values_ : e5m2_values_;
    const numerics::Cfp8Formats formats = cfp8_formats();
    const numerics::FloatFormat& format = e4m3 ? formats.e4m3 : formats.e5m2;
    for (unsigned i = 0; i < 32; ++i) {
      const uint8_t x = lane<uint8_t>(registers_[d.rs1], i), y = lane<uint8_t>(registers_[d.rs2], i);
      if (numerics::cfp8_is_subnormal(x, format) || numerics::cfp8_is_subnormal(y, format))
        flags |= numerics::flag_denormal;
      a[i] = values[x];
      b[i] = values[y];
    }
  }
  // C[i][j] is FP32 element 8i+j of the group: the four registers are contiguous in memory.
  for (unsigned index = 0; index < 64; ++index) {
    Register& reg = registers_[d.rd + index / 16];
    const unsigned row = index / 8, column = index % 8, element = index % 16;
    uint32_t c = lane<uint32_t>(reg, element);
    for (unsigned k = 0; k < 4; ++k) {
      const uint32_t x = a[4 * row + k], y = b[8 * k + column];
      uint32_t sum;
      c = numerics::f32_fma_all_normal(x, y, c, sum) ? sum : numerics::f32_fma(x, y, c, flags);
    }
    set_lane<uint32_t>(reg, element, c);
  }
}

Outcome VectorModel::load(uint32_t instruction, const Register& data, uint64_t pc) {
  const std::optional<DecodedInstruction> decoded = decode(instruction);
  if (!decoded || decoded->opcode != Opcode::vld) return illegal(instruction, pc);
  registers_[decoded->rd] = data;
  return retire(Outcome{}, decoded, false);
}

Outcome VectorModel::store(uint32_t instruction, Register& data, uint64_t pc) {
  const std::optional<DecodedInstruction> decoded = decode(instruction);
  if (!decoded || decoded->opcode != Opcode::vst) return illegal(instruction, pc);
  data = registers_[decoded->rs2];
  return retire(Outcome{}, decoded, true);
}

bool VectorModel::read_csr(unsigned csr, uint64_t& value) {
  switch (csr) {
    case csr_vcfg: value = vcfg_; return true;
    case csr_vseed: value = vseed_; return true;
    case csr_vflags: value = vflags_; return true;
    default: return false;
  }
}

bool VectorModel::write_csr(unsigned csr, uint64_t value) {
  if (csr < csr_vcfg || csr > csr_vflags) return false;
  timing_.settle();
  timing_.idle_cycle();  // the write's
  switch (csr) {
    case csr_vcfg:
      if ((value & vcfg_writable) != vcfg_) set_vcfg(value);
      return true;
    case csr_vseed: vseed_ = value; return true;
    case csr_vflags: vflags_ = value & vflags_writable; return true;
    default: return false;
  }
}

Register VectorModel::read_register(unsigned index) { return registers_.at(index); }

void VectorModel::write_register(unsigned index, const Register& value) { registers_.at(index) = value; }

}  // namespace dojo::vector
