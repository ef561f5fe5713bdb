#include "noc/traffic.h"

#include <algorithm>
#include <cmath>
#include <map>
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
  if (p.sample_period < 1) fail("--sample-period must be at least 1 cycle");
  if (!(p.convergence >= 0)) fail("--convergence must not be negative");
  if (!(p.latency_threshold >= 0)) fail("--latency-threshold must not be negative (0: none)");
  if (p.seeds < 1) fail("--seeds must be at least 1");
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

// Each source-destination pair's zero-load latency for the run's packet size, computed once per
// pair (a route walk, per delivered packet otherwise): meshes up to kMaxNodes, the rest directly.
class ZeroLoadLatencies {
 public:
  ZeroLoadLatencies(const Network& network, uint32_t flits)
      : network_(network), flits_(flits), nodes_(network.node_count()),
        table_(nodes_ <= kMaxNodes ? size_t{nodes_} * nodes_ : 0, 0) {}

  uint64_t operator()(NodeIndex from, NodeIndex to) {
    if (table_.empty()) return network_.zero_load_latency(from, to, flits_);
    uint32_t& known = table_[size_t{from} * nodes_ + to];  // 0: not yet (a latency is at least 1)
    if (known == 0) known = static_cast<uint32_t>(network_.zero_load_latency(from, to, flits_));
    return known;
  }

 private:
  static constexpr uint32_t kMaxNodes = 1024;
  const Network& network_;
  const uint32_t flits_;
  const uint32_t nodes_;
  std::vector<uint32_t> table_;
};

// Latency -> how many measured packets had it.
using LatencyHistogram = std::map<uint64_t, uint64_t>;

// The latency figures of the measured packets.
void summarize_latencies(const LatencyHistogram& latencies, uint64_t packets, uint64_t total,
                         uint64_t zero_load_total, TrafficResult& result) {
  result.packets_measured = packets;
  if (packets == 0) return;
  result.avg_packet_latency = static_cast<double>(total) / static_cast<double>(packets);
  result.measured_zero_load_latency =
      static_cast<double>(zero_load_total) / static_cast<double>(packets);
  // The rank-th smallest (from 0), as a sorted list of every latency would have it.
  const auto rank = static_cast<uint64_t>(std::ceil(kPercentile * static_cast<double>(packets))) - 1;
  uint64_t below = 0;
  for (const auto& [latency, count] : latencies) {
    below += count;
    if (below > rank) {
      result.p99_packet_latency = latency;
      break;
    }
  }
  result.max_packet_latency = latencies.rbegin()->first;
}

// Every node's Bernoulli source for one cycle: calls send(source, destination) for each packet.
template <class Send>
void generate(const TrafficPattern& pattern, double packet_probability, std::mt19937_64& random, Send send) {
  for (uint32_t source = 0; source < pattern.nodes(); ++source) {
    if (TrafficPattern::unit(random) >= packet_probability) continue;
    send(source, pattern.pick(source, random));
  }
}

// The measurement, in samples of sample_period cycles after the warm-up: which sample a packet
// created in a cycle belongs to, their latencies as they are delivered, and when to stop. A sample
// closes once its period is over and its packets are all delivered, the samples in order. Once at
// least `measure` cycles are closed the measurement ends at the first sample after which the
// average latency of all closed samples moved by at most `convergence` of itself, at max_measure,
// when a sample's own average latency exceeded latency_threshold (saturated), or when a sample
// has not closed drain_limit cycles after its period (saturated).
class Sampling {
 public:
  static constexpr uint64_t kNotMeasured = ~uint64_t{0};

  explicit Sampling(const TrafficParams& p)
      : p_(p),
        min_samples_((p.measure + p.sample_period - 1) / p.sample_period),
        max_samples_(std::max(min_samples_, (p.max_measure + p.sample_period - 1) / p.sample_period)) {}

  bool decided() const { return decided_; }
  // The samples measured, once decided.
  uint64_t samples() const { return decided_samples_; }
  bool converged() const { return converged_; }
  bool saturated() const { return saturated_; }
  uint64_t window_cycles() const { return decided_samples_ * p_.sample_period; }
  uint64_t window_end() const { return p_.warmup + window_cycles(); }

