#include "noc/cycle_network.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace dojo::noc {
namespace {

// A router's ports: the four link directions of Network (east, west, south, north), then its
// node's. Input port d receives from the neighbour in direction d; output port d sends to it.
constexpr uint32_t kPorts = Network::kDirections + 1;
constexpr uint32_t kLocal = Network::kDirections;
constexpr uint32_t opposite(uint32_t direction) { return direction ^ 1u; }  // east <-> west ...

// Flit arrivals and credits addressed to a node's interface rather than a router's buffer.
constexpr uint32_t kToInterface = uint32_t{1} << 31;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
// The ejection port's virtual channels have no buffer limit: the interface takes every flit.
constexpr uint32_t kUnlimited = std::numeric_limits<uint32_t>::max();

struct FlitRef {
  uint32_t packet;  // index into the packet pool
  uint32_t index;   // 0 is the head, flits - 1 the tail
};

struct Packet {
  NodeIndex from = 0, to = 0;
  NodeIndex to_router = 0;  // the router `to` hangs on (itself, or an attached endpoint's)
  NodeIndex turn = 0;       // where the first dimension-order leg ends (to_router: one leg)
  bool two_legs = false;    // table routing turns it at `turn`
  uint32_t flits = 0;
  uint32_t sent = 0;  // flits its source's interface has put on the injection channel
  uint64_t created = 0;
  uint64_t tag = 0;
};

enum class VcState : uint8_t {
  idle,         // no packet at the front
  waiting_vc,   // a head at the front, routed, asking for an output virtual channel
  active,       // the packet holds output virtual channel out_vc of out_port
};

struct InputVc {
  uint32_t front = 0;  // ring position of the oldest flit
  uint32_t count = 0;  // flits buffered
  VcState state = VcState::idle;
  uint8_t out_port = 0;
  uint32_t out_vc = 0;
  uint32_t vc_low = 0, vc_high = 0;  // the output virtual channels the head may take: [low, high)
  uint64_t ready = 0;  // first cycle the current stage may act (its delay is over)
};

struct OutputVc {
  uint32_t credits = 0;  // free slots in the downstream buffer (kUnlimited towards the node)
  bool allocated = false;
};

struct Arrival {
  uint32_t target;  // input virtual channel index, or kToInterface | node
  FlitRef flit;
};

// A growable ring of packet indices: the interface's source queue, unbounded, reusing its storage.
class PacketQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  uint32_t front() const { return items_[head_]; }
  // The i-th oldest packet, i < size().
  uint32_t at(size_t i) const { return items_[(head_ + i) & (items_.size() - 1)]; }
  void pop() {
    head_ = (head_ + 1) & (items_.size() - 1);
    --size_;
  }
  void push(uint32_t packet) {
    if (size_ == items_.size()) grow();
    items_[(head_ + size_) & (items_.size() - 1)] = packet;
    ++size_;
  }

 private:
  void grow() {
    std::vector<uint32_t> larger(std::max<size_t>(8, items_.size() * 2));
    for (size_t i = 0; i < size_; ++i) larger[i] = at(i);
    items_ = std::move(larger);
    head_ = 0;
  }
  std::vector<uint32_t> items_;
  size_t head_ = 0, size_ = 0;
};

struct Interface {
  NodeIndex router = 0;  // the router whose local port it injects into and ejects from
  PacketQueue queue;
  uint64_t injected_flits = 0;  // that entered the router
  uint64_t ejected_flits = 0;   // that the router handed it
  uint32_t vc = kNone;  // the router's local input virtual channel the front packet holds
  uint32_t next_vc = 0;  // round-robin start of the next allocation
};

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument("network: " + message); }

void require(bool condition, const std::string& message) {
  if (!condition) fail(message);
}

// i mod n for i < 2n: ring positions and round-robin pointers, on paths run per flit and cycle,
// where a division (the counts are run-time parameters) would cost more than the rest.
uint32_t wrap(uint32_t i, uint32_t n) { return i >= n ? i - n : i; }

}  // namespace

