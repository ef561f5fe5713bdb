// The network-on-chip as a cycle-level model (noc.model: cycle): input-queued virtual-channel
// routers with credit-based flow control, stepped one cycle at a time, on the geometry and routing
// of network.h. Each router has five ports (four links and its node), `vcs` virtual channels per
// input port with `vc_buffer` flits each, and a pipeline of route computation, virtual-channel
// allocation, switch allocation (separable, input first, round-robin) and switch traversal, each
// as many cycles as its parameter says. A flit moves only with a credit for the buffer it goes to,
// so a full buffer stops the router upstream, and in the end the node that injects. Each node's
// network interface queues the packets it sends (without limit: a platform bounds it, noc.h) and
// takes the flits its router ejects (at once). docs/noc.md has the timing, the zero-load formula and the deadlock argument.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "noc/network.h"

namespace dojo::noc {

// A packet whose tail reached its destination's interface.
struct Delivery {
  uint64_t tag = 0;  // what the sender gave inject()
  NodeIndex from = 0;
  NodeIndex to = 0;
  uint32_t flits = 0;
  uint64_t created = 0;    // the cycle it was injected in
  uint64_t delivered = 0;  // the cycle after its tail arrived: the first the packet is whole
};

class CycleNetwork {
 public:
  // Throws std::invalid_argument naming the parameter for what the model cannot build (as Network
  // does, and table routing, which the cycle model does not take yet).
  explicit CycleNetwork(const NetworkParams& params);
  ~CycleNetwork();
  CycleNetwork(const CycleNetwork&) = delete;
  CycleNetwork& operator=(const CycleNetwork&) = delete;

  // Geometry, routing and the zero-load formula.
  const Network& network() const;
  // Adds an endpoint with its own interface on the router at `router` (enabled), sharing that
  // router's local port with the core's interface, e.g. the host interface; returns its index.
  NodeIndex attach_endpoint(const Coord& router);
  // The cycle the next step() simulates.
  uint64_t cycle() const;
  // Queues a packet of `flits` at `from`'s interface, created in the current cycle, or (inject_at)
  // in a later one: it waits in the queue until then, and the interface sends its packets in the
  // order they were queued. Throws std::invalid_argument for a disabled or unknown node, zero
  // flits, a cycle already simulated, or (virtual cut-through) a packet larger than a virtual
  // channel's buffer.
  void inject(NodeIndex from, NodeIndex to, uint32_t flits, uint64_t tag);
  void inject_at(uint64_t cycle, NodeIndex from, NodeIndex to, uint32_t flits, uint64_t tag);
  // Simulates the current cycle and moves to the next; appends the packets delivered in it.
  void step(std::vector<Delivery>& delivered);
  // The first cycle from the current one on in which step() would do anything (moving flits,
  // taking credits, starting a queued packet); the largest uint64_t when there is nothing to do.
  uint64_t next_busy_cycle() const;
  // Moves to `cycle` without simulating the cycles in between, all of which must be idle
  // (cycle <= next_busy_cycle()); throws std::invalid_argument otherwise.
  void skip_to(uint64_t cycle);
  // Nothing queued, in the network or on the way back as a credit.
  bool idle() const;
  // Packets injected and not yet delivered: queued at their source or in the network.
  uint64_t packets_in_flight() const;
  // Flits that left their source's interface but not yet reached their destination.
  uint64_t flits_in_network() const;
  // Packets in `node`'s interface whose tail has not yet entered the network.
  size_t queued_packets(NodeIndex node) const;
  const PacketStats& packet_stats() const;
  // Every link and port that carried flits, named as Network::link_stats() names them.
  std::vector<LinkStats> link_stats() const;
  // The buffers holding flits (named by the link that feeds them) and the interfaces with
  // packets queued (by their injection port), the fullest first; amounts in flits.
  std::vector<LinkBacklog> backlog() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dojo::noc
