#include "noc/network.h"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace dojo::noc {
namespace {

// Every router position owns four output links, an injection and an ejection port; an attached
// endpoint owns an injection and an ejection port. Each is a resource with a calendar.
enum Port : uint32_t { east, west, south, north, injection, ejection, kPortsPerRouter };
constexpr uint32_t kLinkDirections = 4;
constexpr uint32_t kPortsPerEndpoint = 2;
const char* const kDirectionNames[kLinkDirections] = {"east", "west", "south", "north"};

// Larger tiles would overflow resource indices; 5x5 chips of 18x20 are 9,000.
constexpr uint64_t kMaxPositions = uint64_t{1} << 24;
// Table routing remembers the turning points of the routes that need one, up to this many (then
// starts again): a few MB, however much of a large tile's all-to-all traffic goes round a hole.
constexpr size_t kMaxRememberedTurns = size_t{1} << 18;
// Up to this many routers, the constructor checks that table routing has a route for every pair.
constexpr uint32_t kCheckAllPairsUpTo = 1024;
constexpr uint32_t kUnreachable = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kNoRouter = Network::kNoNeighbour;
constexpr size_t kListedNodes = 8;  // nodes named in an error message before "..."
// Forgetting old reservations is a pass over every busy resource: done once the horizon has moved
// this many cycles since the last pass, not on every step of time.
constexpr uint64_t kForgetInterval = 4096;

struct Interval {
  uint64_t start;
  uint64_t end;  // exclusive
};

// The cycles a resource is reserved for: sorted, disjoint intervals; touching ones are merged so a
// busy stretch is one entry however many packets filled it.
class Calendar {
 public:
  // Reserves `length` cycles at the earliest gap at or after `earliest`; returns the first cycle.
  uint64_t reserve(uint64_t earliest, uint64_t length) {
    if (busy_.empty() || earliest >= busy_.back().end) {  // the common case: past everything
      if (!busy_.empty() && earliest == busy_.back().end) {
        busy_.back().end += length;
      } else {
        busy_.push_back({earliest, earliest + length});
      }
      return earliest;
    }
    // Intervals before `next` end at or before `earliest`, so they cannot collide.
    auto next = std::upper_bound(busy_.begin(), busy_.end(), earliest,
                                 [](uint64_t cycle, const Interval& busy) { return cycle < busy.end; });
    uint64_t start = earliest;
    while (next != busy_.end() && start + length > next->start) {
      start = std::max(start, next->end);
      ++next;
    }
    const uint64_t end = start + length;
    const bool joins_previous = next != busy_.begin() && std::prev(next)->end == start;
    const bool joins_next = next != busy_.end() && next->start == end;
    if (joins_previous && joins_next) {
      std::prev(next)->end = next->end;
      busy_.erase(next);
    } else if (joins_previous) {
      std::prev(next)->end = end;
    } else if (joins_next) {
      next->start = start;
    } else {
      busy_.insert(next, {start, end});
    }
    return start;
  }

  // Forgets the intervals that end at or before `cycle`: no request can reach back to them.
  void forget_before(uint64_t cycle) {
    auto first_kept = std::upper_bound(busy_.begin(), busy_.end(), cycle,
                                       [](uint64_t c, const Interval& busy) { return c < busy.end; });
    busy_.erase(busy_.begin(), first_kept);
  }

  bool empty() const { return busy_.empty(); }

  // Cycles reserved at or after `cycle`: the traffic booked on the resource and not yet through.
  uint64_t reserved_from(uint64_t cycle) const {
    uint64_t total = 0;
    for (auto busy = busy_.rbegin(); busy != busy_.rend() && busy->end > cycle; ++busy)
      total += busy->end - std::max(busy->start, cycle);
    return total;
  }

 private:
  std::vector<Interval> busy_;
};

struct Resource {
  Calendar calendar;
  uint64_t flits = 0;
  uint64_t busy_cycles = 0;
};

std::string describe(const Coord& coord) {
  return "chip " + std::to_string(coord.chip_x) + "," + std::to_string(coord.chip_y) + " core " +
         std::to_string(coord.x) + "," + std::to_string(coord.y);
}

void require_positive(uint32_t value, const char* name) {
  if (value == 0) throw std::invalid_argument(std::string("network: ") + name + " must be at least 1");
}

}  // namespace

