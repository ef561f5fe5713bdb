// The network-on-chip as a timing model: routers in a 2D mesh per chip, chips joined into a tile
// by chip-to-chip links, packets of flits that reserve the links on their path. No SystemC: the
// platform's TLM adapter (noc.h) and the synthetic-traffic simulator (traffic.h) both drive it.
//
// Contention: every link (and every node's injection and ejection port) keeps a calendar of the
// cycles it is reserved for. A packet takes, on each link of its route, the earliest free gap at or
// after the cycle its head reaches that link. Packets may be sent out of time order, as
// temporally-decoupled initiators do: an early packet sent late still finds the gaps before later
// reservations. See docs/noc.md for the timing model and the zero-load formula.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/parameters.h"

namespace dojo::noc {

// A router's place in the tile: the chip (chip_x, chip_y) and the core (x, y) within the chip.
struct Coord {
  uint32_t chip_x = 0;
  uint32_t chip_y = 0;
  uint32_t x = 0;
  uint32_t y = 0;
  bool operator==(const Coord& other) const {
    return chip_x == other.chip_x && chip_y == other.chip_y && x == other.x && y == other.y;
  }
};

enum class Routing {
  xy,     // dimension order over the tile's global grid: first along x, then along y
  // around disabled routers: one dimension-order leg where it is open, else the shortest route of
  // two, turning at a router in between (docs/noc.md#routing)
  table,
};

// Which timing model carries the packets (docs/noc.md): `ideal` books each packet's whole route on
// per-link calendars when it is sent (unlimited buffers, no back-pressure, fast); `cycle` steps
// input-queued virtual-channel routers with credit flow control cycle by cycle (cycle_network.h).
enum class NetworkModel { ideal, cycle };

// How the cycle model's routers hand buffers on: `wormhole` gives a packet the next router's virtual
// channel when it is free; `vct` (virtual cut-through) also waits until it has room for the whole
// packet, so a blocked packet never stretches over several routers.
enum class FlowControl { wormhole, vct };

// The cycle model's switch allocator: `separable` (input first: each input port picks one of its
// virtual channels, then each output port one of the inputs that picked it, round-robin) or
// `islip` (every virtual channel that can send requests its output; outputs grant, inputs accept,
// round-robin, for sw_alloc_iterations rounds, the pointers moving only on a first-round match).
enum class SwitchAllocator { separable, islip };

// The network's timing, as the platform sets it (noc.*) and noc-sim takes it.
struct NetworkSettings {
  NetworkModel model = NetworkModel::ideal;
  uint32_t flit_bytes = 64;         // on-chip link width: one flit per cycle per direction
  uint32_t router_latency = 3;      // ideal: cycles through a router's pipeline
  uint32_t link_latency = 1;        // cycles on an on-chip link
  uint32_t chip_link_bytes = 64;    // chip-to-chip link bytes per cycle per direction
  uint32_t chip_link_latency = 50;  // cycles on a chip-to-chip link
  uint32_t injection_latency = 0;   // cycles on the channel from a node into its router
  uint32_t ejection_latency = 0;    // cycles on the channel from a router out to its node
  Routing routing = Routing::xy;
  // The cycle model's routers: virtual channels, buffers, credits and the pipeline's stages, whose
  // sum (routing + VC allocation + switch allocation + switch traversal) is its router latency.
  uint32_t vcs = 2;             // virtual channels per input port
  uint32_t vc_buffer = 8;       // flits of buffer per virtual channel
  uint32_t credit_delay = 0;    // cycles before a freed buffer's credit leaves for the upstream router
  uint32_t routing_delay = 0;   // route computation (0: lookahead, done in the previous router)
  uint32_t vc_alloc_delay = 1;  // virtual-channel allocation
  uint32_t sw_alloc_delay = 1;  // switch allocation
  uint32_t switch_delay = 1;    // switch traversal
  FlowControl flow_control = FlowControl::wormhole;
  SwitchAllocator sw_allocator = SwitchAllocator::separable;
  uint32_t sw_alloc_iterations = 2;  // islip: request-grant-accept rounds a cycle
  // Width of the packet-latency histogram's buckets (PacketStats), cycles.
  uint32_t latency_bucket_cycles = 16;
  uint32_t latency_buckets = 256;  // the last one holds everything above
};
inline const param::Table<NetworkSettings>& network_settings_parameters() {
  using param::number;
  using param::Kind;
  using S = NetworkSettings;
  static const param::Table<S> table = {
      param::choice<&S::model>(
          "model", {"ideal", "cycle"},
          "ideal: whole routes booked on link calendars, unlimited buffers (fast); cycle: "
          "input-queued virtual-channel routers with credits, stepped cycle by cycle"),
      number<&S::flit_bytes>("flit_bytes", Kind::size, 1, 4 * param::KiB,
                             "on-chip link width: bytes per cycle and direction (one flit)"),
      number<&S::router_latency>("router_latency", Kind::count, 0, 1000,
                                 "ideal model: cycles through a router's pipeline"),
      number<&S::link_latency>("link_latency", Kind::count, 1, 1000, "cycles on an on-chip link"),
      number<&S::chip_link_bytes>("chip_link_bytes", Kind::size, 1, 4 * param::KiB,
                                  "chip-to-chip link: bytes per cycle and direction"),
      number<&S::chip_link_latency>("chip_link_latency", Kind::count, 1, 100000,
                                    "cycles on a chip-to-chip link"),
      number<&S::injection_latency>("injection_latency", Kind::count, 0, 1000,
                                    "cycles on the channel from a node into its router"),
      number<&S::ejection_latency>("ejection_latency", Kind::count, 0, 1000,
                                   "cycles on the channel from a router out to its node"),
      param::choice<&S::routing>(
          "routing", {"xy", "table"},
          "xy: dimension order; table: around disabled cores, in one or two dimension-order legs"),
      number<&S::vcs>("vcs", Kind::count, 1, 64, "cycle model: virtual channels per input port"),
      number<&S::vc_buffer>("vc_buffer", Kind::count, 1, 4096,
                            "cycle model: flits of buffer per virtual channel"),
      number<&S::credit_delay>(
          "credit_delay", Kind::count, 0, 1000,
          "cycle model: cycles before a freed buffer slot's credit leaves for the upstream router "
          "(it then takes the channel's latency, at least one cycle)"),
      number<&S::routing_delay>(
          "routing_delay", Kind::count, 0, 100,
          "cycle model: route computation, cycles (0: lookahead routing)"),
      number<&S::vc_alloc_delay>("vc_alloc_delay", Kind::count, 1, 100,
                                 "cycle model: virtual-channel allocation, cycles"),
      number<&S::sw_alloc_delay>("sw_alloc_delay", Kind::count, 1, 100,
                                 "cycle model: switch allocation, cycles"),
      number<&S::switch_delay>("switch_delay", Kind::count, 0, 100,
                               "cycle model: switch traversal, cycles"),
      param::choice<&S::flow_control>(
          "flow_control", {"wormhole", "vct"},
          "cycle model: wormhole, or virtual cut-through (a virtual channel is taken only with "
          "room for the whole packet)"),
      param::choice<&S::sw_allocator>(
          "sw_allocator", {"separable", "islip"},
          "cycle model: separable input-first round-robin switch allocation, or iSLIP"),
      number<&S::sw_alloc_iterations>("sw_alloc_iterations", Kind::count, 1, 8,
                                      "cycle model, islip: request-grant-accept rounds per cycle"),
      number<&S::latency_bucket_cycles>(
          "latency_bucket", Kind::count, 1, 1'000'000,
          "width of the packet-latency histogram's buckets (statistics), cycles"),
      number<&S::latency_buckets>(
          "latency_buckets", Kind::count, 2, 65536,
          "buckets of the packet-latency histogram; the last holds every longer latency"),
  };
  return table;
}

// Cycles a packet's head spends in each router: the ideal model's router_latency, or the sum of
// the cycle model's pipeline stages.
inline uint32_t router_pipeline_cycles(const NetworkSettings& s) {
  return s.model == NetworkModel::cycle
             ? s.routing_delay + s.vc_alloc_delay + s.sw_alloc_delay + s.switch_delay
             : s.router_latency;
}

// The settings and the geometry: the tile's chips and each chip's mesh.
struct NetworkParams : NetworkSettings {
  uint32_t chips_x = 1;  // chips per tile row
  uint32_t chips_y = 1;  // chip rows
  uint32_t width = 1;    // routers (cores) per row of a chip
  uint32_t height = 1;   // router rows per chip
  // (x, y) positions with no working core and no router, the same in every chip.
  std::vector<std::pair<uint32_t, uint32_t>> disabled;
};

// Endpoints: every router position of the tile has an index, disabled ones included (they just
// cannot send or receive): ((chip_y * chips_x + chip_x) * height + y) * width + x. Extra endpoints
// (the host interface) get indices from node_count() up, see attach_endpoint().
using NodeIndex = uint32_t;

// A link, or a node's injection or ejection port (then `from` == `to`).
struct LinkStats {
  // e.g. "chip 0,0 core 3,1 -> east", "chip 0,0 -> chip 1,0 row 4", "chip 0,0 core 3,1 injection",
  // "endpoint 9000 at chip 0,0 core 0,0 ejection"
  std::string name;
  Coord from;
  Coord to;
  uint64_t flits = 0;        // flits that crossed the link
  uint64_t busy_cycles = 0;  // cycles the link was reserved
};

struct PacketStats {
  PacketStats() = default;
  PacketStats(uint64_t bucket_cycles, uint32_t buckets)
      : bucket_cycles(bucket_cycles), latency_histogram(buckets, 0) {}
  // Counts a delivered packet, in both models.
  void record(uint64_t latency, uint32_t packet_flits) {
    packets += 1;
    flits += packet_flits;
    total_latency += latency;
    max_latency = latency > max_latency ? latency : max_latency;
    const uint64_t bucket = latency / bucket_cycles;
    latency_histogram[bucket < latency_histogram.size() ? bucket : latency_histogram.size() - 1] += 1;
  }

