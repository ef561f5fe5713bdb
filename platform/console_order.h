// Console lines of several cores in the order of their simulated time. Cores run ahead of each
// other by up to a quantum, so a line is held until SystemC time has passed it: then no core can
// still print one before it. Ties go by rank, then by the order a core printed them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <systemc>

namespace dojo::platform {

class ConsoleOrder {
 public:
  // Holds `line` (with its newline) of the core of `rank`, printed at `at`. Returns true if it is
  // now the earliest held line: its wake-up is due.
  bool add(uint32_t rank, std::string line, sc_core::sc_time at);
  // Writes, in order, every held line printed before `now` (final: nothing can come before
  // them any more).
  void write_before(sc_core::sc_time now, std::ostream& out);
  // Writes every held line, at the end of the run.
  void write_all(std::ostream& out);
  // When the earliest held line was printed; none if nothing is held.
  std::optional<sc_core::sc_time> earliest() const;

 private:
  struct Key {
    sc_core::sc_time at;
    uint32_t rank;
    uint64_t sequence;  // keeps one core's lines at the same time in order
    bool operator<(const Key& other) const {
      if (at != other.at) return at < other.at;
      return rank != other.rank ? rank < other.rank : sequence < other.sequence;
    }
  };
  std::map<Key, std::string> lines_;
  uint64_t sequence_ = 0;
};

}  // namespace dojo::platform