struct Network::Impl {
  NetworkParams params;
  uint32_t positions = 0;      // router positions in the tile, disabled ones included
  uint32_t grid_width = 0;     // routers per row of the whole tile
  uint32_t grid_height = 0;
  std::vector<bool> disabled;  // per position within a chip: y * width + x
  std::vector<NodeIndex> endpoint_routers;
  std::vector<Resource> resources;
  std::vector<uint32_t> active;  // resources whose calendar is not empty
  std::vector<bool> is_active;
  uint64_t horizon = 0;
  uint64_t forgotten_up_to = 0;  // the horizon of the last pass over the calendars
  PacketStats packets;

  // Per position, the enabled router one link away in each direction, or kNoRouter.
  std::vector<std::array<NodeIndex, kLinkDirections>> neighbours;

  // Table routing (docs/noc.md#routing): a route is one dimension-order leg, or two with a turning
  // router between them. Disabled positions per row and per column of the tile's grid, for checking
  // a leg; and the turning points of the pairs that needed one.
  std::vector<std::vector<uint32_t>> holes_in_row, holes_in_column;
  mutable std::unordered_map<uint64_t, NodeIndex> turns;
  mutable std::vector<uint32_t> search_hops;      // scratch of the breadth-first search
  mutable std::vector<NodeIndex> search_frontier;

  explicit Impl(const NetworkParams& p) : params(p) {
    require_positive(p.chips_x, "chips_x");
    require_positive(p.chips_y, "chips_y");
    require_positive(p.width, "width");
    require_positive(p.height, "height");
    require_positive(p.flit_bytes, "flit_bytes");
    require_positive(p.chip_link_bytes, "chip_link_bytes");
    require_positive(p.latency_bucket_cycles, "latency_bucket_cycles");
    require_positive(p.latency_buckets, "latency_buckets");
    const uint64_t count = uint64_t{p.chips_x} * p.chips_y * p.width * p.height;
    if (count > kMaxPositions) {
      throw std::invalid_argument("network: " + std::to_string(count) + " router positions; at most " +
                                  std::to_string(kMaxPositions) + " are supported");
    }
    positions = static_cast<uint32_t>(count);
    grid_width = p.chips_x * p.width;
    grid_height = p.chips_y * p.height;
    disabled.assign(size_t{p.width} * p.height, false);
    for (const auto& [x, y] : p.disabled) {
      if (x >= p.width || y >= p.height) {
        throw std::invalid_argument("network: disabled position (" + std::to_string(x) + ", " +
                                    std::to_string(y) + ") is outside the " + std::to_string(p.width) +
                                    "x" + std::to_string(p.height) + " chip");
      }
      disabled[size_t{y} * p.width + x] = true;
    }
    if (std::count(disabled.begin(), disabled.end(), false) == 0) {
      throw std::invalid_argument("network: every router position is disabled");
    }
    if (p.routing == Routing::xy && !p.disabled.empty()) {
      throw std::invalid_argument(
          "network: xy routing cannot avoid disabled routers (the first at (" +
          std::to_string(p.disabled.front().first) + ", " + std::to_string(p.disabled.front().second) +
          ")); use table routing (noc.routing: table)");
    }
    resources.resize(size_t{positions} * kPortsPerRouter);
    is_active.assign(resources.size(), false);
    neighbours.resize(positions);
    for (NodeIndex node = 0; node < positions; ++node) {
      for (uint32_t direction = 0; direction < kLinkDirections; ++direction) {
        neighbours[node][direction] = find_neighbour(node, direction);
      }
    }
    if (p.routing == Routing::table) {
      holes_in_row.resize(grid_height);
      holes_in_column.resize(grid_width);
      for (NodeIndex node = 0; node < positions; ++node) {
        if (position_enabled(node)) continue;
        holes_in_row[global_y(node)].push_back(global_x(node));
        holes_in_column[global_x(node)].push_back(global_y(node));
      }
      check_connected();
      if (positions <= kCheckAllPairsUpTo) check_all_routes();
    }
  }

  // --- geometry -----------------------------------------------------------------------------------

