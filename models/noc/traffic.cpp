#include "noc/traffic.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "noc/cycle_network.h"
#include "noc/network.h"

namespace dojo::noc {
namespace {

// The bounds walk every source-destination pair: uniform traffic costs nodes^2 routes.
constexpr uint32_t kMaxMeshSide = 32;
// How often (cycles) the simulation lets the network forget past reservations.
constexpr uint64_t kHorizonInterval = 64;
constexpr double kPercentile = 0.99;

constexpr const char* kPatternNames[] = {"uniform", "transpose", "bitcomp", "hotspot",
                                         "bitrev",  "shuffle",   "tornado", "neighbor"};

void fail(const std::string& message) { throw std::invalid_argument(message); }

void validate(const TrafficParams& p) {
  if (p.width < 1 || p.height < 1 || p.width > kMaxMeshSide || p.height > kMaxMeshSide) {
    fail("--mesh " + std::to_string(p.width) + "x" + std::to_string(p.height) +
         ": each side must be 1 to " + std::to_string(kMaxMeshSide));
  }
  if (p.pattern == Pattern::transpose && p.width != p.height) {
    fail("--traffic transpose needs a square --mesh, not " + std::to_string(p.width) + "x" +
         std::to_string(p.height));
  }
  const uint32_t nodes = p.width * p.height;
  if ((p.pattern == Pattern::bitrev || p.pattern == Pattern::shuffle) && (nodes & (nodes - 1)) != 0) {
    fail(std::string("--traffic ") + pattern_name(p.pattern) + " needs a power-of-two number of nodes, not " +
         std::to_string(p.width) + "x" + std::to_string(p.height));
  }
  if (p.hotspot_node && (p.hotspot_node->first >= p.width || p.hotspot_node->second >= p.height)) {
    fail("--hotspot-node " + std::to_string(p.hotspot_node->first) + "," +
         std::to_string(p.hotspot_node->second) + " is outside the mesh");
  }
  if (!(p.hotspot_fraction >= 0 && p.hotspot_fraction <= 1)) {
    fail("--hotspot-fraction must be between 0 and 1");
  }
  if (p.packet_flits < 1) fail("--packet-flits must be at least 1");
  if (!(p.injection_rate >= 0 && p.injection_rate <= 1)) {
    fail("--injection-rate must be between 0 and 1 flits per node per cycle");
  }
  if (p.measure < 1) fail("--measure must be at least 1 cycle");
}

NetworkParams mesh_params(const TrafficParams& p) {
  NetworkParams network;
  static_cast<NetworkSettings&>(network) = p.network;
  network.width = p.width;
  network.height = p.height;
  return network;
}

std::pair<uint32_t, uint32_t> hotspot_of(const TrafficParams& p) {
  return p.hotspot_node.value_or(std::make_pair(p.width / 2, p.height / 2));
}

// A pattern on a width x height mesh, node index y * width + x.
class TrafficPattern {
 public:
  explicit TrafficPattern(const TrafficParams& p)
      : pattern_(p.pattern), width_(p.width), height_(p.height), nodes_(p.width * p.height),
        hotspot_(hotspot_of(p).second * p.width + hotspot_of(p).first),
        hotspot_fraction_(p.hotspot_fraction) {}

  uint32_t nodes() const { return nodes_; }

  // Calls visit(destination, probability) for every destination `source` sends to.
  template <class Visit>
  void destinations(uint32_t source, Visit visit) const {
    switch (pattern_) {
      case Pattern::uniform:
        for (uint32_t node = 0; node < nodes_; ++node) visit(node, 1.0 / nodes_);
        break;
      case Pattern::hotspot:
        for (uint32_t node = 0; node < nodes_; ++node) visit(node, (1 - hotspot_fraction_) / nodes_);
        visit(hotspot_, hotspot_fraction_);
        break;
      default:
        visit(permutation(source), 1.0);
    }
  }

  // A destination drawn with those probabilities.
  uint32_t pick(uint32_t source, std::mt19937_64& random) const {
    switch (pattern_) {
      case Pattern::uniform:
        return below(nodes_, random);
      case Pattern::hotspot:
        return unit(random) < hotspot_fraction_ ? hotspot_ : below(nodes_, random);
      default:
        return permutation(source);
    }
  }

  // A double in [0, 1) from the top 53 bits: the same on every standard library, unlike
  // std::uniform_real_distribution.
  static double unit(std::mt19937_64& random) { return static_cast<double>(random() >> 11) * 0x1.0p-53; }

 private:
  // An integer in [0, bound) by multiply-and-shift, also library-independent.
  static uint32_t below(uint32_t bound, std::mt19937_64& random) {
    return static_cast<uint32_t>((static_cast<unsigned __int128>(random()) * bound) >> 64);
  }