  uint64_t packets = 0;
  uint64_t flits = 0;
  // latency_histogram[i] counts packets whose latency (head ready to tail delivered, in cycles) was
  // in [i * bucket_cycles, (i + 1) * bucket_cycles); the last bucket holds everything above.
  uint64_t bucket_cycles = 16;
  std::vector<uint64_t> latency_histogram;
  uint64_t max_latency = 0;
  uint64_t total_latency = 0;
};

// Traffic on a link (or port) and not yet through it: its queue, in the timing model.
struct LinkBacklog {
  std::string name;  // as in LinkStats
  // The ideal model: cycles reserved at or after the cycle asked about; the cycle model: flits
  // waiting in the buffer the link feeds (or, for an injection port, in the node's interface).
  uint64_t amount;
};

class Network {
 public:
  // Throws std::invalid_argument naming the parameter for an impossible geometry (zero sizes, a
  // disabled position outside the chip, a mesh that disabled routers cut in two with table
  // routing, ...).
  explicit Network(const NetworkParams& params);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  const NetworkParams& params() const;
  uint32_t node_count() const;  // every position, disabled ones included
  // Both throw std::invalid_argument for a position outside the tile or an unknown index; an
  // attached endpoint's coordinates are its router's.
  NodeIndex index_of(const Coord& coord) const;
  Coord coord_of(NodeIndex node) const;
  bool enabled(NodeIndex node) const;
  // An enabled node at `coord`, or nothing if it is outside the tile or disabled.
  std::optional<NodeIndex> node_at(const Coord& coord) const;