struct CycleNetwork::Impl {
  Network network;
  const NetworkParams& p;
  uint32_t routers;
  uint32_t vcs;
  uint32_t depth;
  // Table routing with disabled routers: virtual channels [0, second_class) carry first legs,
  // [second_class, vcs) second legs (docs/noc.md#deadlock-freedom); 0 without classes.
  uint32_t second_class = 0;
  uint64_t now = 0;

  std::vector<InputVc> input_vcs;      // ((router * kPorts) + port) * vcs + vc
  std::vector<FlitRef> buffers;        // input virtual channel i's ring at i * depth
  std::vector<OutputVc> output_vcs;    // indexed as input_vcs
  std::vector<uint64_t> port_free_at;  // router * kPorts + port: a chip link serialises flits
  std::vector<uint32_t> links_to;      // output port -> the input virtual channel 0 it feeds, or kNone
  std::vector<uint64_t> link_delay;    // output port -> cycles from switch allocation to arrival
  std::vector<uint32_t> link_spacing;  // output port -> cycles between flits
  std::vector<uint64_t> credit_delay;  // input port -> cycles from switch allocation to the credit's use
  std::vector<uint32_t> buffered;      // router -> flits in its input buffers
  std::vector<NodeIndex> active;       // routers with flits buffered, in no particular order
  std::vector<bool> is_active;
  std::vector<uint64_t> port_flits;    // output port -> flits it sent (statistics)
  std::vector<uint32_t> waiting;       // router -> its input virtual channels waiting for one
  // Round-robin pointers: virtual-channel allocation per output port (over the router's input
  // virtual channels), switch allocation per input port (over its virtual channels) and per output
  // port (over input ports).
  std::vector<uint32_t> va_next, sa_input_next, sa_output_next;
  std::vector<uint32_t> va_asking;  // allocate_vcs's scratch: kPorts lists of a router's heads
  std::vector<uint32_t> accept_next;  // iSLIP: per input port, over output ports

  std::vector<Interface> interfaces;       // per node, attached endpoints after the routers'
  // router * vcs + vc: credits for the router's local input, shared by the interfaces on it.
  std::vector<OutputVc> interface_vcs;
  std::vector<NodeIndex> sending;          // nodes whose queue is not empty
  std::vector<bool> is_sending;

  std::vector<Packet> packets;
  std::vector<uint32_t> free_packets;
  uint64_t in_flight = 0;
  uint64_t flits_out = 0;

  // Events by cycle, modulo the longest delay + 1.
  std::vector<std::vector<Arrival>> arrivals;
  std::vector<std::vector<uint32_t>> credits;  // output virtual channel, or kToInterface | router * vcs + vc
  uint64_t pending_events = 0;                 // arrivals and credits in the wheel
  PacketStats stats;

  // Scratch of the switch allocator, per input port of one router.
  uint32_t candidate_vc[kPorts];
  uint32_t candidate_out[kPorts];
  // iSLIP's scratch: the virtual channel of each input port that requests each output port.
  uint32_t request_vc[kPorts][kPorts];