  // The sample of a packet created in `cycle`, or kNotMeasured (warm-up, or past the samples).
  uint64_t sample_of(uint64_t cycle) const {
    if (cycle < p_.warmup || decided_) return kNotMeasured;
    const uint64_t sample = (cycle - p_.warmup) / p_.sample_period;
    return sample < max_samples_ ? sample : kNotMeasured;
  }
  void created(uint64_t sample) {
    if (sample == kNotMeasured) return;
    if (sample >= samples_.size()) samples_.resize(sample + 1);
    ++samples_[sample].outstanding;
  }
  void delivered(uint64_t sample, uint64_t latency, uint64_t zero_load) {
    if (sample == kNotMeasured || sample >= samples_.size()) return;
    Sample& s = samples_[sample];
    --s.outstanding;
    ++s.packets;
    s.latency_total += latency;
    s.zero_load_total += zero_load;
    if (s.in_histogram) {
      ++histogram_[latency];
    } else {
      s.latencies.push_back(latency);
    }
  }
  // Closes what it can with every packet created before `cycle` known; decides if it is time.
  void advance(uint64_t cycle) {
    if (decided_) return;
    const uint64_t ended = cycle < p_.warmup ? 0 : std::min(max_samples_, (cycle - p_.warmup) / p_.sample_period);
    if (samples_.size() < ended) samples_.resize(ended);  // periods without a packet
    while (closed_ < ended && samples_[closed_].outstanding == 0) {
      Sample& sample = samples_[closed_];
      const uint64_t count = sample.packets;
      to_histogram(sample);  // a closed sample is measured
      over_threshold_ |= p_.latency_threshold > 0 && count > 0 &&
                         static_cast<double>(sample.latency_total) > p_.latency_threshold * static_cast<double>(count);
      const double before = average();
      closed_latency_ += sample.latency_total;
      closed_packets_ += count;
      ++closed_;
      const double after = average();
      if (closed_ >= min_samples_ && closed_ >= 2 && std::fabs(after - before) <= p_.convergence * after) {
        converged_ = true;
      }
      if (closed_ >= min_samples_ && (converged_ || over_threshold_ || closed_ == max_samples_)) {
        return decide(closed_, over_threshold_);
      }
    }
    // A sample still open drain_limit cycles after its period, once the least window is over.
    if (cycle >= period_end(min_samples_ - 1) && cycle >= period_end(closed_) + p_.drain_limit) {
      decide(std::max(closed_, min_samples_), true);
    }
  }

  // Calls visit(sample) for every packet-holding sample measured.
  template <class Visit>
  void each_measured(Visit visit) const {
    for (uint64_t index = 0; index < decided_samples_ && index < samples_.size(); ++index) visit(samples_[index]);
  }
  // The latencies of the measured samples' delivered packets.
  const LatencyHistogram& histogram() const { return histogram_; }

  struct Sample {
    uint64_t outstanding = 0;
    uint64_t packets = 0;  // delivered
    uint64_t latency_total = 0;
    uint64_t zero_load_total = 0;
    // Until the sample is known to be measured (it closed, or the measurement was decided with
    // it), its latencies; then they are counted in the histogram, so that memory does not grow
    // with the run.
    bool in_histogram = false;
    std::vector<uint64_t> latencies;
  };

 private:
  uint64_t period_end(uint64_t sample) const { return p_.warmup + (sample + 1) * p_.sample_period; }
  double average() const {
    return closed_packets_ ? static_cast<double>(closed_latency_) / static_cast<double>(closed_packets_) : 0;
  }
  void decide(uint64_t samples, bool saturated) {
    decided_ = true;
    decided_samples_ = samples;
    saturated_ = saturated;
    for (uint64_t index = 0; index < samples && index < samples_.size(); ++index)
      to_histogram(samples_[index]);
  }
  void to_histogram(Sample& sample) {
    if (sample.in_histogram) return;
    sample.in_histogram = true;
    for (const uint64_t latency : sample.latencies) ++histogram_[latency];
    std::vector<uint64_t>().swap(sample.latencies);
  }

  const TrafficParams& p_;
  const uint64_t min_samples_, max_samples_;
  std::vector<Sample> samples_;
  LatencyHistogram histogram_;
  uint64_t closed_ = 0, closed_latency_ = 0, closed_packets_ = 0;
  bool over_threshold_ = false, converged_ = false;
  bool decided_ = false, saturated_ = false;
  uint64_t decided_samples_ = 0;
};

