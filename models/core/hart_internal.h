// Definitions shared by the interpreter (hart.cpp) and the CSR/trap logic (csr.cpp).
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/decoder.h"
#include "core/translator.h"

namespace dojo::core {

constexpr unsigned kPageBits = 12;
constexpr uint64_t kPageSize = uint64_t{1} << kPageBits;
// One entry per halfword: an instruction's entry sits at (pc % kPageSize) / 2.
constexpr unsigned kEntriesPerPage = kPageSize / 2;

// The most bytes one entry stands for: a superinstruction of two 32-bit instructions.
constexpr unsigned kMaxEntryBytes = 8;

constexpr uint64_t kInterruptBit = uint64_t{1} << 63;

// mstatus fields of a machine with M and U modes.
constexpr uint64_t kMstatusMie = uint64_t{1} << 3;
constexpr uint64_t kMstatusMpie = uint64_t{1} << 7;
constexpr unsigned kMstatusMppShift = 11;
constexpr uint64_t kMstatusMpp = uint64_t{3} << kMstatusMppShift;
constexpr uint64_t kMstatusMprv = uint64_t{1} << 17;
constexpr uint64_t kMstatusTw = uint64_t{1} << 21;

// The interpreter's handler addresses, by handler_index.
using HandlerTable = const void* const*;

// The decoded instructions of one 4 KiB page. Two sentinel entries past the end catch straight-
// line execution (of a 2- or 4-byte instruction) running into the next page.
struct DecodedPage {
  DecodedPage(uint64_t page_base, HandlerTable handlers)
      : base(page_base),
        decode_handler(handlers[handler_index(Op::decode, 4)]),
        page_end_handler(handlers[handler_index(Op::page_end, 4)]) {
    reset();
  }

  // Forgets every decoded instruction. Only the operation is reset, so a handler whose own entry
  // is forgotten (a store over its own instruction) still finds its fields.
  void reset() {
    forget(0, kEntriesPerPage, 0);
    for (unsigned i = kEntriesPerPage; i < entries.size(); ++i) {
      entries[i].op = Op::page_end;
      entries[i].handler = page_end_handler;
    }
  }

  // Forgets the entries [first, last), and the traces that start among them or have an
  // instruction among [written, last), the bytes written (entries before them are forgotten as
  // they may stand for more than one instruction; a trace's instructions stand for their own
  // bytes only, so that data written next to a trace leaves it alone).
  void forget(unsigned first, unsigned last, unsigned written) {
    for (unsigned i = first; i < last; ++i) {
      entries[i].op = Op::decode;
      entries[i].handler = decode_handler;
    }
    for (size_t i = 0; i < traces.size();) {
      const Trace& trace = *traces[i];
      const bool starts_here = trace.first() >= first && trace.first() < last;
      if (!starts_here && (trace.first() >= last || trace.end() <= written)) {
        ++i;
        continue;
      }
      entries[trace.first()].op = Op::decode;  // decoded (and translated) again when reached
      entries[trace.first()].handler = decode_handler;
      trace_at[trace.first()] = nullptr;
      traces[i] = std::move(traces.back());
      traces.pop_back();
    }
  }

  uint64_t base;
  const void* decode_handler;
  const void* page_end_handler;
  std::array<Entry, kEntriesPerPage + 2> entries;
  // The translating engine's traces of this page, the one starting at each entry (allocated with
  // the first trace), and the entries a trace should start at (branch targets, return addresses).
  std::vector<std::shared_ptr<Trace>> traces;
  std::unique_ptr<Trace*[]> trace_at;
  std::bitset<kEntriesPerPage> trace_heads;
  // How often each head not yet translated has run (allocated with the first candidate's run):
  // code that runs once (start-up, on each of thousands of cores) is not worth compiling.
  std::unique_ptr<uint16_t[]> head_runs;  // core.translate_after fits
};

}  // namespace dojo::core
