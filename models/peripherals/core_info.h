// A core's core-info block: read-only registers that describe the tile to firmware (mesh and chip
// dimensions, the global window, the enabled cores) and this core's rank among the enabled cores,
// plus the rank -> hartid table. Disabled cores have no rank, so firmware enumerates cores by
// rank. The table is built once by the platform and shared by every core's block. See
// docs/models/core-info.md.
#pragma once

#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>
#include <vector>

#include "bus/blocking_target_socket.h"
#include "peripherals/core_info_registers.h"
#include "peripherals/register_file.h"

namespace dojo::peripherals {

struct CoreInfoParams {
  uint32_t mesh_width = 1;   // cores per chip row
  uint32_t mesh_height = 1;  // core rows per chip
  uint32_t chips_x = 1;      // chips per tile row
  uint32_t chips_y = 1;      // chip rows per tile
  uint64_t global_base = 0;  // base of the global window
  uint32_t rank = 0;         // this core's index in rank_hartids
  uint64_t core_clock_hz = 0;  // the core's clock (mcycle counts at this rate)
  // The loader wrote zeros over each segment's memory beyond its file bytes (.bss), so start-up
  // code need not clear it again.
  bool image_zeroed = false;
  // mhartid of every enabled core, by rank: ordered by chip row, chip column, core row, core
  // column. Shared by every core's block.
  std::shared_ptr<const std::vector<uint32_t>> rank_hartids;
};

class CoreInfo : public sc_core::sc_module {
 public:
  bus::BlockingTargetSocket<CoreInfo> socket;

  // Throws std::invalid_argument for a zero dimension, a missing or empty table, a table larger
  // than max_cores, or a rank outside the table. `latency` is added to every access.
  CoreInfo(sc_core::sc_module_name name, CoreInfoParams params, sc_core::sc_time latency);

  const CoreInfoParams& params() const { return params_; }
  uint32_t core_count() const { return static_cast<uint32_t>(params_.rank_hartids->size()); }
  uint32_t hartid() const { return (*params_.rank_hartids)[params_.rank]; }
  // Bytes the block decodes: the registers and the table.
  uint64_t size() const {
    return core_info::registers::rank_table_offset +
           core_info::registers::rank_table_stride * uint64_t{core_count()};
  }

  // The register map is core_info_registers.yaml (dojo::core_info::registers): the rank table
  // has an entry per core.
  static constexpr uint32_t max_cores = core_info::registers::rank_table_count;

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  // Writes and every access to the table; everything else goes to registers_.
  tlm::tlm_response_status access(tlm::tlm_generic_payload& trans) const;

  CoreInfoParams params_;
  sc_core::sc_time latency_;
  RegisterFile registers_;
};

}  // namespace dojo::peripherals
