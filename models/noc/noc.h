// The network-on-chip as a loosely-timed TLM-2.0 interconnect: it decodes the global window
// (docs/memory-map.md), times each access with the Network model (a request packet to the
// destination core, the access there, a response packet back) and performs it on the
// destination's local bus.
//
// With noc.model: cycle the packets move through the cycle-level routers (cycle_network.h) as
// SystemC time passes: the initiator's thread waits (b_transport may call wait()) until its request
// has arrived, for the access, and until the response has; a request that finds its node's
// network interface holding interface_queue packets waits for room first. Responses always have
// room (the interface keeps it for the requests it sent).
//
// Every endpoint is one port on each socket: a core binds its bus's window mapping to `ingress`,
// its SRAM to `sram_egress` (the window's SRAM space reaches the memory itself, not whatever the
// core's bus maps over it) and its bus's target to `device_egress` (the device space), in the
// order of add_core(); the host interface binds only to `ingress`, after add_host(). Addresses
// arrive as offsets in the window (the bus subtracts the window's base) and leave as offsets in
// the SRAM or as local device addresses.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <vector>

#include "noc/cycle_network.h"
#include "noc/network.h"
#include "noc/noc_settings.h"

namespace dojo::noc {

// Where a window offset points: a core, a space in it (0 SRAM, 1 devices) and an offset there.
struct WindowAddress {
  Coord core;
  unsigned space = 0;
  uint64_t offset = 0;
};

// The window's fields are noc/layout.h's (docs/memory-map.md).
WindowAddress decode_window_offset(uint64_t offset);
uint64_t encode_window_offset(const WindowAddress& address);

struct NocParams : NocSettings {
  NetworkParams network;
  sc_core::sc_time clock_period;
  uint64_t device_base = 0;   // where space 1 lands in the destination core's local map
  uint64_t sram_size = 0;     // accesses beyond it in space 0 are address errors
};

class Noc : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Noc> ingress;
  tlm_utils::multi_passthrough_initiator_socket<Noc> sram_egress;
  tlm_utils::multi_passthrough_initiator_socket<Noc> device_egress;

  // Throws std::invalid_argument (from the Network) for an impossible geometry.
  Noc(sc_core::sc_module_name name, const NocParams& params);

  // Observer of every timed access (e.g. for a trace): its source and destination endpoints, its
  // direction and size, when it was issued, when the request arrived and when the response did.
  std::function<void(NodeIndex source, NodeIndex destination, bool write, uint64_t bytes,
                     sc_core::sc_time issued, sc_core::sc_time arrived, sc_core::sc_time done)>
      on_access;

  // Geometry and routing, whichever model times the packets.
  const Network& network() const { return *geometry_; }
  // Of the model in use.
  std::vector<LinkStats> link_stats() const;
  const PacketStats& packet_stats() const;
  // What is still queued in the network at `cycle` (LinkBacklog says in what unit), the most
  // first.
  std::vector<LinkBacklog> backlog(uint64_t cycle) const;
  // Cycle model: how often requests found their node's network interface full (a core's, shared
  // with its DMA engine, or the host interface's) and how many network cycles they waited for
  // room; the interfaces that stalled, by node index.
  struct InterfaceStalls {
    NodeIndex node = 0;
    uint64_t stalls = 0;
    uint64_t cycles = 0;
  };
  std::vector<InterfaceStalls> interface_stalls() const;

  // The next port of both sockets belongs to the core at `node` (an enabled router position).
  void add_core(NodeIndex node);
  // The next port of `ingress` belongs to an endpoint attached at `router` (the host interface).
  NodeIndex add_host(const Coord& router);

  // The network cycle at simulated time `time` (the first at or after it).
  uint64_t cycle_at(const sc_core::sc_time& time) const;

 private:
  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int port, tlm::tlm_generic_payload& trans);

  struct Destination {
    NodeIndex node;
    int port;          // of both egress sockets
    bool sram;         // the SRAM space, else the device space
    uint64_t address;  // SRAM offset or local device address
  };
  // Where `trans` goes, or false (and an address error set on `trans`) if its window offset names
  // no core, a disabled one, or nothing in it.
  bool route(tlm::tlm_generic_payload& trans, Destination& destination) const;
  // Performs `trans` at the destination with its address translated there.
  void forward(const Destination& destination, tlm::tlm_generic_payload& trans,
               sc_core::sc_time& delay);
  sc_core::sc_time time_of(uint64_t cycle) const;
  uint32_t request_flits(const tlm::tlm_generic_payload& trans) const;
  uint32_t response_flits(const tlm::tlm_generic_payload& trans) const;

  // The cycle model's side: the packets of one transaction, carried while its initiator waits.
  void cycle_transport(NodeIndex source, const Destination& destination,
                       tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  // Sends a packet and returns once its tail has arrived; a request first waits for room.
  void carry(NodeIndex from, NodeIndex to, uint32_t flits, bool request);
  // Steps the cycle network through the cycle that ended at the current time.
  void tick();
  void tick_before(uint64_t cycle);  // makes sure the network steps `cycle`
  // A packet in the cycle network, or an initiator waiting for room, and the event it waits on.
  struct Transfer {
    sc_core::sc_event done;
  };
  struct Blocked {
    NodeIndex node;
    uint32_t transfer;
  };

  NocParams params_;
  std::unique_ptr<Network> ideal_;        // noc.model: ideal
  std::unique_ptr<CycleNetwork> cycle_;   // noc.model: cycle
  const Network* geometry_;
  sc_core::sc_event tick_event_;
  std::vector<Delivery> delivered_;                 // scratch of tick()
  std::vector<std::unique_ptr<Transfer>> transfers_;  // by tag; reused
  std::vector<uint32_t> free_transfers_;
  std::vector<Blocked> blocked_;        // in the order they came
  std::vector<uint32_t> room_claimed_;  // per node: woken initiators yet to inject
  std::vector<InterfaceStalls> stalls_;  // per node
  std::vector<NodeIndex> ingress_nodes_;  // by ingress port
  std::vector<int> egress_port_of_;       // by node index; -1: no core there
};

}  // namespace dojo::noc