// The result's latency figures and window from the measured samples.
void summarize(const Sampling& sampling, TrafficResult& result) {
  uint64_t packets = 0, latency_total = 0, zero_load_total = 0, outstanding = 0;
  sampling.each_measured([&](const Sampling::Sample& sample) {
    packets += sample.packets;
    latency_total += sample.latency_total;
    zero_load_total += sample.zero_load_total;
    outstanding += sample.outstanding;
  });
  summarize_latencies(sampling.histogram(), packets, latency_total, zero_load_total, result);
  result.samples = sampling.samples();
  result.measured_cycles = sampling.window_cycles();
  result.converged = sampling.converged();
  result.saturated = sampling.saturated() || outstanding > 0;
}

void run_ideal(const TrafficParams& params, const TrafficPattern& pattern, TrafficResult& result) {
  Network network(mesh_params(params));
  std::mt19937_64 random(params.seed);
  const double packet_probability = params.injection_rate / params.packet_flits;
  Sampling sampling(params);
  ZeroLoadLatencies zero_load(network, params.packet_flits);
  uint64_t last_warmup_delivery = 0;
  std::vector<uint64_t> last_delivery;  // per sample
  // Packets are sent in creation order, so a later packet never takes a slot an earlier one holds:
  // a packet's delivery cycle is final when it is sent, no drain run needed.
  for (uint64_t cycle = 0; !sampling.decided(); ++cycle) {
    if (cycle % kHorizonInterval == 0) network.advance_horizon(cycle);
    const uint64_t sample = sampling.sample_of(cycle);
    generate(pattern, packet_probability, random, [&](uint32_t source, uint32_t destination) {
      const uint64_t delivered = network.send(source, destination, params.packet_flits, cycle);
      if (cycle < params.warmup) {
        last_warmup_delivery = std::max(last_warmup_delivery, delivered);
        return;
      }
      if (sample == Sampling::kNotMeasured) return;
      sampling.created(sample);
      sampling.delivered(sample, delivered - cycle, zero_load(source, destination));
      if (sample >= last_delivery.size()) last_delivery.resize(sample + 1, 0);
      last_delivery[sample] = std::max(last_delivery[sample], delivered);
    });
    sampling.advance(cycle + 1);
  }

  summarize(sampling, result);
  uint64_t last_measured_delivery = 0;
  for (uint64_t index = 0; index < sampling.samples() && index < last_delivery.size(); ++index)
    last_measured_delivery = std::max(last_measured_delivery, last_delivery[index]);
  const uint64_t window = sampling.window_cycles();
  result.flits_measured = result.packets_measured * params.packet_flits;
  const uint64_t span_start = std::max(params.warmup, last_warmup_delivery);
  result.delivery_span =
      std::max(window, last_measured_delivery > span_start ? last_measured_delivery - span_start : 0);
  result.accepted_throughput = static_cast<double>(result.flits_measured) / pattern.nodes() /
                               static_cast<double>(result.delivery_span);
  result.saturated = result.saturated || last_measured_delivery > sampling.window_end() + params.drain_limit ||
                     static_cast<double>(result.delivery_span) > static_cast<double>(window) * (1 + kBehindTolerance);
}

