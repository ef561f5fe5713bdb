// Synthetic traffic on one chip's mesh, the standard way of characterising a network-on-chip
// (as BookSim does): every node generates packets at an offered rate towards destinations a
// traffic pattern picks; after a warm-up, the packets created during a measurement window are
// followed until they are delivered. `dojo-vp noc-sim` is the command-line front end; docs/noc.md
// explains the method, the analytic bounds and the results.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "noc/network.h"

namespace dojo::noc {

enum class Pattern {
  uniform,    // every node equally likely, the source included
  transpose,  // (x, y) -> (y, x); needs a square mesh
  bitcomp,    // (x, y) -> (width-1-x, height-1-y): the bit complement on power-of-two meshes
  hotspot,    // a fraction of the packets to one node, the rest uniform
  bitrev,     // node index i -> i with its bits reversed; needs a power-of-two node count
  shuffle,    // node index i -> i rotated left by one bit; needs a power-of-two node count
  tornado,    // (x, y) -> ((x + ceil(W/2) - 1) mod W, (y + ceil(H/2) - 1) mod H)
  neighbor,   // (x, y) -> ((x + 1) mod W, (y + 1) mod H)
};

std::optional<Pattern> parse_pattern(const std::string& name);
const char* pattern_name(Pattern pattern);

// Each field is the noc-sim option of the same name; error messages name the option.
struct TrafficParams {
  uint32_t width = 8;  // --mesh WxH
  uint32_t height = 8;
  Pattern pattern = Pattern::uniform;                                // --traffic
  std::optional<std::pair<uint32_t, uint32_t>> hotspot_node;        // --hotspot-node X,Y (centre)
  double hotspot_fraction = 0.1;                                     // --hotspot-fraction
  uint32_t packet_flits = 1;                                         // --packet-flits
  double injection_rate = 0.1;  // --injection-rate: offered flits per node per cycle
  // The network's own settings, one option per declaration (--router-latency ...).
  NetworkSettings network;
  uint64_t warmup = 1000;         // --warmup: cycles before measuring
  // The measurement (docs/noc.md#synthetic-traffic-dojo-vp-noc-sim): samples of sample_period
  // cycles, at least `measure` cycles of them, more until the average latency converges (moves by
  // at most `convergence` of itself over a sample), up to max_measure cycles.
  uint64_t measure = 10000;        // --measure
  uint64_t sample_period = 1000;   // --sample-period
  double convergence = 0.01;       // --convergence
  uint64_t max_measure = 100000;   // --max-measure
  // --latency-threshold: a sample whose average latency exceeds it (cycles) makes the run
  // saturated (0: no threshold).
  double latency_threshold = 500;
  uint64_t drain_limit = 10000;  // --drain-limit: cycles after a sample before "saturated"
  uint64_t seed = 1;             // --seed: the first seed
  uint32_t seeds = 1;            // --seeds: runs with seeds seed, seed + 1, ..., averaged
};

// What the network can do for a pattern, computed from its routes, not by simulation.
struct PatternBounds {
  // Average over the pattern's source-destination pairs (weighted by probability) of the
  // zero-load latency formula.
  double zero_load_latency = 0;
  // Flits per node per cycle at which the busiest resource (link, injection or ejection port,
  // each 1 flit per cycle) is fully loaded: 1 / its load per unit of injection rate.
  double throughput_bound = 0;
  std::string bottleneck;  // that resource's name
};

// Delivering the measured packets may take this much longer than the window (relatively) before the
// run counts as saturated: the last packets' own latency, not a backlog.
constexpr double kBehindTolerance = 0.05;

struct TrafficResult {
  std::pair<uint32_t, uint32_t> hotspot_node{0, 0};  // the one used (hotspot traffic)
  uint64_t packets_measured = 0;
  uint64_t flits_measured = 0;
  double avg_packet_latency = 0;  // cycles from creation to tail delivery, source queueing included
  uint64_t p99_packet_latency = 0;
  uint64_t max_packet_latency = 0;
  // The average of each measured packet's own zero-load latency: what avg_packet_latency would be
  // with no contention at all.
  double measured_zero_load_latency = 0;
  // Measured flits per node per cycle of the delivery span: max(measure, last measured delivery -
  // the later of the window's start and the last warm-up delivery). Below saturation this is the
  // offered traffic; above it, the rate the network's bottleneck sustains.
  double accepted_throughput = 0;
  uint64_t delivery_span = 0;
  // The network fell behind the offered traffic: a sample's average latency exceeded the latency
  // threshold, a measured packet was delivered more than drain_limit after its sample (or not at
  // all), or the delivery span exceeded the window by more than kBehindTolerance.
  bool saturated = false;
  uint64_t samples = 0;          // sample periods measured
  uint64_t measured_cycles = 0;  // the window they make
  bool converged = false;        // the average latency converged (rather than max_measure ending it)
  PatternBounds bounds;
  // With several seeds the figures above are their averages (counts: totals; delivery span and
  // max latency: the largest; converged: all; saturated: any), and these the lowest and highest
  // average latency and accepted throughput of a single run.
  std::pair<double, double> latency_range{0, 0};
  std::pair<double, double> accepted_range{0, 0};
};

// Both throw std::invalid_argument naming the option for impossible parameters.
PatternBounds pattern_bounds(const TrafficParams& params);
TrafficResult run_traffic(const TrafficParams& params);

}  // namespace dojo::noc
