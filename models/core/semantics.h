// What the computational instructions compute, declared once: the value an ALU instruction writes
// to rd, whether a branch is taken, what an AMO stores. The interpreter's handlers are made from
// these; the translator emits x86-64 code for the same operations, tested against them
// (tests/core/test_translator.cpp compares the engines after every slice of random programs).
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/instructions.h"

namespace dojo::core::semantics {

constexpr uint64_t sext32(uint64_t value) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(value)));
}

// RISC-V's division never traps: by zero the quotient is all ones and the remainder the dividend;
// the one signed overflow gives the dividend and a zero remainder.
template <typename S>
constexpr S div_signed(S a, S b) {
  if (b == 0) return -1;
  if (b == -1 && a == std::numeric_limits<S>::min()) return a;
  return a / b;
}
template <typename S>
constexpr S rem_signed(S a, S b) {
  if (b == 0) return a;
  if (b == -1 && a == std::numeric_limits<S>::min()) return 0;
  return a % b;
}
template <typename U>
constexpr U div_unsigned(U a, U b) { return b == 0 ? static_cast<U>(~U{0}) : a / b; }
template <typename U>
constexpr U rem_unsigned(U a, U b) { return b == 0 ? a : a % b; }

// The high 64 bits of the 128-bit product, each operand signed or not.
constexpr uint64_t mul_high(uint64_t a, uint64_t b, bool a_signed, bool b_signed) {
  if (!a_signed && !b_signed)
    return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
  using Wide = __int128;
  const Wide wide_a = a_signed ? Wide{static_cast<int64_t>(a)} : Wide{a};
  const Wide wide_b = b_signed ? Wide{static_cast<int64_t>(b)} : Wide{b};
  return static_cast<uint64_t>((wide_a * wide_b) >> 64);
}

constexpr int64_t as_signed(uint64_t value) { return static_cast<int64_t>(value); }
constexpr int32_t as_signed32(uint64_t value) { return static_cast<int32_t>(value); }
constexpr uint32_t low32(uint64_t value) { return static_cast<uint32_t>(value); }

// X(name, value): the value written to rd, from a = x[rs1], b = x[rs2] and imm (the decoded
// immediate or shift amount).
#define DOJO_ALU_SEMANTICS(X)                                                                  \
  X(addi, a + imm)                                                                             \
  X(slti, as_signed(a) < as_signed(imm) ? 1 : 0)                                               \
  X(sltiu, a < imm ? 1 : 0)                                                                    \
  X(xori, a ^ imm) X(ori, a | imm) X(andi, a & imm)                                            \
  X(slli, a << imm) X(srli, a >> imm)                                                          \
  X(srai, static_cast<uint64_t>(as_signed(a) >> imm))                                          \
  X(add, a + b) X(sub, a - b)                                                                  \
  X(sll, a << (b & 63))                                                                        \
  X(slt, as_signed(a) < as_signed(b) ? 1 : 0)                                                  \
  X(sltu, a < b ? 1 : 0)                                                                       \
  X(xor_, a ^ b) X(srl, a >> (b & 63))                                                         \
  X(sra, static_cast<uint64_t>(as_signed(a) >> (b & 63)))                                      \
  X(or_, a | b) X(and_, a & b)                                                                 \
  X(addiw, sext32(a + imm)) X(slliw, sext32(a << imm))                                         \
  X(srliw, sext32(low32(a) >> imm))                                                            \
  X(sraiw, sext32(static_cast<uint64_t>(as_signed32(a) >> imm)))                               \
  X(addw, sext32(a + b)) X(subw, sext32(a - b))                                                \
  X(sllw, sext32(a << (b & 31)))                                                               \
  X(srlw, sext32(low32(a) >> (b & 31)))                                                        \
  X(sraw, sext32(static_cast<uint64_t>(as_signed32(a) >> (b & 31))))                           \
  X(mul, a * b)                                                                                \
  X(mulh, mul_high(a, b, true, true))                                                          \
  X(mulhsu, mul_high(a, b, true, false))                                                       \
  X(mulhu, mul_high(a, b, false, false))                                                       \
  X(div, static_cast<uint64_t>(div_signed(as_signed(a), as_signed(b))))                        \
  X(divu, div_unsigned(a, b))                                                                  \
  X(rem, static_cast<uint64_t>(rem_signed(as_signed(a), as_signed(b))))                        \
  X(remu, rem_unsigned(a, b))                                                                  \
  X(mulw, sext32(a * b))                                                                       \
  X(divw, sext32(static_cast<uint32_t>(div_signed(as_signed32(a), as_signed32(b)))))           \
  X(divuw, sext32(div_unsigned(low32(a), low32(b))))                                           \
  X(remw, sext32(static_cast<uint32_t>(rem_signed(as_signed32(a), as_signed32(b)))))           \
  X(remuw, sext32(rem_unsigned(low32(a), low32(b))))