  explicit Impl(const NetworkParams& params)
      : network(params), p(network.params()), routers(network.node_count()), vcs(params.vcs),
        depth(params.vc_buffer) {
    require(vcs >= 1, "vcs must be at least 1");
    if (p.routing == Routing::table && !p.disabled.empty()) {
      require(vcs >= 2, "table routing around disabled routers needs at least 2 virtual channels (noc.vcs): "
                        "one class for the routes' first legs, one for their second");
      second_class = vcs / 2;
    }
    require(depth >= 1, "vc_buffer must be at least 1");
    require(p.vc_alloc_delay >= 1 && p.sw_alloc_delay >= 1,
            "vc_alloc_delay and sw_alloc_delay must be at least 1 cycle");
    const size_t ports = size_t{routers} * kPorts;
    input_vcs.resize(ports * vcs);
    buffers.resize(input_vcs.size() * depth);
    output_vcs.resize(input_vcs.size());
    port_free_at.assign(ports, 0);
    links_to.assign(ports, kNone);
    link_delay.assign(ports, 0);
    link_spacing.assign(ports, 1);
    credit_delay.assign(ports, 0);
    buffered.assign(routers, 0);
    is_active.assign(routers, false);
    port_flits.assign(ports, 0);
    waiting.assign(routers, 0);
    va_next.assign(ports, 0);
    va_asking.assign(size_t{kPorts} * kPorts * vcs, 0);
    sa_input_next.assign(ports, 0);
    sa_output_next.assign(ports, 0);
    accept_next.assign(ports, 0);
    const uint64_t crossing = uint64_t{p.sw_alloc_delay} + p.switch_delay;
    uint64_t longest = std::max<uint64_t>(p.injection_latency, 1);
    for (NodeIndex router = 0; router < routers; ++router) {
      for (uint32_t port = 0; port < kPorts; ++port) {
        const size_t index = size_t{router} * kPorts + port;
        uint64_t latency = p.ejection_latency;  // the local port: the ejection channel
        uint32_t spacing = 1;
        uint64_t upstream_latency = p.injection_latency;
        if (port != kLocal) {
          const NodeIndex next = network.neighbour(router, port);
          if (next == Network::kNoNeighbour) continue;
          const bool chip = network.crosses_chips(router, next);
          spacing = chip ? static_cast<uint32_t>(network.chip_link_cycles(1)) : 1;
          latency = (chip ? p.chip_link_latency : p.link_latency) + spacing - 1;
          upstream_latency = chip ? p.chip_link_latency : p.link_latency;  // links are symmetric
          links_to[index] = static_cast<uint32_t>((size_t{next} * kPorts + opposite(port)) * vcs);
        }
        link_delay[index] = crossing + latency;
        link_spacing[index] = spacing;
        // A credit leaves credit_delay after the flit left the buffer and takes the channel's
        // latency back, at least a cycle.
        credit_delay[index] = p.credit_delay + std::max<uint64_t>(1, upstream_latency);
        longest = std::max({longest, link_delay[index], credit_delay[index]});
        for (uint32_t vc = 0; vc < vcs; ++vc) {
          output_vcs[index * vcs + vc].credits = port == kLocal ? kUnlimited : depth;
        }
      }
    }
    // A power of two, so that a cycle's slot is a mask rather than a division.
    size_t wheel = 1;
    while (wheel < longest + 1) wheel *= 2;
    arrivals.resize(wheel);
    credits.resize(wheel);
    interfaces.resize(routers);
    for (NodeIndex node = 0; node < routers; ++node) interfaces[node].router = node;
    interface_vcs.resize(size_t{routers} * vcs, OutputVc{depth, false});
    is_sending.assign(routers, false);
    stats = PacketStats(p.latency_bucket_cycles, p.latency_buckets);
  }

  size_t slot(uint64_t cycle) const { return cycle & (arrivals.size() - 1); }

  uint32_t allocate_packet() {
    if (!free_packets.empty()) {
      const uint32_t index = free_packets.back();
      free_packets.pop_back();
      return index;
    }
    packets.emplace_back();
    return static_cast<uint32_t>(packets.size() - 1);
  }

  // A head now at the front of input virtual channel `index` of `router`: routed, it waits
  // routing_delay before it may ask for an output virtual channel.
  void start_packet(uint32_t index, NodeIndex router, uint64_t from_cycle) {
    InputVc& vc = input_vcs[index];
    Packet& packet = packets[buffers[size_t{index} * depth + vc.front].packet];
    vc.state = VcState::waiting_vc;
    ++waiting[router];
    if (router == packet.turn) packet.turn = packet.to_router;  // the second leg starts here
    vc.out_port = static_cast<uint8_t>(
        packet.to_router == router ? kLocal : network.direction_towards(router, packet.turn));
    // Classes only ever go up: a first leg stays in the first, a second leg in the second, and a
    // route of one leg may move from the first to the second.
    const bool in_second_class = index % vcs >= second_class;
    vc.vc_low = !packet.two_legs ? (in_second_class ? second_class : 0)
                                 : packet.turn == packet.to_router ? second_class : 0;
    vc.vc_high = packet.two_legs && packet.turn != packet.to_router ? second_class : vcs;
    if (vc.out_port == kLocal) vc.vc_low = 0, vc.vc_high = vcs;
    vc.ready = from_cycle + p.routing_delay;
  }