  uint32_t permutation(uint32_t source) const {
    const uint32_t x = source % width_, y = source / width_;
    const uint32_t bits = static_cast<uint32_t>(__builtin_ctz(nodes_));  // bitrev, shuffle: 2^bits nodes
    switch (pattern_) {
      case Pattern::transpose:
        return x * width_ + y;
      case Pattern::bitrev: {
        uint32_t reversed = 0;
        for (uint32_t bit = 0; bit < bits; ++bit) reversed |= ((source >> bit) & 1u) << (bits - 1 - bit);
        return reversed;
      }
      case Pattern::shuffle:
        return bits == 0 ? 0 : ((source << 1) | (source >> (bits - 1))) & (nodes_ - 1);
      case Pattern::tornado:
        return ((y + (height_ + 1) / 2 - 1) % height_) * width_ + (x + (width_ + 1) / 2 - 1) % width_;
      case Pattern::neighbor:
        return ((y + 1) % height_) * width_ + (x + 1) % width_;
      default:  // bitcomp
        return (height_ - 1 - y) * width_ + (width_ - 1 - x);
    }
  }

  Pattern pattern_;
  uint32_t width_, height_, nodes_;
  uint32_t hotspot_;
  double hotspot_fraction_;
};

std::string core_name(uint32_t node, uint32_t width) {
  return "core " + std::to_string(node % width) + "," + std::to_string(node / width);
}

}  // namespace

std::optional<Pattern> parse_pattern(const std::string& name) {
  for (size_t index = 0; index < std::size(kPatternNames); ++index) {
    if (name == kPatternNames[index]) return static_cast<Pattern>(index);
  }
  return std::nullopt;
}

const char* pattern_name(Pattern pattern) { return kPatternNames[static_cast<size_t>(pattern)]; }

PatternBounds pattern_bounds(const TrafficParams& params) {
  validate(params);
  const Network network(mesh_params(params));
  const TrafficPattern pattern(params);
  const uint32_t nodes = pattern.nodes();
  // Load per unit of injection rate: four output links, then injection and ejection, per node.
  enum { kEast, kWest, kSouth, kNorth, kInjection, kEjection, kResources };
  std::vector<double> load(size_t{nodes} * kResources, 0.0);
  double zero_load_sum = 0;
  for (uint32_t source = 0; source < nodes; ++source) {
    load[source * kResources + kInjection] += 1;
    pattern.destinations(source, [&](uint32_t destination, double probability) {
      zero_load_sum += probability *
                       static_cast<double>(network.zero_load_latency(source, destination, params.packet_flits));
      load[destination * kResources + kEjection] += probability;
      const std::vector<NodeIndex> routers = network.route(source, destination);
      for (size_t hop = 0; hop + 1 < routers.size(); ++hop) {
        const NodeIndex from = routers[hop], to = routers[hop + 1];
        const int direction = to == from + 1 ? kEast : to + 1 == from ? kWest : to > from ? kSouth : kNorth;
        load[from * kResources + direction] += probability;
      }
    });
  }
  const size_t busiest = static_cast<size_t>(std::max_element(load.begin(), load.end()) - load.begin());
  static const char* const kResourceNames[kResources] = {" -> east", " -> west", " -> south",
                                                         " -> north", " injection", " ejection"};
  PatternBounds bounds;
  bounds.zero_load_latency = zero_load_sum / nodes;
  bounds.throughput_bound = std::min(1.0, 1.0 / load[busiest]);
  bounds.bottleneck =
      core_name(static_cast<uint32_t>(busiest / kResources), params.width) + kResourceNames[busiest % kResources];
  return bounds;
}

namespace {

// The latency figures of the measured packets' latencies (reordered).
void summarize_latencies(std::vector<uint64_t>& latencies, uint64_t zero_load_total, TrafficResult& result) {
  result.packets_measured = latencies.size();
  if (latencies.empty()) return;
  uint64_t total = 0;
  for (const uint64_t latency : latencies) total += latency;
  result.avg_packet_latency = static_cast<double>(total) / static_cast<double>(latencies.size());
  result.measured_zero_load_latency =
      static_cast<double>(zero_load_total) / static_cast<double>(latencies.size());
  const size_t rank = static_cast<size_t>(std::ceil(kPercentile * static_cast<double>(latencies.size()))) - 1;
  std::nth_element(latencies.begin(), latencies.begin() + static_cast<std::ptrdiff_t>(rank), latencies.end());
  result.p99_packet_latency = latencies[rank];
  result.max_packet_latency = *std::max_element(latencies.begin(), latencies.end());
}

// Every node's Bernoulli source for one cycle: calls send(source, destination) for each packet.
template <class Send>
void generate(const TrafficPattern& pattern, double packet_probability, std::mt19937_64& random, Send send) {
  for (uint32_t source = 0; source < pattern.nodes(); ++source) {
    if (TrafficPattern::unit(random) >= packet_probability) continue;
    send(source, pattern.pick(source, random));
  }
}

void run_ideal(const TrafficParams& params, const TrafficPattern& pattern, TrafficResult& result) {
  Network network(mesh_params(params));
  std::mt19937_64 random(params.seed);
  const double packet_probability = params.injection_rate / params.packet_flits;
  const uint64_t window_end = params.warmup + params.measure;

  std::vector<uint64_t> latencies;
  uint64_t zero_load_total = 0;
  uint64_t last_warmup_delivery = 0, last_measured_delivery = 0;
  // Packets are sent in creation order, so a later packet never takes a slot an earlier one holds:
  // the measured packets' delivery cycles are final once the window closes, no drain run needed.
  for (uint64_t cycle = 0; cycle < window_end; ++cycle) {
    if (cycle % kHorizonInterval == 0) network.advance_horizon(cycle);
    generate(pattern, packet_probability, random, [&](uint32_t source, uint32_t destination) {
      const uint64_t delivered = network.send(source, destination, params.packet_flits, cycle);
      if (cycle < params.warmup) {
        last_warmup_delivery = std::max(last_warmup_delivery, delivered);
      } else {
        latencies.push_back(delivered - cycle);
        zero_load_total += network.zero_load_latency(source, destination, params.packet_flits);
        last_measured_delivery = std::max(last_measured_delivery, delivered);
      }
    });
  }

  summarize_latencies(latencies, zero_load_total, result);
  result.flits_measured = result.packets_measured * params.packet_flits;
  const uint64_t span_start = std::max(params.warmup, last_warmup_delivery);
  result.delivery_span =
      std::max(params.measure, last_measured_delivery > span_start ? last_measured_delivery - span_start : 0);
  result.accepted_throughput = static_cast<double>(result.flits_measured) / pattern.nodes() /
                               static_cast<double>(result.delivery_span);
  result.saturated = last_measured_delivery > window_end + params.drain_limit ||
                     static_cast<double>(result.delivery_span) >
                         static_cast<double>(params.measure) * (1 + kBehindTolerance);
}

// The cycle model is stepped: packets created in the window are followed (sources go on
// generating) until delivered or until drain_limit cycles after it. Accepted throughput is what
// a router-level simulator counts: the flits ejected during the window.
void run_cycle(const TrafficParams& params, const TrafficPattern& pattern, TrafficResult& result) {
  CycleNetwork network(mesh_params(params));
  std::mt19937_64 random(params.seed);
  const double packet_probability = params.injection_rate / params.packet_flits;
  const uint64_t window_end = params.warmup + params.measure;
  enum : uint64_t { kWarmup, kMeasured, kDrain };

  std::vector<uint64_t> latencies;
  std::vector<Delivery> delivered;
  uint64_t zero_load_total = 0, measured_outstanding = 0, flits_in_window = 0;
  uint64_t last_warmup_delivery = 0, last_measured_delivery = 0;
  uint64_t cycle = 0;
  for (; cycle < window_end || (measured_outstanding > 0 && cycle < window_end + params.drain_limit); ++cycle) {
    const uint64_t phase = cycle < params.warmup ? kWarmup : cycle < window_end ? kMeasured : kDrain;
    generate(pattern, packet_probability, random, [&](uint32_t source, uint32_t destination) {
      network.inject(source, destination, params.packet_flits, phase);
      if (phase == kMeasured) ++measured_outstanding;
    });
    delivered.clear();
    network.step(delivered);
    for (const Delivery& packet : delivered) {
      if (cycle >= params.warmup && cycle < window_end) flits_in_window += packet.flits;
      if (packet.tag == kWarmup) last_warmup_delivery = packet.delivered;
      if (packet.tag != kMeasured) continue;
      --measured_outstanding;
      last_measured_delivery = packet.delivered;
      latencies.push_back(packet.delivered - packet.created);
      zero_load_total += network.network().zero_load_latency(packet.from, packet.to, packet.flits);
    }
  }

  summarize_latencies(latencies, zero_load_total, result);
  result.flits_measured = result.packets_measured * params.packet_flits;
  result.accepted_throughput =
      static_cast<double>(flits_in_window) / pattern.nodes() / static_cast<double>(params.measure);
  // Saturated as the ideal model's runs are: the measured packets were not all delivered, or took
  // noticeably longer than the window to deliver (the network fell behind the offered traffic).
  const uint64_t span_start = std::max(params.warmup, last_warmup_delivery);
  result.delivery_span =
      std::max(params.measure, last_measured_delivery > span_start ? last_measured_delivery - span_start : 0);
  result.saturated = measured_outstanding > 0 ||
                     static_cast<double>(result.delivery_span) >
                         static_cast<double>(params.measure) * (1 + kBehindTolerance);
}

}  // namespace

TrafficResult run_traffic(const TrafficParams& params) {
  TrafficResult result;
  result.bounds = pattern_bounds(params);
  result.hotspot_node = hotspot_of(params);
  const TrafficPattern pattern(params);
  (params.network.model == NetworkModel::cycle ? run_cycle : run_ideal)(params, pattern, result);
  return result;
}

}  // namespace dojo::noc