// X(name, condition): whether the branch is taken, from a = x[rs1] and b = x[rs2].
#define DOJO_BRANCH_SEMANTICS(X)                                                               \
  X(beq, a == b) X(bne, a != b)                                                                \
  X(blt, as_signed(a) < as_signed(b)) X(bge, as_signed(a) >= as_signed(b))                     \
  X(bltu, a < b) X(bgeu, a >= b)

template <Op op>
constexpr uint64_t alu(uint64_t a, uint64_t b, uint64_t imm);
#define DOJO_ALU_FUNCTION(name, value)                                                         \
  template <>                                                                                  \
  constexpr uint64_t alu<Op::name>([[maybe_unused]] uint64_t a, [[maybe_unused]] uint64_t b,   \
                                   [[maybe_unused]] uint64_t imm) {                            \
    return value;                                                                              \
  }
DOJO_ALU_SEMANTICS(DOJO_ALU_FUNCTION)
#undef DOJO_ALU_FUNCTION

template <Op op>
constexpr bool taken(uint64_t a, uint64_t b);
#define DOJO_BRANCH_FUNCTION(name, condition) \
  template <>                                 \
  constexpr bool taken<Op::name>(uint64_t a, uint64_t b) { return condition; }
DOJO_BRANCH_SEMANTICS(DOJO_BRANCH_FUNCTION)
#undef DOJO_BRANCH_FUNCTION

// Whether `op` is one of DOJO_ALU_SEMANTICS's (a value written to rd from registers alone).
constexpr bool is_alu(Op op) {
  switch (op) {
#define DOJO_ALU_CASE(name, value) case Op::name:
    DOJO_ALU_SEMANTICS(DOJO_ALU_CASE)
#undef DOJO_ALU_CASE
    return true;
    default: return false;
  }
}

// The value an AMO stores, from the old value in memory and rs2 (T: the access's width).
template <typename T>
constexpr T amo_result(Op op, T old, T operand) {
  using S = std::make_signed_t<T>;
  switch (op) {
    case Op::amoswap_w: case Op::amoswap_d: return operand;
    case Op::amoadd_w: case Op::amoadd_d: return static_cast<T>(old + operand);
    case Op::amoxor_w: case Op::amoxor_d: return old ^ operand;
    case Op::amoand_w: case Op::amoand_d: return old & operand;
    case Op::amoor_w: case Op::amoor_d: return old | operand;
    case Op::amomin_w: case Op::amomin_d:
      return static_cast<S>(old) < static_cast<S>(operand) ? old : operand;
    case Op::amomax_w: case Op::amomax_d:
      return static_cast<S>(old) > static_cast<S>(operand) ? old : operand;
    case Op::amominu_w: case Op::amominu_d: return old < operand ? old : operand;
    default: return old > operand ? old : operand;  // amomaxu
  }
}

}  // namespace dojo::core::semantics