  uint32_t global_x(NodeIndex node) const {
    const uint32_t chip = node / (params.width * params.height);
    return (chip % params.chips_x) * params.width + node % params.width;
  }
  uint32_t global_y(NodeIndex node) const {
    const uint32_t chip = node / (params.width * params.height);
    return (chip / params.chips_x) * params.height + (node / params.width) % params.height;
  }
  NodeIndex at_global(uint32_t gx, uint32_t gy) const {
    const uint32_t chip = (gy / params.height) * params.chips_x + gx / params.width;
    return (chip * params.height + gy % params.height) * params.width + gx % params.width;
  }
  bool position_enabled(NodeIndex node) const {
    return !disabled[size_t{node / params.width % params.height} * params.width + node % params.width];
  }
  Coord coord(NodeIndex node) const {
    const uint32_t chip = node / (params.width * params.height);
    return Coord{chip % params.chips_x, chip / params.chips_x, node % params.width,
                 (node / params.width) % params.height};
  }
  uint32_t node_limit() const { return positions + static_cast<uint32_t>(endpoint_routers.size()); }
  NodeIndex router_of(NodeIndex node) const {
    return node < positions ? node : endpoint_routers[node - positions];
  }

  // The router one link away in `direction`, or kNoRouter if that position is outside the tile or
  // disabled.
  NodeIndex find_neighbour(NodeIndex node, uint32_t direction) const {
    uint32_t gx = global_x(node), gy = global_y(node);
    switch (direction) {
      case east: if (++gx == grid_width) return kNoRouter; break;
      case west: if (gx-- == 0) return kNoRouter; break;
      case south: if (++gy == grid_height) return kNoRouter; break;
      default: if (gy-- == 0) return kNoRouter; break;
    }
    const NodeIndex next = at_global(gx, gy);
    return position_enabled(next) ? next : kNoRouter;
  }
  NodeIndex neighbour(NodeIndex node, uint32_t direction) const { return neighbours[node][direction]; }
  // A resource's name and ends, as LinkStats gives them.
  LinkStats describe_resource(uint32_t index) const;
  bool crosses_chips(NodeIndex from, NodeIndex to) const {
    const uint32_t chip_size = params.width * params.height;
    return from / chip_size != to / chip_size;
  }

  void check_node(NodeIndex node, const char* role) const {
    if (node >= node_limit()) {
      throw std::invalid_argument(std::string("network: ") + role + " node " + std::to_string(node) +
                                  " does not exist (" + std::to_string(node_limit()) + " nodes)");
    }
    if (!position_enabled(router_of(node))) {
      throw std::invalid_argument(std::string("network: ") + role + " node " + std::to_string(node) +
                                  " (" + describe(coord(node)) + ") is disabled");
    }
  }

  // --- routing ------------------------------------------------------------------------------------

  // Hop distances of every position to `destination` (in search_hops), breadth first over enabled
  // routers; kUnreachable for the others.
  const std::vector<uint32_t>& distances_to(NodeIndex destination) const {
    search_hops.assign(positions, kUnreachable);
    search_frontier.clear();
    search_frontier.push_back(destination);
    search_hops[destination] = 0;
    for (size_t head = 0; head < search_frontier.size(); ++head) {
      const NodeIndex node = search_frontier[head];
      for (const NodeIndex next : neighbours[node]) {
        if (next != kNoRouter && search_hops[next] == kUnreachable) {
          search_hops[next] = search_hops[node] + 1;
          search_frontier.push_back(next);
        }
      }
    }
    return search_hops;
  }

  void check_connected() const {
    NodeIndex first = 0;
    while (!position_enabled(first)) ++first;
    const std::vector<uint32_t>& hops = distances_to(first);
    std::string cut_off;
    size_t count = 0;
    for (NodeIndex node = 0; node < positions; ++node) {
      if (!position_enabled(node) || hops[node] != kUnreachable) continue;
      if (count < kListedNodes) cut_off += (count ? ", " : "") + describe(coord(node));
      ++count;
    }
    if (count == 0) return;
    if (count > kListedNodes) cut_off += ", ...";
    throw std::invalid_argument("network: the disabled routers cut " + std::to_string(count) +
                                " routers off from " + describe(coord(first)) + ": " + cut_off);
  }