  // Whether output virtual channel `out` may take the packet `flits` long.
  bool vc_free(const OutputVc& out, uint32_t flits) const {
    if (out.allocated) return false;
    return p.flow_control == FlowControl::wormhole || out.credits >= flits;
  }

  // --- one cycle ----------------------------------------------------------------------------------

  void inject_flits() {
    auto kept = sending.begin();
    for (const NodeIndex node : sending) {
      Interface& interface = interfaces[node];
      Packet& packet = packets[interface.queue.front()];
      const size_t local_vcs = size_t{interface.router} * vcs;
      if (interface.vc == kNone && packet.created <= now) {
        const uint32_t choices = packet.two_legs ? second_class : vcs;  // a first leg: the first class
        for (uint32_t k = 0; k < choices; ++k) {
          const uint32_t vc = (interface.next_vc + k) % choices;
          if (vc_free(interface_vcs[local_vcs + vc], packet.flits)) {
            interface.vc = vc;
            interface.next_vc = (vc + 1) % vcs;
            interface_vcs[local_vcs + vc].allocated = true;
            break;
          }
        }
      }
      if (interface.vc != kNone) {
        OutputVc& out = interface_vcs[local_vcs + interface.vc];
        if (out.credits > 0) {
          --out.credits;
          const uint32_t target =
              static_cast<uint32_t>((size_t{interface.router} * kPorts + kLocal) * vcs + interface.vc);
          arrivals[slot(now + p.injection_latency)].push_back(
              Arrival{target, FlitRef{interface.queue.front(), packet.sent}});
          ++pending_events;
          ++interface.injected_flits;
          ++flits_out;
          if (++packet.sent == packet.flits) {
            out.allocated = false;
            interface.vc = kNone;
            interface.queue.pop();
          }
        }
      }
      if (interface.queue.empty()) {
        is_sending[node] = false;
      } else {
        *kept++ = node;
      }
    }
    sending.erase(kept, sending.end());
  }

  void deliver(const FlitRef& flit, std::vector<Delivery>& delivered) {
    Packet& packet = packets[flit.packet];
    --flits_out;
    ++interfaces[packet.to].ejected_flits;
    if (flit.index + 1 != packet.flits) return;
    const uint64_t latency = now + 1 - packet.created;
    delivered.push_back(Delivery{packet.tag, packet.from, packet.to, packet.flits, packet.created, now + 1});
    stats.record(latency, packet.flits);
    --in_flight;
    free_packets.push_back(flit.packet);
  }

  void take_events(std::vector<Delivery>& delivered) {
    std::vector<uint32_t>& due_credits = credits[slot(now)];
    std::vector<Arrival>& due = arrivals[slot(now)];
    pending_events -= due_credits.size() + due.size();
    for (const uint32_t credit : due_credits) {
      if (credit & kToInterface) {
        ++interface_vcs[credit & ~kToInterface].credits;
      } else {
        ++output_vcs[credit].credits;
      }
    }
    due_credits.clear();
    for (const Arrival& arrival : due) {
      if (arrival.target & kToInterface) {
        deliver(arrival.flit, delivered);
        continue;
      }
      InputVc& vc = input_vcs[arrival.target];
      buffers[size_t{arrival.target} * depth + wrap(vc.front + vc.count, depth)] = arrival.flit;
      ++vc.count;
      const NodeIndex router = arrival.target / (kPorts * vcs);
      if (buffered[router]++ == 0 && !is_active[router]) {
        is_active[router] = true;
        active.push_back(router);
      }
      if (vc.state == VcState::idle && vc.count == 1) start_packet(arrival.target, router, now);
    }
    due.clear();
  }

