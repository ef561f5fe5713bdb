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
      params_(params) {
  if (params.clock_period == sc_core::SC_ZERO_TIME)
    throw std::invalid_argument(std::string(this->name()) + ": clock_period must not be 0");
  if (params.network.model == NetworkModel::cycle) {
    cycle_ = std::make_unique<CycleNetwork>(params.network);
    geometry_ = &cycle_->network();
    room_claimed_.assign(geometry_->node_count(), 0);
    stalls_.resize(geometry_->node_count());
    SC_HAS_PROCESS(Noc);
    SC_METHOD(tick);
    sensitive << tick_event_;
    dont_initialize();
  } else {
    ideal_ = std::make_unique<Network>(params.network);
    geometry_ = ideal_.get();
  }
  egress_port_of_.assign(geometry_->node_count(), -1);
  ingress.register_b_transport(this, &Noc::b_transport);
  ingress.register_transport_dbg(this, &Noc::transport_dbg);
}

void Noc::add_core(NodeIndex node) {
  egress_port_of_.at(node) = static_cast<int>(ingress_nodes_.size());
  ingress_nodes_.push_back(node);
}

NodeIndex Noc::add_host(const Coord& router) {
  const NodeIndex node = cycle_ ? cycle_->attach_endpoint(router) : ideal_->attach_endpoint(router);
  if (cycle_) {
    room_claimed_.push_back(0);
    stalls_.emplace_back();
  }
  ingress_nodes_.push_back(node);
  return node;
}

std::vector<LinkStats> Noc::link_stats() const {
  return cycle_ ? cycle_->link_stats() : ideal_->link_stats();
}

std::vector<Noc::InterfaceStalls> Noc::interface_stalls() const {
  std::vector<InterfaceStalls> stalled;
  for (NodeIndex node = 0; node < stalls_.size(); ++node) {
    if (stalls_[node].stalls == 0) continue;
    stalled.push_back(stalls_[node]);
    stalled.back().node = node;
  }
  return stalled;
}

const PacketStats& Noc::packet_stats() const {
  return cycle_ ? cycle_->packet_stats() : ideal_->packet_stats();
}

std::vector<LinkBacklog> Noc::backlog(uint64_t cycle) const {
  return cycle_ ? cycle_->backlog() : ideal_->backlog(cycle);
}

bool Noc::route(tlm::tlm_generic_payload& trans, Destination& destination) const {
  const WindowAddress target = decode_window_offset(trans.get_address());
  const auto found = geometry_->node_at(target.core);
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
  if (cycle_) return cycle_transport(source, destination, trans, delay);
  Network& network = *ideal_;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  // No initiator runs behind SystemC time, so older reservations can go.
  network.advance_horizon(now.value() / params_.clock_period.value());

  // Request: the command and address, and the data of a write.
  const bool is_write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
  const uint64_t length = trans.get_data_length();
  const uint64_t arrival = network.send(
      source, destination.node, request_flits(trans), cycle_at(now + delay));

  sc_core::sc_time at_target = time_of(arrival) - now;
  forward(destination, trans, at_target);
  // DMI is never offered through the network.
  trans.set_dmi_allowed(false);

  // Response: the status, and the data of a read.
  const uint64_t delivered = network.send(
      destination.node, source, response_flits(trans),
      cycle_at(now + at_target));
  if (on_access)
    on_access(source, destination.node, is_write, length, now + delay, time_of(arrival),
              time_of(delivered));
  delay = time_of(delivered) - now;
}

// The request carries the command and address, and a write's data; the response the status, and a
// read's data.
uint32_t Noc::request_flits(const tlm::tlm_generic_payload& trans) const {
  const bool is_write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
  return geometry_->flits_for(params_.header_bytes + (is_write ? trans.get_data_length() : 0));
}

uint32_t Noc::response_flits(const tlm::tlm_generic_payload& trans) const {
  const bool is_write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
  return geometry_->flits_for(params_.header_bytes + (is_write ? 0 : trans.get_data_length()));
}

void Noc::cycle_transport(NodeIndex source, const Destination& destination,
                          tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  // The packets leave at the initiator's local time: catch SystemC up with it.
  if (delay != sc_core::SC_ZERO_TIME) sc_core::wait(delay);
  delay = sc_core::SC_ZERO_TIME;
  const sc_core::sc_time issued = sc_core::sc_time_stamp();
  const bool is_write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
  const uint64_t length = trans.get_data_length();
  carry(source, destination.node, request_flits(trans), true);
  const sc_core::sc_time arrived = sc_core::sc_time_stamp();
  sc_core::sc_time access = sc_core::SC_ZERO_TIME;
  forward(destination, trans, access);
  trans.set_dmi_allowed(false);
  if (access != sc_core::SC_ZERO_TIME) sc_core::wait(access);
  carry(destination.node, source, response_flits(trans), false);
  if (on_access) on_access(source, destination.node, is_write, length, issued, arrived, sc_core::sc_time_stamp());
}

void Noc::carry(NodeIndex from, NodeIndex to, uint32_t flits, bool request) {
  uint32_t tag;
  if (free_transfers_.empty()) {
    tag = static_cast<uint32_t>(transfers_.size());
    transfers_.push_back(std::make_unique<Transfer>());
  } else {
    tag = free_transfers_.back();
    free_transfers_.pop_back();
  }
  if (request) {
    if (cycle_->queued_packets(from) + room_claimed_[from] >= params_.interface_queue) {
      const sc_core::sc_time blocked_at = sc_core::sc_time_stamp();
      blocked_.push_back({from, tag});
      sc_core::wait(transfers_[tag]->done);  // tick() claims the room for it
      --room_claimed_[from];
      InterfaceStalls& stalls = stalls_[from];
      ++stalls.stalls;
      stalls.cycles += cycle_at(sc_core::sc_time_stamp()) - cycle_at(blocked_at);
    }
  }
  const uint64_t cycle = cycle_at(sc_core::sc_time_stamp());
  cycle_->inject_at(cycle, from, to, flits, tag);
  tick_before(cycle);
  sc_core::wait(transfers_[tag]->done);
  free_transfers_.push_back(tag);
}

// The network steps cycle c at the end of it, at time (c + 1) * period, after every initiator of
// that time has injected (their packets are created in cycle c or later), and a packet delivered
// in cycle c (whole from c + 1) wakes its initiator then.
void Noc::tick_before(uint64_t cycle) {
  tick_event_.notify(time_of(cycle + 1) - sc_core::sc_time_stamp());
}

void Noc::tick() {
  const uint64_t cycle = cycle_at(sc_core::sc_time_stamp()) - 1;
  if (cycle_->cycle() < cycle) cycle_->skip_to(cycle);  // nothing happened in between
  delivered_.clear();
  cycle_->step(delivered_);
  for (const Delivery& packet : delivered_) transfers_[packet.tag]->done.notify(sc_core::SC_ZERO_TIME);
  // Initiators waiting for room in an interface, first come first served.
  auto kept = blocked_.begin();
  for (const Blocked& waiting : blocked_) {
    if (cycle_->queued_packets(waiting.node) + room_claimed_[waiting.node] < params_.interface_queue) {
      ++room_claimed_[waiting.node];
      transfers_[waiting.transfer]->done.notify(sc_core::SC_ZERO_TIME);
    } else {
      *kept++ = waiting;
    }
  }
  blocked_.erase(kept, blocked_.end());
  if (!cycle_->idle()) tick_before(cycle_->next_busy_cycle());
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
