#include "vector/vector_coverage.h"

#include <optional>

#include "vector/vector_model.h"

namespace dojo::vector {

namespace {

using numerics::ElementType;

constexpr unsigned opcode_count = 14, type_count = 6;

bool is_cfp8(ElementType type) { return type == ElementType::e4m3 || type == ElementType::e5m2; }
bool is_float(ElementType type) { return type != ElementType::i32 && type != ElementType::i8; }

// The classes an element of `type` may fall in, in bin order.
const std::vector<const char*>& operand_classes(ElementType type) {
  static const std::vector<const char*> ieee = {"zero",           "subnormal", "normal",
                                                "largest finite", "infinity",  "NaN"};
  static const std::vector<const char*> cfp8 = {"zero", "subnormal", "normal", "largest finite"};
  static const std::vector<const char*> integer = {"zero", "positive", "negative",
                                                   "most negative", "most positive"};
  return is_cfp8(type) ? cfp8 : is_float(type) ? ieee : integer;
}

// The class of element `bits` (zero-extended) of `type`, as an index into operand_classes.
unsigned classify(ElementType type, uint32_t bits) {
  unsigned exponent_bits = 8, mantissa_bits = 23, width = 32;
  switch (type) {
    case ElementType::bf16: mantissa_bits = 7, width = 16; break;
    case ElementType::e4m3: exponent_bits = 4, mantissa_bits = 3, width = 8; break;
    case ElementType::e5m2: exponent_bits = 5, mantissa_bits = 2, width = 8; break;
    case ElementType::i32:
    case ElementType::i8: {
      const int64_t value = type == ElementType::i32 ? int64_t(int32_t(bits)) : int64_t(int8_t(bits));
      const int64_t most = type == ElementType::i32 ? INT32_MAX : INT8_MAX;
      return value == 0 ? 0 : value == most ? 4 : value == -most - 1 ? 3 : value > 0 ? 1 : 2;
    }
    default: break;
  }
  const uint32_t magnitude = bits & ((1u << (width - 1)) - 1);
  const uint32_t exponent = magnitude >> mantissa_bits, mantissa = magnitude & ((1u << mantissa_bits) - 1);
  const uint32_t all_ones = (1u << exponent_bits) - 1;
  if (exponent == 0) return mantissa == 0 ? 0 : 1;
  if (is_cfp8(type)) return magnitude == (1u << (width - 1)) - 1 ? 3 : 2;  // no infinity, no NaN
  if (exponent == all_ones) return mantissa == 0 ? 4 : 5;
  return magnitude == ((all_ones - 1) << mantissa_bits | ((1u << mantissa_bits) - 1)) ? 3 : 2;
}

unsigned mantissa_bits(ElementType type) {
  switch (type) {
    case ElementType::f32: return 23;
    case ElementType::bf16: return 7;
    case ElementType::e4m3: return 3;
    default: return 2;
  }
}

// The name of an instruction's bins: "vadd.bf16", "vcvt.e4m3.f32".
std::string bin_prefix(unsigned opcode, unsigned type, unsigned source) {
  std::string name = std::string(mnemonic(Opcode(opcode))) + "." + type_name(ElementType(type));
  if (opcode == unsigned(Opcode::vcvt)) name += std::string(".") + type_name(ElementType(source));
  return name;
}

// Whether the instruction rounds to a narrower float (RNE or stochastic, by vcfg).
bool narrows(Opcode opcode, ElementType type, ElementType source) {
  if (opcode == Opcode::vcvt) return type != ElementType::f32 && mantissa_bits(type) < mantissa_bits(source);
  return type == ElementType::bf16 && opcode >= Opcode::vadd && opcode <= Opcode::vfma;
}

}  // namespace

VectorCoverage::VectorCoverage() {
  for (auto& op : form_index_)
    for (auto& type : op) type.fill(-1);
  const auto add = [&](std::string name) {
    bins_.push_back({std::move(name), 0});
    return int(bins_.size() - 1);
  };
  for (unsigned op = 0; op < opcode_count; ++op) {
    for (unsigned type = 0; type < type_count; ++type) {
      if (!type_allowed(Opcode(op), ElementType(type))) continue;
      const bool conversion = op == unsigned(Opcode::vcvt);
      for (unsigned source = 0; source < type_count; ++source) {
        if (conversion ? (source == type || !is_float(ElementType(source))) : source != 0) continue;
        const DecodedInstruction d{Opcode(op), ElementType(type), 0, 0, conversion ? source << 2 : 0};
        const ElementType from = source_type(d);
        const std::string prefix = bin_prefix(op, type, source);
        Form form;
        form.executed = add(prefix);
        // vld's data comes from memory, vbcast's from x[rs1]: no vector operand to classify.
        const bool vector_operands = op != unsigned(Opcode::vld) && op != unsigned(Opcode::vbcast);
        form.first_class = vector_operands ? int(bins_.size()) : -1;
        if (vector_operands)
          for (const char* name : operand_classes(from)) add(prefix + " operand " + name);
        if (narrows(Opcode(op), ElementType(type), from)) {
          form.stochastic = add(prefix + " stochastic rounding");
          if (conversion) {
            form.tie_nearest = add(prefix + " tie, nearest even");
            form.tie_stochastic = add(prefix + " tie, stochastic");
          }
        }
        if (is_cfp8(ElementType(type)) || is_cfp8(from)) {
          form.bias_zero = add(prefix + " CFP8 bias 0");
          form.bias_max = add(prefix + " CFP8 bias 63");
        }
        form_index_[op][type][source] = int(forms_.size());
        forms_.push_back(form);
      }
    }
  }
  flag_bins_ = bins_.size();
  for (const char* flag : {"invalid", "denormal", "overflow", "underflow"})
    add(std::string("flag ") + flag + " raised");
  seed_wrap_bin_ = size_t(add("vseed wraps in stochastic rounding"));
}

void VectorCoverage::sample(uint32_t instruction, uint64_t vcfg, uint64_t vseed,
                            const std::function<Register(unsigned)>& read, uint32_t raised) {
  for (unsigned flag = 0; flag < 4; ++flag)
    if (raised >> flag & 1) ++bins_[flag_bins_ + flag].count;
  const std::optional<DecodedInstruction> decoded = decode(instruction);
  if (!decoded) return;
  const DecodedInstruction& d = *decoded;
  const ElementType from = source_type(d);
  const unsigned source = d.opcode == Opcode::vcvt ? unsigned(from) : 0;
  const int index = form_index_[unsigned(d.opcode)][unsigned(d.type)][source];
  if (index < 0) return;
  const Form& form = forms_[size_t(index)];
  const auto hit = [&](int bin) {
    if (bin >= 0) ++bins_[size_t(bin)].count;
  };
  hit(form.executed);

  // Operand classes over the vector sources' lanes (not an accumulator).
  const unsigned bytes = element_bytes(from);
  const uint32_t sources =
      d.opcode == Opcode::vcvt ? 1u << d.rs1 : registers_read(d) & ~registers_written(d);
  const bool stochastic_mode = vcfg >> 16 & 1;
  std::array<bool, 6> seen{};
  for (unsigned r = 0; r < register_count; ++r) {
    if (!(sources >> r & 1)) continue;
    const Register value = read(r);
    for (unsigned lane = 0; lane < register_bytes / bytes; ++lane) {
      const uint32_t bits = element_bits(value, bytes, lane);
      const unsigned kind = classify(from, bits);
      seen[kind] = true;
      // A conversion's tie: the bits it drops are exactly half of its last kept one.
      if (form.tie_nearest >= 0 && kind == 2) {
        const unsigned dropped = mantissa_bits(from) - mantissa_bits(d.type);
        if ((bits & ((1u << dropped) - 1)) == 1u << (dropped - 1))
          hit(stochastic_mode ? form.tie_stochastic : form.tie_nearest);
      }
    }
  }
  for (size_t c = 0; form.first_class >= 0 && c < operand_classes(from).size(); ++c)
    if (seen[c]) hit(form.first_class + int(c));

  if (form.stochastic >= 0 && stochastic_mode) {
    hit(form.stochastic);
    if (vseed == UINT64_MAX) hit(int(seed_wrap_bin_));
  }
  const bool e4m3 = d.type == ElementType::e4m3 || from == ElementType::e4m3;
  const bool e5m2 = d.type == ElementType::e5m2 || from == ElementType::e5m2;
  const uint64_t e4m3_bias = vcfg & 0x3F, e5m2_bias = vcfg >> 8 & 0x3F;
  if ((e4m3 && e4m3_bias == 0) || (e5m2 && e5m2_bias == 0)) hit(form.bias_zero);
  if ((e4m3 && e4m3_bias == 63) || (e5m2 && e5m2_bias == 63)) hit(form.bias_max);
}

}  // namespace dojo::vector