  // The output link a packet at `node` bound for `destination` takes on a dimension-order leg
  // (node != destination).
  uint32_t xy_direction(NodeIndex node, NodeIndex destination) const {
    const uint32_t gx = global_x(node), dx = global_x(destination);
    if (gx != dx) return dx > gx ? east : west;
    return global_y(destination) > global_y(node) ? south : north;
  }

  // Whether any of `holes` (positions along a line) lies between a and b, both included.
  static bool blocked(const std::vector<uint32_t>& holes, uint32_t a, uint32_t b) {
    const uint32_t low = std::min(a, b), high = std::max(a, b);
    for (const uint32_t hole : holes)
      if (hole >= low && hole <= high) return true;
    return false;
  }
  // Whether the dimension-order leg from router `from` to router `to` passes only enabled routers.
  bool leg_open(NodeIndex from, NodeIndex to) const {
    const uint32_t fx = global_x(from), fy = global_y(from), tx = global_x(to), ty = global_y(to);
    return !blocked(holes_in_row[fy], fx, tx) && !blocked(holes_in_column[tx], fy, ty);
  }
  uint32_t distance(NodeIndex a, NodeIndex b) const {
    const auto gap = [](uint32_t p, uint32_t q) { return p > q ? p - q : q - p; };
    return gap(global_x(a), global_x(b)) + gap(global_y(a), global_y(b));
  }

  // Where the route from router `from` to router `to` turns: `to` itself when one dimension-order
  // leg gets there, else the router that makes two legs the shortest (the lowest index of those).
  // kNoRouter if there is none. A turn inside the pair's bounding box makes a minimal route, so
  // the box is searched first (usually a few dozen routers), the whole network only if it fails.
  NodeIndex find_turn(NodeIndex from, NodeIndex to) const {
    if (leg_open(from, to)) return to;
    const uint32_t fx = global_x(from), fy = global_y(from), tx = global_x(to), ty = global_y(to);
    NodeIndex best = kNoRouter;
    for (uint32_t y = std::min(fy, ty); y <= std::max(fy, ty); ++y) {
      for (uint32_t x = std::min(fx, tx); x <= std::max(fx, tx); ++x) {
        const NodeIndex turn = at_global(x, y);
        if (turn < best && position_enabled(turn) && leg_open(from, turn) && leg_open(turn, to))
          best = turn;
      }
    }
    if (best != kNoRouter) return best;
    uint32_t best_length = kUnreachable;
    for (NodeIndex turn = 0; turn < positions; ++turn) {
      const uint32_t length = distance(from, turn) + distance(turn, to);
      if (length >= best_length || !position_enabled(turn)) continue;
      if (leg_open(from, turn) && leg_open(turn, to)) {
        best = turn;
        best_length = length;
      }
    }
    return best;
  }
  NodeIndex turn_of(NodeIndex from, NodeIndex to) const {
    if (params.routing == Routing::xy || leg_open(from, to)) return to;
    const uint64_t key = uint64_t{from} << 32 | to;
    const auto found = turns.find(key);
    if (found != turns.end()) return found->second;
    const NodeIndex turn = find_turn(from, to);
    if (turn == kNoRouter) {
      throw std::invalid_argument("network: table routing has no route of two dimension-order legs from " +
                                  describe(coord(from)) + " to " + describe(coord(to)) +
                                  " around the disabled routers (docs/noc.md#routing)");
    }
    if (turns.size() >= kMaxRememberedTurns) turns.clear();
    turns.emplace(key, turn);
    return turn;
  }
  void check_all_routes() const {
    for (NodeIndex from = 0; from < positions; ++from) {
      if (!position_enabled(from)) continue;
      for (NodeIndex to = 0; to < positions; ++to)
        if (position_enabled(to)) turn_of(from, to);
    }
  }

  // Calls visit(router, direction, next_router) for every link of the route between two routers.
  template <class Visit>
  void walk(NodeIndex from, NodeIndex to, Visit visit) const {
    NodeIndex turn = turn_of(from, to);
    for (NodeIndex node = from; node != to;) {
      if (node == turn) turn = to;
      const uint32_t towards = xy_direction(node, turn);
      const NodeIndex next = neighbour(node, towards);
      visit(node, towards, next);
      node = next;
    }
  }

