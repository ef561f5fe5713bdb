#include "peripherals/core_info.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace dojo::peripherals {

namespace {

namespace regs = core_info::registers;

CoreInfoParams checked(const char* module, CoreInfoParams params) {
  const auto fail = [module](const std::string& what) {
    throw std::invalid_argument(std::string(module) + ": " + what);
  };
  if (params.mesh_width == 0 || params.mesh_height == 0 || params.chips_x == 0 ||
      params.chips_y == 0)
    fail("the mesh and chip dimensions must not be zero");
  if (!params.rank_hartids || params.rank_hartids->empty())
    fail("the rank table must list at least one enabled core");
  if (params.rank_hartids->size() > CoreInfo::max_cores)
    fail("the rank table lists " + std::to_string(params.rank_hartids->size()) +
         " cores, more than the " + std::to_string(CoreInfo::max_cores) + " it has room for");
  if (params.rank >= params.rank_hartids->size())
    fail("rank " + std::to_string(params.rank) + " is outside the rank table (" +
         std::to_string(params.rank_hartids->size()) + " cores)");
  return params;
}

Register constant(std::string name, const RegisterLayout& layout, uint64_t value) {
  return {std::move(name), layout.offset, layout.bytes, layout.min_access,
          [value](const sc_core::sc_time&) { return value; }, nullptr};
}

bool is_register_read(const tlm::tlm_generic_payload& trans) {
  return trans.is_read() && trans.get_address() < regs::rank_table_offset;
}

}  // namespace

CoreInfo::CoreInfo(sc_core::sc_module_name name, CoreInfoParams params, sc_core::sc_time latency)
    : sc_module(name),
      socket("socket"),
      params_(checked(this->name(), std::move(params))),
      latency_(latency),
      registers_(this->name(), latency,
                 {
                     constant("mesh_width", regs::mesh_width, params_.mesh_width),
                     constant("mesh_height", regs::mesh_height, params_.mesh_height),
                     constant("chips_x", regs::chips_x, params_.chips_x),
                     constant("chips_y", regs::chips_y, params_.chips_y),
                     constant("core_count", regs::core_count, core_count()),
                     constant("rank", regs::rank, params_.rank),
                     constant("global_base", regs::global_base, params_.global_base),
                     constant("hartid", regs::hartid, hartid()),
                     constant("load_flags", regs::load_flags,
                              params_.image_zeroed ? regs::load_flags_image_zeroed : 0),
                     constant("core_clock_hz", regs::core_clock_hz, params_.core_clock_hz),
                 }) {
  socket.register_b_transport(this, &CoreInfo::b_transport);
  socket.register_transport_dbg(this, &CoreInfo::transport_dbg);
}

void CoreInfo::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (is_register_read(trans)) {
    registers_.b_transport(trans, delay);
    return;
  }
  trans.set_response_status(access(trans));
  delay += latency_;
}

unsigned int CoreInfo::transport_dbg(tlm::tlm_generic_payload& trans) {
  if (is_register_read(trans)) return registers_.transport_dbg(trans);
  const tlm::tlm_response_status status = access(trans);
  trans.set_response_status(status);
  return status == tlm::TLM_OK_RESPONSE ? trans.get_data_length() : 0;
}

// The table follows the register file's rules for one 32-bit read-only register per entry.
tlm::tlm_response_status CoreInfo::access(tlm::tlm_generic_payload& trans) const {
  if (!trans.is_read()) return tlm::TLM_COMMAND_ERROR_RESPONSE;  // the whole block is read-only
  if (trans.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  unsigned char* data = trans.get_data_ptr();
  if (data == nullptr) return tlm::TLM_GENERIC_ERROR_RESPONSE;
  constexpr unsigned entry = regs::rank_table_bytes;
  const uint64_t byte = trans.get_address() - regs::rank_table_offset;
  if (byte >= regs::rank_table_stride * uint64_t{core_count()})
    return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (trans.get_data_length() != entry || trans.get_streaming_width() < entry)
    return tlm::TLM_BURST_ERROR_RESPONSE;
  if (byte % regs::rank_table_stride != 0) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  const uint32_t hartid = (*params_.rank_hartids)[byte / regs::rank_table_stride];
  for (unsigned i = 0; i < entry; ++i) data[i] = static_cast<unsigned char>(hartid >> 8 * i);
  return tlm::TLM_OK_RESPONSE;
}

}  // namespace dojo::peripherals