  // Each output port hands its free virtual channels to the input virtual channels waiting for
  // one, round-robin: from the one after the last it served, each in turn.
  void allocate_vcs(NodeIndex router) {
    const uint32_t base = router * kPorts * vcs;
    const uint32_t count = kPorts * vcs;
    // The heads whose routing is done, by the output port they want, in index order.
    uint32_t asking_count[kPorts] = {};
    for (uint32_t local = 0; local < count; ++local) {
      const InputVc& in = input_vcs[base + local];
      if (in.state != VcState::waiting_vc || in.ready > now) continue;
      va_asking[in.out_port * count + asking_count[in.out_port]++] = local;
    }
    for (uint32_t port = 0; port < kPorts; ++port) {
      const uint32_t asking = asking_count[port];
      if (asking == 0) continue;
      const uint32_t* const heads = &va_asking[port * count];
      const size_t out_port = size_t{router} * kPorts + port;
      uint32_t& next = va_next[out_port];
      uint32_t first = 0;
      while (first < asking && heads[first] < next) ++first;
      for (uint32_t k = 0; k < asking; ++k) {
        const uint32_t local = heads[wrap(first + k, asking)];
        InputVc& in = input_vcs[base + local];
        const uint32_t flits = packets[buffers[size_t{base + local} * depth + in.front].packet].flits;
        uint32_t granted = kNone;
        for (uint32_t vc = in.vc_low; vc < in.vc_high; ++vc) {
          if (vc_free(output_vcs[out_port * vcs + vc], flits)) {
            granted = vc;
            break;
          }
        }
        if (granted == kNone) {
          // Without classes no other head can get one this cycle; with them a head of the other
          // class still may.
          if (second_class == 0) break;
          continue;
        }
        output_vcs[out_port * vcs + granted].allocated = true;
        in.state = VcState::active;
        --waiting[router];
        in.out_vc = granted;
        in.ready = now + p.vc_alloc_delay;
        next = wrap(local + 1, count);
      }
    }
  }

  // Whether input virtual channel `in` can send a flit this cycle: its stages done, a flit
  // buffered, a credit and the output link free.
  bool can_send(NodeIndex router, const InputVc& in) const {
    if (in.state != VcState::active || in.ready > now || in.count == 0) return false;
    const size_t out_port = size_t{router} * kPorts + in.out_port;
    return output_vcs[out_port * vcs + in.out_vc].credits != 0 && port_free_at[out_port] <= now;
  }

  void allocate_switch(NodeIndex router) {
    if (p.sw_allocator == SwitchAllocator::islip) return allocate_islip(router);
    allocate_separable(router);
  }

  // Separable switch allocation, input first: each input port picks one of its virtual channels
  // that can send (round-robin), then each output port one of the input ports that picked it.
  void allocate_separable(NodeIndex router) {
    for (uint32_t port = 0; port < kPorts; ++port) {
      candidate_vc[port] = kNone;
      const size_t in_port = size_t{router} * kPorts + port;
      for (uint32_t k = 0; k < vcs; ++k) {
        const uint32_t vc = wrap(sa_input_next[in_port] + k, vcs);
        const InputVc& in = input_vcs[in_port * vcs + vc];
        if (!can_send(router, in)) continue;
        candidate_vc[port] = vc;
        candidate_out[port] = in.out_port;
        break;
      }
    }
    for (uint32_t out = 0; out < kPorts; ++out) {
      const size_t out_port = size_t{router} * kPorts + out;
      for (uint32_t k = 0; k < kPorts; ++k) {
        const uint32_t port = (sa_output_next[out_port] + k) % kPorts;
        if (candidate_vc[port] == kNone || candidate_out[port] != out) continue;
        traverse(router, port, candidate_vc[port]);
        sa_input_next[size_t{router} * kPorts + port] = wrap(candidate_vc[port] + 1, vcs);
        sa_output_next[out_port] = (port + 1) % kPorts;
        break;
      }
    }
  }