  // --- timing -------------------------------------------------------------------------------------

  uint32_t injection_port(NodeIndex node) const {
    return node < positions ? node * kPortsPerRouter + injection
                            : positions * kPortsPerRouter + (node - positions) * kPortsPerEndpoint;
  }
  uint32_t ejection_port(NodeIndex node) const { return injection_port(node) + 1; }

  uint64_t chip_link_cycles(uint32_t flits) const {
    const uint64_t bytes = uint64_t{flits} * params.flit_bytes;
    return (bytes + params.chip_link_bytes - 1) / params.chip_link_bytes;
  }

  // Reserves `length` cycles of a resource so they end as the tail of a packet streaming `lag`
  // cycles behind its head passes (lag >= length); returns the cycle the head passes.
  uint64_t pass(uint32_t resource_index, uint64_t head_ready, uint64_t length, uint64_t lag,
                uint32_t flits) {
    Resource& resource = resources[resource_index];
    const uint64_t start = resource.calendar.reserve(head_ready + lag - length, length);
    resource.flits += flits;
    resource.busy_cycles += length;
    if (!is_active[resource_index]) {
      is_active[resource_index] = true;
      active.push_back(resource_index);
    }
    return start + length - lag;
  }
};

Network::Network(const NetworkParams& params) : impl_(std::make_unique<Impl>(params)) {
  impl_->packets = PacketStats(params.latency_bucket_cycles, params.latency_buckets);
}
Network::~Network() = default;

const NetworkParams& Network::params() const { return impl_->params; }
uint32_t Network::node_count() const { return impl_->positions; }

NodeIndex Network::index_of(const Coord& coord) const {
  const NetworkParams& p = impl_->params;
  if (coord.chip_x >= p.chips_x || coord.chip_y >= p.chips_y || coord.x >= p.width ||
      coord.y >= p.height) {
    throw std::invalid_argument("network: " + describe(coord) + " is outside the tile");
  }
  return ((coord.chip_y * p.chips_x + coord.chip_x) * p.height + coord.y) * p.width + coord.x;
}

Coord Network::coord_of(NodeIndex node) const {
  if (node >= impl_->node_limit()) {
    throw std::invalid_argument("network: node " + std::to_string(node) + " does not exist");
  }
  return impl_->coord(impl_->router_of(node));
}

bool Network::enabled(NodeIndex node) const {
  return node < impl_->node_limit() && impl_->position_enabled(impl_->router_of(node));
}

std::optional<NodeIndex> Network::node_at(const Coord& coord) const {
  const NetworkParams& p = impl_->params;
  if (coord.chip_x >= p.chips_x || coord.chip_y >= p.chips_y || coord.x >= p.width ||
      coord.y >= p.height) {
    return std::nullopt;
  }
  const NodeIndex node = index_of(coord);
  if (!impl_->position_enabled(node)) return std::nullopt;
  return node;
}

NodeIndex Network::attach_endpoint(const Coord& router) {
  const auto node = node_at(router);
  if (!node) {
    throw std::invalid_argument("network: cannot attach an endpoint to " + describe(router) +
                                ": no enabled router there");
  }
  impl_->endpoint_routers.push_back(*node);
  impl_->resources.resize(impl_->resources.size() + kPortsPerEndpoint);
  impl_->is_active.resize(impl_->resources.size(), false);
  return impl_->node_limit() - 1;
}

uint32_t Network::flits_for(uint64_t bytes) const {
  const uint64_t flit_bytes = impl_->params.flit_bytes;
  return static_cast<uint32_t>(std::max<uint64_t>(1, (bytes + flit_bytes - 1) / flit_bytes));
}

std::vector<NodeIndex> Network::route(NodeIndex from, NodeIndex to) const {
  impl_->check_node(from, "source");
  impl_->check_node(to, "destination");
  std::vector<NodeIndex> routers{impl_->router_of(from)};
  impl_->walk(impl_->router_of(from), impl_->router_of(to),
              [&](NodeIndex, uint32_t, NodeIndex next) { routers.push_back(next); });
  return routers;
}

