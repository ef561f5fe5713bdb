// Synthetic traffic against the analytic figures: zero-load latency at a trickle, accepted
// throughput against the channel-load bound above saturation, determinism.
#include <catch2/catch.hpp>

#include "noc/traffic.h"

using dojo::noc::Pattern;
using dojo::noc::TrafficParams;
using dojo::noc::TrafficResult;

namespace {

TrafficParams eight_by_eight(Pattern pattern, double rate) {
  TrafficParams params;
  params.pattern = pattern;
  params.injection_rate = rate;
  return params;
}

}  // namespace

TEST_CASE("the analytic bounds of 8x8 patterns match their hand-derived values") {
  // Uniform: the bisection bound 4/k. Transpose under xy: k-1 sources share the busiest link.
  // Bit complement: every source on one side crosses the middle, 4 to a link. Hotspot: the hot
  // node's ejection port takes 64 * 0.1 + 0.9 flits per unit rate.
  CHECK(dojo::noc::pattern_bounds(eight_by_eight(Pattern::uniform, 0.1)).throughput_bound == Approx(0.5));
  CHECK(dojo::noc::pattern_bounds(eight_by_eight(Pattern::transpose, 0.1)).throughput_bound == Approx(1.0 / 7));
  CHECK(dojo::noc::pattern_bounds(eight_by_eight(Pattern::bitcomp, 0.1)).throughput_bound == Approx(0.25));
  const auto hotspot = dojo::noc::pattern_bounds(eight_by_eight(Pattern::hotspot, 0.1));
  CHECK(hotspot.throughput_bound == Approx(1 / 7.3));
  CHECK(hotspot.bottleneck == "core 4,4 ejection");
  // Uniform zero-load: 5.25 hops on average (2 (k^2 - 1) / 3k), T0 = 4 H + 4 for R = 3, L = 1, F = 1.
  CHECK(dojo::noc::pattern_bounds(eight_by_eight(Pattern::uniform, 0.1)).zero_load_latency == Approx(25.0));
  TrafficParams longer = eight_by_eight(Pattern::uniform, 0.1);
  longer.packet_flits = 4;
  longer.network.router_latency = 2;
  CHECK(dojo::noc::pattern_bounds(longer).zero_load_latency == Approx(3 * 5.25 + 6));
}

TEST_CASE("the permutation patterns send each node's packets to one node, each node receiving once") {
  for (const Pattern pattern : {Pattern::transpose, Pattern::bitcomp, Pattern::bitrev, Pattern::shuffle,
                                Pattern::tornado, Pattern::neighbor}) {
    INFO(dojo::noc::pattern_name(pattern));
    // A permutation loads every ejection port once per unit rate: the bound is below 1 only
    // through links.
    const auto bounds = dojo::noc::pattern_bounds(eight_by_eight(pattern, 0.1));
    CHECK(bounds.throughput_bound <= 1.0);
    CHECK(bounds.bottleneck.find("ejection") == std::string::npos);
  }
  // Tornado: three sources share the busiest links (x -> x + 3, the last three wrapping west).
  CHECK(dojo::noc::pattern_bounds(eight_by_eight(Pattern::tornado, 0.1)).throughput_bound == Approx(1.0 / 3));
  // Neighbour: no link carries more than one flow.
  CHECK(dojo::noc::pattern_bounds(eight_by_eight(Pattern::neighbor, 0.1)).throughput_bound == Approx(1.0));
  // Bit reversal on 8x8 (6 bits: x and y swap and reverse): like transpose, 7 flows on column 0's
  // first y link. The shuffle: 4 flows on the busiest y links.
  CHECK(dojo::noc::pattern_bounds(eight_by_eight(Pattern::bitrev, 0.1)).throughput_bound == Approx(1.0 / 7));
  CHECK(dojo::noc::pattern_bounds(eight_by_eight(Pattern::shuffle, 0.1)).throughput_bound == Approx(0.25));
  TrafficParams six = eight_by_eight(Pattern::shuffle, 0.1);
  six.width = six.height = 6;
  CHECK_THROWS_WITH(dojo::noc::pattern_bounds(six), Catch::Contains("power-of-two"));
}

TEST_CASE("at a trickle, packets take the zero-load latency") {
  for (const uint32_t flits : {1u, 4u}) {
    TrafficParams params = eight_by_eight(Pattern::uniform, 0.001 * flits);
    params.packet_flits = flits;
    params.measure = 100000;
    const TrafficResult result = dojo::noc::run_traffic(params);
    REQUIRE(result.packets_measured > 5000);
    // Contention only ever adds: never below each packet's own zero-load latency.
    CHECK(result.avg_packet_latency >= result.measured_zero_load_latency);
    CHECK(result.avg_packet_latency == Approx(result.measured_zero_load_latency).epsilon(0.01));
    CHECK(result.avg_packet_latency == Approx(result.bounds.zero_load_latency).epsilon(0.01));
    CHECK_FALSE(result.saturated);
  }
}

TEST_CASE("below saturation the network accepts what is offered") {
  const TrafficResult result = dojo::noc::run_traffic(eight_by_eight(Pattern::uniform, 0.3));
  CHECK(result.accepted_throughput == Approx(0.3).epsilon(0.02));
  CHECK(result.avg_packet_latency > result.bounds.zero_load_latency);
  CHECK_FALSE(result.saturated);
}

TEST_CASE("above saturation accepted throughput meets the channel-load bound") {
  for (const Pattern pattern : {Pattern::uniform, Pattern::transpose, Pattern::bitcomp, Pattern::hotspot}) {
    INFO(dojo::noc::pattern_name(pattern));
    const TrafficResult result = dojo::noc::run_traffic(eight_by_eight(pattern, 0.9));
    CHECK(result.saturated);
    CHECK(result.accepted_throughput == Approx(result.bounds.throughput_bound).epsilon(0.10));
    CHECK(result.accepted_throughput < 0.6 * 0.9);  // far below what is offered
  }
}