  // iSLIP: every input port requests each output port one of its virtual channels wants
  // (round-robin among them); then, round after round, each unmatched output grants the first
  // unmatched input requesting it from its grant pointer, and each input accepts the first
  // output granting it from its accept pointer. Pointers move past a match made in the first
  // round only, which keeps the outputs from granting in step.
  void allocate_islip(NodeIndex router) {
    const size_t base = size_t{router} * kPorts;
    for (uint32_t port = 0; port < kPorts; ++port) {
      for (uint32_t out = 0; out < kPorts; ++out) request_vc[port][out] = kNone;
      for (uint32_t k = 0; k < vcs; ++k) {
        const uint32_t vc = wrap(sa_input_next[base + port] + k, vcs);
        const InputVc& in = input_vcs[(base + port) * vcs + vc];
        if (can_send(router, in) && request_vc[port][in.out_port] == kNone) request_vc[port][in.out_port] = vc;
      }
      candidate_out[port] = kNone;  // the output the input is matched to
    }
    uint32_t output_matched[kPorts];
    for (uint32_t out = 0; out < kPorts; ++out) output_matched[out] = kNone;
    for (uint32_t round = 0; round < p.sw_alloc_iterations; ++round) {
      uint32_t granted[kPorts];  // by input: the first output granting it from its accept pointer
      for (uint32_t port = 0; port < kPorts; ++port) granted[port] = kNone;
      bool any = false;
      for (uint32_t out = 0; out < kPorts; ++out) {
        if (output_matched[out] != kNone) continue;
        for (uint32_t k = 0; k < kPorts; ++k) {
          const uint32_t port = (sa_output_next[base + out] + k) % kPorts;
          if (candidate_out[port] != kNone || request_vc[port][out] == kNone) continue;
          // The input keeps the grant nearest its accept pointer.
          const uint32_t from = accept_next[base + port];
          if (granted[port] == kNone || (out + kPorts - from) % kPorts < (granted[port] + kPorts - from) % kPorts) {
            granted[port] = out;
          }
          any = true;
          break;
        }
      }
      if (!any) break;
      for (uint32_t port = 0; port < kPorts; ++port) {
        const uint32_t out = granted[port];
        if (out == kNone) continue;
        candidate_out[port] = out;
        output_matched[out] = port;
        if (round == 0) {
          sa_output_next[base + out] = (port + 1) % kPorts;
          accept_next[base + port] = (out + 1) % kPorts;
        }
      }
    }
    for (uint32_t port = 0; port < kPorts; ++port) {
      if (candidate_out[port] == kNone) continue;
      const uint32_t vc = request_vc[port][candidate_out[port]];
      traverse(router, port, vc);
      sa_input_next[base + port] = wrap(vc + 1, vcs);
    }
  }

  // The front flit of input virtual channel `vc` of `port` won the switch: it leaves the buffer,
  // crosses the switch and the link, and its slot's credit goes back upstream.
  void traverse(NodeIndex router, uint32_t port, uint32_t vc) {
    const size_t in_port = size_t{router} * kPorts + port;
    const uint32_t index = static_cast<uint32_t>(in_port * vcs + vc);
    InputVc& in = input_vcs[index];
    const FlitRef flit = buffers[size_t{index} * depth + in.front];
    in.front = wrap(in.front + 1, depth);
    --in.count;
    --buffered[router];
    const size_t out_port = size_t{router} * kPorts + in.out_port;
    OutputVc& out = output_vcs[out_port * vcs + in.out_vc];
    if (out.credits != kUnlimited) --out.credits;
    port_free_at[out_port] = now + link_spacing[out_port];
    ++port_flits[out_port];
    const uint32_t target = in.out_port == kLocal ? (kToInterface | router) : links_to[out_port] + in.out_vc;
    arrivals[slot(now + link_delay[out_port])].push_back(Arrival{target, flit});
    // The credit for the slot just freed.
    uint32_t credit;
    if (port == kLocal) {
      credit = kToInterface | static_cast<uint32_t>(size_t{router} * vcs + vc);
    } else {
      const NodeIndex upstream = network.neighbour(router, port);
      credit = static_cast<uint32_t>((size_t{upstream} * kPorts + opposite(port)) * vcs + vc);
    }
    credits[slot(now + credit_delay[in_port])].push_back(credit);
    pending_events += 2;
    if (flit.index + 1 == packets[flit.packet].flits) {
      out.allocated = false;  // the tail has left: the next packet may take the virtual channel
      in.state = VcState::idle;
      if (in.count > 0) start_packet(index, router, now + 1);
    }
  }