uint32_t Network::routers_on_route(NodeIndex from, NodeIndex to) const {
  impl_->check_node(from, "source");
  impl_->check_node(to, "destination");
  uint32_t routers = 1;
  impl_->walk(impl_->router_of(from), impl_->router_of(to),
              [&](NodeIndex, uint32_t, NodeIndex) { ++routers; });
  return routers;
}

uint64_t Network::zero_load_latency(NodeIndex from, NodeIndex to, uint32_t flits) const {
  impl_->check_node(from, "source");
  impl_->check_node(to, "destination");
  const NetworkParams& p = impl_->params;
  uint64_t on_chip_hops = 0, chip_hops = 0, routers_after_chip_link = 0;
  impl_->walk(impl_->router_of(from), impl_->router_of(to), [&](NodeIndex node, uint32_t, NodeIndex next) {
    const bool chip = impl_->crosses_chips(node, next);
    ++(chip ? chip_hops : on_chip_hops);
    routers_after_chip_link = chip ? 1 : routers_after_chip_link + (routers_after_chip_link > 0);
  });
  // The head: T_head = L_inj + (H + 1) R + H_on L + H_chip L_chip + L_ej; the tail trails it.
  uint64_t head = p.injection_latency + (on_chip_hops + chip_hops + 1) * router_pipeline_cycles(p) +
                  on_chip_hops * p.link_latency + chip_hops * p.chip_link_latency + p.ejection_latency;
  if (p.model == NetworkModel::ideal) {
    // S, the slowest serialization on the route: the tail is delivered S cycles after the head.
    return head + (chip_hops ? std::max<uint64_t>(flits, impl_->chip_link_cycles(flits)) : uint64_t{flits});
  }
  // Flit by flit, one a cycle, the packet whole the cycle after its tail arrives. A chip link takes
  // s cycles a flit (the head s - 1 more than an on-chip link) and leaves the tail (F - 1) s behind;
  // each router after it, where the head waits for routing and a virtual channel and the body
  // flits do not, takes routing_delay + vc_alloc_delay of that back, down to F - 1.
  const uint64_t spacing = chip_hops ? impl_->chip_link_cycles(1) : 1;
  head += chip_hops * (spacing - 1);
  const uint64_t regained = routers_after_chip_link * (uint64_t{p.routing_delay} + p.vc_alloc_delay);
  const uint64_t stretched = (flits - 1) * spacing;
  const uint64_t tail_lag = std::max<uint64_t>(flits - 1, stretched > regained ? stretched - regained : 0);
  return head + tail_lag + 1;
}

NodeIndex Network::router_of(NodeIndex node) const {
  if (node >= impl_->node_limit()) {
    throw std::invalid_argument("network: node " + std::to_string(node) + " does not exist");
  }
  return impl_->router_of(node);
}

LinkStats Network::describe_link(NodeIndex router, uint32_t direction) const {
  return impl_->describe_resource(router * kPortsPerRouter + direction);
}

LinkStats Network::describe_port(NodeIndex node, bool injection) const {
  return impl_->describe_resource(injection ? impl_->injection_port(node) : impl_->ejection_port(node));
}

NodeIndex Network::neighbour(NodeIndex node, uint32_t direction) const {
  return impl_->neighbour(node, direction);
}

NodeIndex Network::turn_of(NodeIndex from, NodeIndex to) const { return impl_->turn_of(from, to); }

uint32_t Network::direction_towards(NodeIndex node, NodeIndex destination) const {
  return impl_->xy_direction(node, destination);
}

bool Network::crosses_chips(NodeIndex from, NodeIndex to) const { return impl_->crosses_chips(from, to); }

uint64_t Network::chip_link_cycles(uint32_t flits) const { return impl_->chip_link_cycles(flits); }