// The cycle model is stepped: the sources go on generating while the samples' packets are followed
// until delivered. Accepted throughput is what a router-level simulator counts: the flits ejected
// during the measured window.
void run_cycle(const TrafficParams& params, const TrafficPattern& pattern, TrafficResult& result) {
  CycleNetwork network(mesh_params(params));
  std::mt19937_64 random(params.seed);
  const double packet_probability = params.injection_rate / params.packet_flits;
  Sampling sampling(params);
  ZeroLoadLatencies zero_load(network.network(), params.packet_flits);

  std::vector<Delivery> delivered;
  std::vector<uint64_t> ejected;       // flits, per sample period by delivery cycle
  std::vector<uint64_t> last_delivery;  // per sample
  uint64_t last_warmup_delivery = 0;
  for (uint64_t cycle = 0; !sampling.decided(); ++cycle) {
    const uint64_t sample = sampling.sample_of(cycle);
    // Tags: 0 the warm-up's and unmeasured packets, sample + 1 a sample's.
    const uint64_t tag = sample == Sampling::kNotMeasured ? 0 : sample + 1;
    generate(pattern, packet_probability, random, [&](uint32_t source, uint32_t destination) {
      network.inject(source, destination, params.packet_flits, tag);
      sampling.created(sample);
    });
    delivered.clear();
    network.step(delivered);
    for (const Delivery& packet : delivered) {
      if (cycle >= params.warmup) {
        const uint64_t period = (cycle - params.warmup) / params.sample_period;
        if (period >= ejected.size()) ejected.resize(period + 1, 0);
        ejected[period] += packet.flits;
      }
      if (packet.created < params.warmup) last_warmup_delivery = packet.delivered;
      if (packet.tag == 0) continue;
      const uint64_t of = packet.tag - 1;
      sampling.delivered(of, packet.delivered - packet.created, zero_load(packet.from, packet.to));
      if (of >= last_delivery.size()) last_delivery.resize(of + 1, 0);
      last_delivery[of] = packet.delivered;
    }
    sampling.advance(cycle + 1);
  }

  summarize(sampling, result);
  const uint64_t window = sampling.window_cycles();
  uint64_t flits_in_window = 0, last_measured_delivery = 0;
  for (uint64_t index = 0; index < sampling.samples(); ++index) {
    if (index < ejected.size()) flits_in_window += ejected[index];
    if (index < last_delivery.size()) last_measured_delivery = std::max(last_measured_delivery, last_delivery[index]);
  }
  result.flits_measured = result.packets_measured * params.packet_flits;
  result.accepted_throughput =
      static_cast<double>(flits_in_window) / pattern.nodes() / static_cast<double>(window);
  // Saturated also as the ideal model's runs are when the measured packets took noticeably longer
  // than the window to deliver (the network fell behind the offered traffic).
  const uint64_t span_start = std::max(params.warmup, last_warmup_delivery);
  result.delivery_span =
      std::max(window, last_measured_delivery > span_start ? last_measured_delivery - span_start : 0);
  result.saturated = result.saturated ||
                     static_cast<double>(result.delivery_span) > static_cast<double>(window) * (1 + kBehindTolerance);
}

}  // namespace

TrafficResult run_traffic(const TrafficParams& params) {
  validate(params);
  const TrafficPattern pattern(params);
  const auto run_one = [&](uint64_t seed) {
    TrafficParams one = params;
    one.seed = seed;
    TrafficResult result;
    (params.network.model == NetworkModel::cycle ? run_cycle : run_ideal)(one, pattern, result);
    return result;
  };
  TrafficResult total = run_one(params.seed);
  total.bounds = pattern_bounds(params);
  total.hotspot_node = hotspot_of(params);
  total.latency_range = {total.avg_packet_latency, total.avg_packet_latency};
  total.accepted_range = {total.accepted_throughput, total.accepted_throughput};
  // Further seeds: each run counts once in the averages; the ranges show their spread.
  double latency = total.avg_packet_latency, p99 = static_cast<double>(total.p99_packet_latency);
  double zero_load = total.measured_zero_load_latency, accepted = total.accepted_throughput;
  for (uint32_t index = 1; index < params.seeds; ++index) {
    const TrafficResult run = run_one(params.seed + index);
    latency += run.avg_packet_latency;
    p99 += static_cast<double>(run.p99_packet_latency);
    zero_load += run.measured_zero_load_latency;
    accepted += run.accepted_throughput;
    total.latency_range = {std::min(total.latency_range.first, run.avg_packet_latency),
                           std::max(total.latency_range.second, run.avg_packet_latency)};
    total.accepted_range = {std::min(total.accepted_range.first, run.accepted_throughput),
                            std::max(total.accepted_range.second, run.accepted_throughput)};
    total.packets_measured += run.packets_measured;
    total.flits_measured += run.flits_measured;
    total.max_packet_latency = std::max(total.max_packet_latency, run.max_packet_latency);
    total.samples += run.samples;
    total.measured_cycles += run.measured_cycles;
    total.delivery_span = std::max(total.delivery_span, run.delivery_span);
    total.converged = total.converged && run.converged;
    total.saturated = total.saturated || run.saturated;
  }
  const double seeds = params.seeds;
  total.avg_packet_latency = latency / seeds;
  total.p99_packet_latency = static_cast<uint64_t>(std::llround(p99 / seeds));
  total.measured_zero_load_latency = zero_load / seeds;
  total.accepted_throughput = accepted / seeds;
  return total;
}

}  // namespace dojo::noc
