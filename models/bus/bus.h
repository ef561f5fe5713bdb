// An address decoder between any number of initiators and targets (loosely-timed TLM-2.0).
//
// Each mapping sends an address range to one bound target, which sees offsets from the mapping's
// base. Mappings may nest (one strictly inside another, e.g. the HTIF device over the `tohost` word
// inside SRAM): the innermost mapping wins, and DMI granted for the outer target is clipped so it
// never covers an inner mapping. Partial overlaps are refused.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <vector>

namespace dojo::bus {

class Bus : public sc_core::sc_module {
 public:
  // Initiators bind here (any number).
  tlm_utils::multi_passthrough_target_socket<Bus> target;
  // Targets bind here; a target's port number is its binding order (0, 1, ...).
  tlm_utils::multi_passthrough_initiator_socket<Bus> initiator;

  explicit Bus(sc_core::sc_module_name name);

  // Sends [base, base + size) to the target bound on `initiator_port`. Throws std::invalid_argument
  // (naming both mappings) if the range is empty, wraps past 2^64, or partially overlaps or
  // duplicates an existing mapping. A port that ends up unbound is reported at the end of
  // elaboration. Mapping during simulation invalidates DMI over the new range.
  void map(unsigned initiator_port, uint64_t base, uint64_t size, std::string name);

 private:
  struct Mapping {
    uint64_t base;
    uint64_t last;  // inclusive, so a mapping may end at 2^64 - 1
    unsigned port;
    std::string name;
  };
  // A maximal address range served by one mapping with no inner mapping in it. Segments are
  // disjoint and sorted; decoding is a binary search over them.
  struct Segment {
    uint64_t first;
    uint64_t last;  // inclusive
    const Mapping* mapping;
  };

  void end_of_elaboration() override;

  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);

  // The segment holding `address`, or nullptr if it is unmapped.
  const Segment* decode(uint64_t address);
  // The unmapped gap around `address` (which decode() found unmapped), for a DMI refusal.
  void unmapped_gap(uint64_t address, uint64_t& first, uint64_t& last) const;
  void rebuild_segments();
  void invalidate_all_initiators(uint64_t first, uint64_t last);

  // Mappings by base; `std::vector<Mapping>` would move them and dangle the segments' pointers.
  std::vector<std::unique_ptr<Mapping>> mappings_;
  std::vector<Segment> segments_;
  bool segments_stale_ = false;
  const Segment* last_hit_ = nullptr;  // accesses cluster, so try the previous segment first
};

}  // namespace dojo::bus
