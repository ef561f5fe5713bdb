// The network-on-chip as a cycle-level model (noc.model: cycle): input-queued virtual-channel
// routers with credit-based flow control, stepped one cycle at a time, on the geometry and routing
// of network.h. Each router has five ports (four links and its node), `vcs` virtual channels per
// input port with `vc_buffer` flits each, and a pipeline of route computation, virtual-channel
// allocation, switch allocation (separable, input first, round-robin) and switch traversal, each
// as many cycles as its parameter says. A flit moves only with a credit for the buffer it goes to,
// so a full buffer stops the router upstream, and in the end the node that injects. Each node's
// network interface queues the packets it sends (without limit) and takes the flits its router
// ejects (at once). docs/noc.md has the timing, the zero-load formula and the deadlock argument.
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
  // The cycle the next step() simulates.
  uint64_t cycle() const;
  // Queues a packet of `flits` at `from`'s interface, created in the current cycle. Throws
  // std::invalid_argument for a disabled or unknown node, zero flits, or (virtual cut-through) a
  // packet larger than a virtual channel's buffer.
  void inject(NodeIndex from, NodeIndex to, uint32_t flits, uint64_t tag);
  // Simulates the current cycle and moves to the next; appends the packets delivered in it.
  void step(std::vector<Delivery>& delivered);
  // Packets injected and not yet delivered: queued at their source or in the network.
  uint64_t packets_in_flight() const;
  // Flits that left their source's interface but not yet reached their destination.
  uint64_t flits_in_network() const;
  const PacketStats& packet_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dojo::noc
