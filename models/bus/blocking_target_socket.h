// A target socket for models that serve blocking transport only, as every device of the platform
// does: tlm_utils::simple_target_socket's registration of member functions without its machinery
// for turning non-blocking calls into blocking ones (helper processes, events and their names),
// which each of a tile's thousands of devices paid for at elaboration and never used.
#pragma once

#include <string>

#include <systemc>
#include <tlm>

namespace dojo::bus {

template <typename Module, unsigned kBusWidth = 32>
class BlockingTargetSocket : public tlm::tlm_target_socket<kBusWidth>,
                             private tlm::tlm_fw_transport_if<> {
 public:
  using BTransport = void (Module::*)(tlm::tlm_generic_payload&, sc_core::sc_time&);
  using TransportDbg = unsigned int (Module::*)(tlm::tlm_generic_payload&);
  using GetDirectMemPtr = bool (Module::*)(tlm::tlm_generic_payload&, tlm::tlm_dmi&);

  explicit BlockingTargetSocket(const char* name = "socket")
      : tlm::tlm_target_socket<kBusWidth>(name) {
    this->bind(static_cast<tlm::tlm_fw_transport_if<>&>(*this));
  }

  void register_b_transport(Module* module, BTransport function) {
    module_ = module;
    b_transport_ = function;
  }
  void register_transport_dbg(Module* module, TransportDbg function) {
    module_ = module;
    transport_dbg_ = function;
  }
  void register_get_direct_mem_ptr(Module* module, GetDirectMemPtr function) {
    module_ = module;
    get_direct_mem_ptr_ = function;
  }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override {
    if (b_transport_ == nullptr) {
      trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      return;
    }
    (module_->*b_transport_)(trans, delay);
  }

  // An initiator of this platform never calls it; one that does learns it at once.
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload&, tlm::tlm_phase&,
                                     sc_core::sc_time&) override {
    SC_REPORT_ERROR("/dojo/bus/BlockingTargetSocket",
                    (std::string(this->name()) + ": takes blocking transport only").c_str());
    return tlm::TLM_COMPLETED;
  }

  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) override {
    return transport_dbg_ != nullptr ? (module_->*transport_dbg_)(trans) : 0;
  }

  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) override {
    if (get_direct_mem_ptr_ != nullptr) return (module_->*get_direct_mem_ptr_)(trans, dmi);
    dmi.allow_read_write();  // the whole address range, denied
    dmi.set_start_address(0);
    dmi.set_end_address(~sc_dt::uint64{0});
    return false;
  }

  Module* module_ = nullptr;
  BTransport b_transport_ = nullptr;
  TransportDbg transport_dbg_ = nullptr;
  GetDirectMemPtr get_direct_mem_ptr_ = nullptr;
};

}  // namespace dojo::bus
