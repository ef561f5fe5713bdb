#include "noc/noc.h"

#include "noc/layout.h"

namespace dojo::noc {

WindowAddress decode_window_offset(uint64_t offset) {
  WindowAddress address;
  address.core.chip_y = static_cast<uint32_t>(window::chip_y.get(offset));
  address.core.chip_x = static_cast<uint32_t>(window::chip_x.get(offset));
  address.core.y = static_cast<uint32_t>(window::y.get(offset));
  address.core.x = static_cast<uint32_t>(window::x.get(offset));
  address.space = static_cast<unsigned>(window::space.get(offset));
  address.offset = window::offset.get(offset);
  return address;
}

uint64_t encode_window_offset(const WindowAddress& address) {
  return window::chip_y.put(address.core.chip_y) | window::chip_x.put(address.core.chip_x) |
         window::y.put(address.core.y) | window::x.put(address.core.x) |
         window::space.put(address.space) | window::offset.put(address.offset);
}

Noc::Noc(sc_core::sc_module_name name, const NocParams& params)
    : sc_core::sc_module(name),
      ingress("ingress"),
      sram_egress("sram_egress"),
      device_egress("device_egress"),
      params_(params),
      network_(params.network),
      egress_port_of_(network_.node_count(), -1) {
  if (params.clock_period == sc_core::SC_ZERO_TIME)
    throw std::invalid_argument(std::string(this->name()) + ": clock_period must not be 0");
  ingress.register_b_transport(this, &Noc::b_transport);
  ingress.register_transport_dbg(this, &Noc::transport_dbg);
}

void Noc::add_core(NodeIndex node) {
  egress_port_of_.at(node) = static_cast<int>(ingress_nodes_.size());
  ingress_nodes_.push_back(node);
}

NodeIndex Noc::add_host(const Coord& router) {
  const NodeIndex node = network_.attach_endpoint(router);
  ingress_nodes_.push_back(node);
  return node;
}

bool Noc::route(tlm::tlm_generic_payload& trans, Destination& destination) const {
  const WindowAddress target = decode_window_offset(trans.get_address());
  const auto found = network_.node_at(target.core);
  const uint64_t end = target.offset + trans.get_data_length();
  const bool inside = target.space == window::space_sram      ? end <= params_.sram_size
                      : target.space == window::space_devices ? end <= window::offset.mask() + 1
                                                              : false;
  // The window spans 40 bits; anything above names no core.
  if (!found || !inside || trans.get_address() >> window::bits != 0 ||
      egress_port_of_[*found] < 0) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  destination.node = *found;
  destination.port = egress_port_of_[*found];
  destination.sram = target.space == window::space_sram;
  destination.address = destination.sram ? target.offset : params_.device_base + target.offset;
  return true;
}

void Noc::forward(const Destination& destination, tlm::tlm_generic_payload& trans,
                  sc_core::sc_time& delay) {
  const uint64_t window_offset = trans.get_address();
  trans.set_address(destination.address);
  auto& socket = destination.sram ? sram_egress : device_egress;
  socket[destination.port]->b_transport(trans, delay);
  trans.set_address(window_offset);
}

uint64_t Noc::cycle_at(const sc_core::sc_time& time) const {
  const uint64_t period = params_.clock_period.value();
  return (time.value() + period - 1) / period;
}

sc_core::sc_time Noc::time_of(uint64_t cycle) const {
  return sc_core::sc_time::from_value(cycle * params_.clock_period.value());
}

void Noc::b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  Destination destination;
  if (!route(trans, destination)) return;
  const NodeIndex source = ingress_nodes_.at(static_cast<size_t>(port));
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  // No initiator runs behind SystemC time, so older reservations can go.
  network_.advance_horizon(now.value() / params_.clock_period.value());

  // Request: the command and address, and the data of a write.
  const bool is_write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
  const uint64_t length = trans.get_data_length();
  const uint64_t arrival = network_.send(
      source, destination.node,
      network_.flits_for(params_.header_bytes + (is_write ? length : 0)), cycle_at(now + delay));

  sc_core::sc_time at_target = time_of(arrival) - now;
  forward(destination, trans, at_target);
  // DMI is never offered through the network.
  trans.set_dmi_allowed(false);

  // Response: the status, and the data of a read.
  const uint64_t delivered = network_.send(
      destination.node, source, network_.flits_for(params_.header_bytes + (is_write ? 0 : length)),
      cycle_at(now + at_target));
  if (on_access)
    on_access(source, destination.node, is_write, length, now + delay, time_of(arrival),
              time_of(delivered));
  delay = time_of(delivered) - now;
}

unsigned int Noc::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  Destination destination;
  if (!route(trans, destination)) return 0;
  const uint64_t window_offset = trans.get_address();
  trans.set_address(destination.address);
  auto& socket = destination.sram ? sram_egress : device_egress;
  const unsigned int count = socket[destination.port]->transport_dbg(trans);
  trans.set_address(window_offset);
  return count;
}

}  // namespace dojo::noc
