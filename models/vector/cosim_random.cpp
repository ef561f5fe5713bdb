#include "vector/cosim_random.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
#include <stdexcept>

#include "vector/lockstep_engine.h"
#include "vector/rtl_engine.h"
#include "vector/vector_model.h"

namespace dojo::vector {

namespace {

constexpr uint32_t insn(uint32_t funct7, uint32_t type, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | type << 12 | rd << 7 | custom0_opcode;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : random_(seed) {}

  uint32_t below(uint32_t n) { return static_cast<uint32_t>(random_() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  uint32_t word() { return static_cast<uint32_t>(random_()); }

  // An FP32 value from the interesting places.
  uint32_t f32() {
    static const uint32_t specials[] = {
        0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007FFFFF, 0x00800000, 0x80800000,
        0x3F800000, 0xBF800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000, 0xFF800000, 0x7FC00000,
        0xFFC00000, 0x7F800001, 0x7FA00000, 0x00400000, 0x7F7F8000, 0x7F7FC000, 0x43F00000,
        0x43F80000, 0x47600000, 0x477FE000, 0x3B800000, 0x00008000, 0x00018000};
    const uint32_t sign = word() & 0x80000000u;
    switch (below(10)) {
      case 0: return specials[below(std::size(specials))] ^ (chance(30) ? 0x80000000u : 0);
      case 1: return sign | (word() & 0x007FFFFF) >> below(23);  // subnormal
      case 2: {
        // A rounding boundary of BF16, E4M3 or E5M2 (kept digits, then a tie, or one ulp off).
        const unsigned discarded = std::array<unsigned, 3>{16, 20, 21}[below(3)];
        uint32_t mantissa = (word() & 0x7FFFFF) & ~((1u << discarded) - 1);
        mantissa |= 1u << (discarded - 1);
        if (chance(30)) mantissa += chance(50) ? 1 : -1;
        const uint32_t exponent = chance(50) ? 127 + below(41) - 20 : below(256);
        return sign | (exponent & 0xFF) << 23 | (mantissa & 0x7FFFFF);
      }
      case 3: return sign | (60 + below(30)) << 23 | (word() & 0x7FFFFF);  // near CFP8 ranges
      case 4: return sign | below(4) << 23 | (word() & 0x7FFFFF);  // near FP32 underflow
      case 5: return sign | (252 + below(3)) << 23 | (word() & 0x7FFFFF);  // near overflow
      case 6: return sign | (120 + below(16)) << 23 | (word() & 0x7FFFFF);  // ordinary
      default: return word();
    }
  }

  uint16_t bf16() {
    return chance(80) ? static_cast<uint16_t>(f32() >> 16) : static_cast<uint16_t>(word());
  }

  uint8_t byte() {
    static const uint8_t specials[] = {0x00, 0x80, 0x01, 0x81, 0x7F, 0xFF, 0x07, 0x08, 0x03, 0x04, 0x78, 0x7C};
    return chance(30) ? specials[below(std::size(specials))] : static_cast<uint8_t>(word());
  }

  // A register full of one kind of lane.
  Register data() {
    Register r{};
    const unsigned kind = below(4);
    for (unsigned i = 0; i < register_bytes;) {
      if (kind == 0) {
        const uint32_t v = f32();
        std::memcpy(&r[i], &v, 4);
        i += 4;
      } else if (kind == 1) {
        const uint16_t v = bf16();
        std::memcpy(&r[i], &v, 2);
        i += 2;
      } else if (kind == 2) {
        r[i++] = byte();
      } else {
        r[i++] = static_cast<uint8_t>(word());
      }
    }
    return r;
  }

  uint64_t vcfg() {
    const unsigned e4m3_bias = chance(50) ? 7 : below(64), e5m2_bias = chance(50) ? 15 : below(64);
    return (chance(50) ? 1u << 16 : 0) | e5m2_bias << 8 | e4m3_bias | (chance(10) ? 0xFFFF0000C0C0ull : 0);
  }

  uint32_t instruction() {
    if (chance(3)) {
      // Anything, mostly illegal; but vld/vst only ever reach an engine through load()/store().
      const uint32_t any = word();
      const bool memory = (any & 0x7F) == custom0_opcode && (any >> 25) <= 0x01;
      return memory ? any | 0x7Fu << 25 : any;
    }
    static const uint32_t float_types[] = {0, 1, 4, 5};
    const uint32_t funct7 = 2 + below(12);  // vbcast .. vmma
    uint32_t type = below(4);
    const uint32_t rd = below(32), rs1 = below(32), rs2 = below(32);
    switch (funct7) {
      case 0x02: return insn(funct7, below(6), rd, rs1, 0);
      case 0x06: case 0x07: case 0x08: return insn(funct7, below(2), rd, rs1, rs2);
      case 0x09: case 0x0C: return insn(funct7, type, rd, rs1, 0);
      case 0x0A: return insn(funct7, 3, rd, rs1, rs2);
      case 0x0B: {
        const uint32_t destination = float_types[below(4)];
        uint32_t source = float_types[below(4)];
        while (source == destination && chance(95)) source = float_types[below(4)];
        const unsigned wide = std::max(width(source), width(destination));
        const unsigned narrow = std::min(width(source), width(destination));
        const uint32_t part = chance(95) ? below(wide / narrow) : below(4);
        return insn(funct7, destination, rd, rs1, source << 2 | part);
      }
      case 0x0D: {
        static const uint32_t mma_types[] = {1, 4, 5};
        return insn(funct7, mma_types[below(3)], chance(95) ? rd & ~3u : rd, rs1, rs2);
      }
      default: return insn(funct7, type, rd, rs1, rs2);
    }
  }

 private:
  static unsigned width(uint32_t type) { return type == 0 || type == 2 ? 32 : type == 1 ? 16 : 8; }
  std::mt19937_64 random_;
};

}  // namespace

CosimRandomResult run_cosim_random(const CosimRandomOptions& options,
                                   std::unique_ptr<VectorEngine> checked) {
  CosimRandomResult result;
  Generator generate(options.seed);
  std::unique_ptr<VectorEngine> engine =
      options.lockstep
          ? std::make_unique<LockstepEngine>(0, std::make_unique<VectorModel>(), std::move(checked))
          : std::move(checked);
  auto* lockstep = dynamic_cast<LockstepEngine*>(engine.get());
  if (lockstep) lockstep->compare_all_registers_every(options.full_compare_every);
  auto* rtl = dynamic_cast<RtlEngine*>(lockstep ? &lockstep->checked() : engine.get());
  if (options.response_backpressure > 0) {
    if (!rtl) throw std::runtime_error("response back-pressure needs the RTL engine");
    // Its own stream from the seed: the instruction stream stays the one without back-pressure.
    rtl->set_response_backpressure(options.response_backpressure, ~options.seed);
    if (lockstep) lockstep->compare_timing(false);
  }
  if (!options.coverage_out.empty()) {
    if (!rtl || !RtlEngine::has_coverage())
      throw std::runtime_error("coverage '" + options.coverage_out +
                               "': the engine's RTL counts no coverage");
    if (lockstep) lockstep->enable_coverage();
  }
  const auto failed = [&](const std::string& where, const std::string& report) {
    result.failure = where + ":\n" + report;
    return result;
  };
  const uint32_t vld = insn(0x00, 0, 0, 10, 0), vst = insn(0x01, 0, 0, 10, 0);
  for (unsigned r = 0; r < register_count; ++r) {
    const Outcome loaded = engine->load(vld | r << 7, generate.data(), 0);
    if (loaded.status != Outcome::Status::ok) return failed("loading v" + std::to_string(r), loaded.message);
  }
  uint64_t cycle = 0;
  for (uint64_t n = 0; n < options.instructions; ++n) {
    const std::string where = "seed " + std::to_string(options.seed) + ", instruction #" +
                              std::to_string(n);
    // The core's scalar code between vector instructions: none mostly, so the pipeline fills.
    cycle += generate.chance(70) ? 0 : generate.below(generate.chance(80) ? 4 : 40);
    engine->advance_to(cycle);
    const uint64_t pc = 0x80000000 + 4 * n;
    Outcome outcome;
    const unsigned what = generate.below(100);
    if (what < 8) {
      outcome = engine->load(vld | generate.below(32) << 7, generate.data(), pc);
    } else if (what < 10) {
      Register stored{};
      outcome = engine->store(vst | generate.below(32) << 20, stored, pc);
    } else if (what < 13) {
      outcome = engine->settle();  // as the core does before a CSR access
      cycle += outcome.cycles;
      if (outcome.status == Outcome::Status::fatal) return failed(where, outcome.message);
      const uint64_t seed = generate.chance(50) ? generate.word() : uint64_t(-1) - generate.below(3);
      const bool clear_flags = generate.chance(50);
      if (!engine->write_csr(csr_vcfg, generate.vcfg()) || !engine->write_csr(csr_vseed, seed) ||
          (clear_flags && !engine->write_csr(csr_vflags, 0)))
        return failed(where, "a vector CSR write was refused");
      cycle += clear_flags ? 3 : 2;
      ++result.csr_writes;
      continue;
    } else {
      const uint32_t instruction = generate.instruction();
      outcome = engine->execute(instruction, uint64_t(generate.word()) << 32 | generate.word(), pc);
    }
    cycle += outcome.cycles;
    if (outcome.status == Outcome::Status::fatal) return failed(where, outcome.message);
    (outcome.status == Outcome::Status::ok ? result.executed : result.illegal)++;
  }
  const std::string end = "seed " + std::to_string(options.seed) + ", at the end";
  const Outcome settled = engine->settle();  // every instruction retired and compared
  if (settled.status == Outcome::Status::fatal) return failed(end, settled.message);
  for (unsigned r = 0; lockstep && r < register_count; ++r)
    if (lockstep->reference().read_register(r) != lockstep->checked().read_register(r))
      return failed(end, "register v" + std::to_string(r) + " differs between the model and the RTL");
  result.cycles = cycle + settled.cycles;
  if (rtl) result.response_held_cycles = rtl->response_held_cycles();
  result.passed = true;
  if (!options.coverage_out.empty()) rtl->write_coverage(options.coverage_out);
  return result;
}

}  // namespace dojo::vector