  void step(std::vector<Delivery>& delivered) {
    inject_flits();
    take_events(delivered);
    // Routers act on their own buffers and reach others only through the wheel, a cycle or more
    // later, so their order here does not matter.
    auto kept = active.begin();
    for (const NodeIndex router : active) {
      if (waiting[router] > 0) allocate_vcs(router);
      allocate_switch(router);
      if (buffered[router] > 0) {
        *kept++ = router;
      } else {
        is_active[router] = false;
      }
    }
    active.erase(kept, active.end());
    ++now;
  }

  // The first cycle from now on in which step() has anything to do.
  uint64_t next_busy_cycle() const {
    if (!active.empty()) return now;
    uint64_t next = std::numeric_limits<uint64_t>::max();
    for (const NodeIndex node : sending) {
      const uint64_t created = packets[interfaces[node].queue.front()].created;
      if (created <= now) return now;
      next = std::min(next, created);
    }
    if (pending_events > 0) {
      for (uint64_t ahead = 0; ahead < arrivals.size() && now + ahead < next; ++ahead) {
        if (!arrivals[slot(now + ahead)].empty() || !credits[slot(now + ahead)].empty()) return now + ahead;
      }
    }
    return next;
  }
};

CycleNetwork::CycleNetwork(const NetworkParams& params) : impl_(std::make_unique<Impl>(params)) {}
CycleNetwork::~CycleNetwork() = default;

const Network& CycleNetwork::network() const { return impl_->network; }
uint64_t CycleNetwork::cycle() const { return impl_->now; }

NodeIndex CycleNetwork::attach_endpoint(const Coord& router) {
  Impl& n = *impl_;
  const NodeIndex node = n.network.attach_endpoint(router);
  n.interfaces.emplace_back();
  n.interfaces.back().router = n.network.router_of(node);
  n.is_sending.push_back(false);
  return node;
}

void CycleNetwork::inject(NodeIndex from, NodeIndex to, uint32_t flits, uint64_t tag) {
  inject_at(impl_->now, from, to, flits, tag);
}

void CycleNetwork::inject_at(uint64_t cycle, NodeIndex from, NodeIndex to, uint32_t flits, uint64_t tag) {
  Impl& n = *impl_;
  // Per packet: the messages are built only when a check fails.
  if (!n.network.enabled(from)) fail("source node " + std::to_string(from) + " does not exist or is disabled");
  if (!n.network.enabled(to)) fail("destination node " + std::to_string(to) + " does not exist or is disabled");
  if (cycle < n.now) {
    fail("a packet created at cycle " + std::to_string(cycle) + ", before the current cycle " +
         std::to_string(n.now));
  }
  if (flits == 0) fail("a packet needs at least one flit");
  if (n.p.flow_control == FlowControl::vct && flits > n.depth) {
    fail("a " + std::to_string(flits) + "-flit packet does not fit a virtual channel of " +
         std::to_string(n.depth) + " flits (vc_buffer) under virtual cut-through");
  }
  const uint32_t index = n.allocate_packet();
  const NodeIndex to_router = n.network.router_of(to);
  const NodeIndex turn = n.network.turn_of(n.network.router_of(from), to_router);
  n.packets[index] = Packet{from, to, to_router, turn, turn != to_router, flits, 0, cycle, tag};
  n.interfaces[from].queue.push(index);
  if (!n.is_sending[from]) {
    n.is_sending[from] = true;
    n.sending.push_back(from);
  }
  ++n.in_flight;
}