uint64_t Network::send(NodeIndex from, NodeIndex to, uint32_t flits, uint64_t cycle) {
  Impl& n = *impl_;
  n.check_node(from, "source");
  n.check_node(to, "destination");
  if (flits == 0) throw std::invalid_argument("network: a packet needs at least one flit");
  if (cycle < n.horizon) {
    throw std::invalid_argument("network: packet sent at cycle " + std::to_string(cycle) +
                                ", before the horizon " + std::to_string(n.horizon));
  }
  const NetworkParams& p = n.params;
  // `lag`: how many cycles the tail trails the head, the slowest serialization crossed so far.
  uint64_t lag = flits;
  uint64_t head = n.pass(n.injection_port(from), cycle, flits, lag, flits) + p.injection_latency;
  n.walk(n.router_of(from), n.router_of(to), [&](NodeIndex node, uint32_t direction, NodeIndex next) {
    const bool chip_link = n.crosses_chips(node, next);
    const uint64_t length = chip_link ? n.chip_link_cycles(flits) : flits;
    lag = std::max(lag, length);
    head = n.pass(node * kPortsPerRouter + direction, head + p.router_latency, length, lag, flits) +
           (chip_link ? p.chip_link_latency : p.link_latency);
  });
  head = n.pass(n.ejection_port(to), head + p.router_latency, flits, lag, flits);
  const uint64_t delivered = head + lag + p.ejection_latency;
  n.packets.record(delivered - cycle, flits);
  return delivered;
}

void Network::advance_horizon(uint64_t cycle) {
  Impl& n = *impl_;
  if (cycle <= n.horizon) return;
  n.horizon = cycle;
  if (cycle - n.forgotten_up_to < kForgetInterval) return;
  n.forgotten_up_to = cycle;
  auto kept = n.active.begin();
  for (const uint32_t index : n.active) {
    Calendar& calendar = n.resources[index].calendar;
    calendar.forget_before(cycle);
    if (calendar.empty()) {
      n.is_active[index] = false;
    } else {
      *kept++ = index;
    }
  }
  n.active.erase(kept, n.active.end());
}

LinkStats Network::Impl::describe_resource(uint32_t index) const {
  LinkStats link;
  if (index >= positions * kPortsPerRouter) {
    const NodeIndex endpoint = positions + (index - positions * kPortsPerRouter) / kPortsPerEndpoint;
    link.from = link.to = coord(endpoint_routers[endpoint - positions]);
    link.name = "endpoint " + std::to_string(endpoint) + " at " + describe(link.from) +
                (index % kPortsPerEndpoint == 0 ? " injection" : " ejection");
    return link;
  }
  const NodeIndex node = index / kPortsPerRouter;
  const uint32_t port = index % kPortsPerRouter;
  link.from = link.to = coord(node);
  if (port == injection || port == ejection) {
    link.name = describe(link.from) + (port == injection ? " injection" : " ejection");
    return link;
  }
  const NodeIndex next = neighbour(node, port);
  link.to = coord(next);
  if (crosses_chips(node, next)) {
    const bool along_x = port == east || port == west;
    link.name = "chip " + std::to_string(link.from.chip_x) + "," + std::to_string(link.from.chip_y) +
                " -> chip " + std::to_string(link.to.chip_x) + "," + std::to_string(link.to.chip_y) +
                (along_x ? " row " + std::to_string(link.from.y) : " column " + std::to_string(link.from.x));
  } else {
    link.name = describe(link.from) + " -> " + kDirectionNames[port];
  }
  return link;
}

std::vector<LinkStats> Network::link_stats() const {
  const Impl& n = *impl_;
  std::vector<LinkStats> links;
  for (uint32_t index = 0; index < n.resources.size(); ++index) {
    const Resource& resource = n.resources[index];
    if (resource.flits == 0) continue;
    LinkStats link = n.describe_resource(index);
    link.flits = resource.flits;
    link.busy_cycles = resource.busy_cycles;
    links.push_back(std::move(link));
  }
  return links;
}

std::vector<LinkBacklog> Network::backlog(uint64_t cycle) const {
  const Impl& n = *impl_;
  std::vector<LinkBacklog> backlog;
  for (const uint32_t index : n.active) {
    const uint64_t cycles = n.resources[index].calendar.reserved_from(cycle);
    if (cycles != 0) backlog.push_back({n.describe_resource(index).name, cycles});
  }
  std::sort(backlog.begin(), backlog.end(), [](const LinkBacklog& a, const LinkBacklog& b) {
    return a.amount != b.amount ? a.amount > b.amount : a.name < b.name;
  });
  return backlog;
}

const PacketStats& Network::packet_stats() const { return impl_->packets; }

}  // namespace dojo::noc