TEST_CASE("the same seed gives the same results, another seed other ones") {
  TrafficParams params = eight_by_eight(Pattern::hotspot, 0.1);
  params.packet_flits = 2;
  const TrafficResult first = dojo::noc::run_traffic(params);
  const TrafficResult second = dojo::noc::run_traffic(params);
  CHECK(first.packets_measured == second.packets_measured);
  CHECK(first.avg_packet_latency == second.avg_packet_latency);
  CHECK(first.p99_packet_latency == second.p99_packet_latency);
  CHECK(first.accepted_throughput == second.accepted_throughput);
  params.seed = 2;
  const TrafficResult other = dojo::noc::run_traffic(params);
  CHECK((other.packets_measured != first.packets_measured || other.avg_packet_latency != first.avg_packet_latency));
}

TEST_CASE("impossible traffic parameters are rejected naming the option") {
  TrafficParams params = eight_by_eight(Pattern::transpose, 0.1);
  params.height = 4;
  CHECK_THROWS_WITH(dojo::noc::run_traffic(params), Catch::Contains("--traffic transpose") && Catch::Contains("8x4"));
  params = eight_by_eight(Pattern::uniform, 1.5);
  CHECK_THROWS_WITH(dojo::noc::run_traffic(params), Catch::Contains("--injection-rate"));
  params = eight_by_eight(Pattern::uniform, 0.1);
  params.width = 0;
  CHECK_THROWS_WITH(dojo::noc::run_traffic(params), Catch::Contains("--mesh 0x8"));
  params = eight_by_eight(Pattern::hotspot, 0.1);
  params.hotspot_node = std::make_pair(8u, 0u);
  CHECK_THROWS_WITH(dojo::noc::run_traffic(params), Catch::Contains("--hotspot-node 8,0"));
  CHECK(dojo::noc::parse_pattern("bitcomp") == Pattern::bitcomp);
  CHECK_FALSE(dojo::noc::parse_pattern("butterfly"));
}

TEST_CASE("the measurement takes samples until the latency converges, in both models") {
  for (const auto model : {dojo::noc::NetworkModel::ideal, dojo::noc::NetworkModel::cycle}) {
    INFO((model == dojo::noc::NetworkModel::cycle ? "cycle" : "ideal"));
    // Far from saturation the least window already converges: measure / sample_period samples.
    TrafficParams light = eight_by_eight(Pattern::uniform, 0.1);
    light.network.model = model;
    const TrafficResult quick = dojo::noc::run_traffic(light);
    CHECK(quick.converged);
    CHECK(quick.samples == 10);
    CHECK(quick.measured_cycles == 10000);
    CHECK_FALSE(quick.saturated);
    // A convergence nothing meets runs to max_measure, and says it did not converge.
    TrafficParams strict = light;
    strict.convergence = 0;
    strict.max_measure = 15000;
    const TrafficResult capped = dojo::noc::run_traffic(strict);
    CHECK_FALSE(capped.converged);
    CHECK(capped.samples == 15);
    CHECK(capped.measured_cycles == 15000);
    // Shorter samples: the same packets, measured over the same least window.
    TrafficParams fine = light;
    fine.sample_period = 250;
    const TrafficResult finer = dojo::noc::run_traffic(fine);
    CHECK(finer.measured_cycles >= 10000);
    CHECK(finer.samples == finer.measured_cycles / 250);
  }
}

TEST_CASE("beyond saturation the latency threshold ends the run as saturated, whatever the window") {
  for (const auto model : {dojo::noc::NetworkModel::ideal, dojo::noc::NetworkModel::cycle}) {
    INFO((model == dojo::noc::NetworkModel::cycle ? "cycle" : "ideal"));
    TrafficParams params = eight_by_eight(Pattern::uniform, 0.7);
    params.network.model = model;
    params.measure = 3000;
    params.drain_limit = 1'000'000;  // only the threshold can say so
    const TrafficResult result = dojo::noc::run_traffic(params);
    CHECK(result.saturated);
    CHECK_FALSE(result.converged);
    CHECK(result.measured_cycles == 3000);  // stopped at the least window, not at max_measure
    // Without a threshold the run is still reported saturated: its packets fell behind.
    params.latency_threshold = 0;
    params.drain_limit = 2000;
    CHECK(dojo::noc::run_traffic(params).saturated);
  }
}

TEST_CASE("several seeds: the averages of their runs, and the spread") {
  TrafficParams params = eight_by_eight(Pattern::transpose, 0.1);
  params.network.model = dojo::noc::NetworkModel::cycle;
  const TrafficResult first = dojo::noc::run_traffic(params);
  params.seed = 2;
  const TrafficResult second = dojo::noc::run_traffic(params);
  params.seed = 1;
  params.seeds = 2;
  const TrafficResult both = dojo::noc::run_traffic(params);
  CHECK(both.packets_measured == first.packets_measured + second.packets_measured);
  CHECK(both.avg_packet_latency == Approx((first.avg_packet_latency + second.avg_packet_latency) / 2));
  CHECK(both.accepted_throughput == Approx((first.accepted_throughput + second.accepted_throughput) / 2));
  CHECK(both.latency_range.first == std::min(first.avg_packet_latency, second.avg_packet_latency));
  CHECK(both.latency_range.second == std::max(first.avg_packet_latency, second.avg_packet_latency));
  CHECK(both.latency_range.first < both.latency_range.second);
  params.seeds = 0;
  CHECK_THROWS_WITH(dojo::noc::run_traffic(params), Catch::Contains("--seeds"));
}