  // Adds an endpoint with its own injection and ejection ports on the router at `router` (which
  // must be enabled), e.g. the host interface at the tile's edge; returns its index.
  NodeIndex attach_endpoint(const Coord& router);

  // Flits needed to carry `bytes` (at least one).
  uint32_t flits_for(uint64_t bytes) const;
  // Routers a packet from `from` to `to` passes through, both ends included (1 for from == to).
  uint32_t routers_on_route(NodeIndex from, NodeIndex to) const;
  // Those routers in order, as the indices of their positions (an endpoint's is its router's).
  std::vector<NodeIndex> route(NodeIndex from, NodeIndex to) const;
  // The cycles a packet of `flits` takes from `from` to `to` on an idle network, head ready to
  // tail delivered, under the model the settings choose: the formulas of docs/noc.md.
  uint64_t zero_load_latency(NodeIndex from, NodeIndex to, uint32_t flits) const;

  // Geometry and routing, for a model that moves flits itself (cycle_network.h). Directions are
  // 0 east, 1 west, 2 south, 3 north.
  // The router a node hangs on: itself, or an attached endpoint's router.
  NodeIndex router_of(NodeIndex node) const;
  // The name and ends of router `router`'s link in `direction`, and of a node's injection or
  // ejection port, as link_stats() gives them (flits and busy cycles 0).
  LinkStats describe_link(NodeIndex router, uint32_t direction) const;
  LinkStats describe_port(NodeIndex node, bool injection) const;
  static constexpr uint32_t kDirections = 4;
  static constexpr NodeIndex kNoNeighbour = ~NodeIndex{0};
  // The enabled router one link away from router `node` in `direction`, or kNoNeighbour.
  NodeIndex neighbour(NodeIndex node, uint32_t direction) const;
  // Where the route from router `from` to router `to` turns from its first dimension-order leg to
  // its second: `to` for a route of one leg (always under xy routing). Throws
  // std::invalid_argument if table routing finds no route of two legs.
  NodeIndex turn_of(NodeIndex from, NodeIndex to) const;
  // The output link a packet at router `node` takes on a dimension-order leg towards router
  // `destination` (!= node): the next turning point or the route's end.
  uint32_t direction_towards(NodeIndex node, NodeIndex destination) const;
  bool crosses_chips(NodeIndex from, NodeIndex to) const;
  // Cycles a chip-to-chip link needs for `flits` flits.
  uint64_t chip_link_cycles(uint32_t flits) const;

  // Sends a packet of `flits` from `from` to `to` (both enabled), its head ready at `cycle`;
  // reserves the links on its route and returns the cycle its tail is delivered. Records the
  // packet's statistics.
  // Throws std::invalid_argument for a disabled or unknown node or zero flits.
  uint64_t send(NodeIndex from, NodeIndex to, uint32_t flits, uint64_t cycle);

  // Promises that no later send() has a `cycle` below `cycle`, so reservations that end before it
  // can be forgotten (keeps memory bounded on long runs). A later send() below it throws
  // std::invalid_argument.
  void advance_horizon(uint64_t cycle);

  // Statistics of every link that carried traffic, in a fixed order, and of all packets.
  std::vector<LinkStats> link_stats() const;
  const PacketStats& packet_stats() const;
  // The links and ports with traffic booked at or after `cycle`, the most loaded first (e.g. for a
  // state dump of a run that seems stuck).
  std::vector<LinkBacklog> backlog(uint64_t cycle) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dojo::noc