void CycleNetwork::step(std::vector<Delivery>& delivered) { impl_->step(delivered); }

uint64_t CycleNetwork::next_busy_cycle() const { return impl_->next_busy_cycle(); }

void CycleNetwork::skip_to(uint64_t cycle) {
  Impl& n = *impl_;
  require(cycle >= n.now && cycle <= n.next_busy_cycle(),
          "cannot skip to cycle " + std::to_string(cycle) + ": something happens before it");
  n.now = cycle;
}

bool CycleNetwork::idle() const { return impl_->in_flight == 0 && impl_->pending_events == 0; }
uint64_t CycleNetwork::packets_in_flight() const { return impl_->in_flight; }
uint64_t CycleNetwork::flits_in_network() const { return impl_->flits_out; }
size_t CycleNetwork::queued_packets(NodeIndex node) const { return impl_->interfaces.at(node).queue.size(); }
const PacketStats& CycleNetwork::packet_stats() const { return impl_->stats; }

std::vector<LinkStats> CycleNetwork::link_stats() const {
  const Impl& n = *impl_;
  std::vector<LinkStats> links;
  auto add = [&links](LinkStats link, uint64_t flits, uint64_t busy_cycles) {
    if (flits == 0) return;
    link.flits = flits;
    link.busy_cycles = busy_cycles;
    links.push_back(std::move(link));
  };
  for (NodeIndex router = 0; router < n.routers; ++router) {
    for (uint32_t direction = 0; direction < Network::kDirections; ++direction) {
      const size_t port = size_t{router} * kPorts + direction;
      add(n.network.describe_link(router, direction), n.port_flits[port], n.port_flits[port] * n.link_spacing[port]);
    }
    const Interface& interface = n.interfaces[router];
    add(n.network.describe_port(router, true), interface.injected_flits, interface.injected_flits);
    add(n.network.describe_port(router, false), interface.ejected_flits, interface.ejected_flits);
  }
  for (NodeIndex node = n.routers; node < n.interfaces.size(); ++node) {
    const Interface& interface = n.interfaces[node];
    add(n.network.describe_port(node, true), interface.injected_flits, interface.injected_flits);
    add(n.network.describe_port(node, false), interface.ejected_flits, interface.ejected_flits);
  }
  return links;
}

std::vector<LinkBacklog> CycleNetwork::backlog() const {
  const Impl& n = *impl_;
  std::vector<uint64_t> waiting(n.interfaces.size(), 0);  // at each node: queued, or in its local input
  std::vector<LinkBacklog> backlog;
  for (const NodeIndex node : n.sending) {
    const PacketQueue& queue = n.interfaces[node].queue;
    for (size_t i = 0; i < queue.size(); ++i) {
      const Packet& packet = n.packets[queue.at(i)];
      waiting[node] += packet.flits - packet.sent;
    }
  }
  for (NodeIndex router = 0; router < n.routers; ++router) {
    for (uint32_t port = 0; port < kPorts; ++port) {
      uint64_t flits = 0;
      for (uint32_t vc = 0; vc < n.vcs; ++vc) flits += n.input_vcs[(size_t{router} * kPorts + port) * n.vcs + vc].count;
      if (port == kLocal) {
        waiting[router] += flits;
      } else if (flits > 0) {
        // Named as the link that feeds the buffer.
        backlog.push_back({n.network.describe_link(n.network.neighbour(router, port), opposite(port)).name, flits});
      }
    }
  }
  for (NodeIndex node = 0; node < waiting.size(); ++node) {
    if (waiting[node] > 0) backlog.push_back({n.network.describe_port(node, true).name, waiting[node]});
  }
  std::sort(backlog.begin(), backlog.end(), [](const LinkBacklog& a, const LinkBacklog& b) {
    return a.amount != b.amount ? a.amount > b.amount : a.name < b.name;
  });
  return backlog;
}

}  // namespace dojo::noc
