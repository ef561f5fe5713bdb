// The cycle-level network alone: the zero-load formula met exactly for every source, destination,
// packet size and pipeline shape; credit flow control (a buffer shorter than the credit round trip
// slows a stream down by exactly the missing slots); saturation below the channel-load bound and
// reacting to virtual channels and buffer depth as theory says; no deadlock under saturation;
// determinism; table routing around disabled routers, deadlock-free on a D1 chip; attached
// endpoints, packets created in later cycles, idle cycles skipped; statistics; bad parameters.
#include <catch2/catch.hpp>

#include <vector>

#include "noc/cycle_network.h"
#include "noc/traffic.h"

using dojo::noc::CycleNetwork;
using dojo::noc::Delivery;
using dojo::noc::FlowControl;
using dojo::noc::NetworkModel;
using dojo::noc::NetworkParams;
using dojo::noc::NodeIndex;
using dojo::noc::Pattern;
using dojo::noc::TrafficParams;
using dojo::noc::TrafficResult;

namespace {

NetworkParams cycle_mesh(uint32_t width, uint32_t height) {
  NetworkParams params;
  params.model = NetworkModel::cycle;
  params.width = width;
  params.height = height;
  return params;
}

// Sends one packet into an idle network and returns its latency (creation to delivery).
uint64_t alone(CycleNetwork& network, NodeIndex from, NodeIndex to, uint32_t flits) {
  std::vector<Delivery> delivered;
  const uint64_t created = network.cycle();
  network.inject(from, to, flits, 7);
  for (int cycles = 0; delivered.empty() && cycles < 100000; ++cycles) network.step(delivered);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].tag == 7);
  CHECK(delivered[0].created == created);
  REQUIRE(network.packets_in_flight() == 0);
  return delivered[0].delivered - created;
}

// Every source and destination of the network, each packet alone, against the formula.
void check_zero_load(const NetworkParams& params, std::initializer_list<uint32_t> sizes) {
  CycleNetwork network(params);
  const uint32_t nodes = network.network().node_count();
  for (const uint32_t flits : sizes) {
    for (NodeIndex from = 0; from < nodes; ++from) {
      for (NodeIndex to = 0; to < nodes; ++to) {
        INFO("from " << from << " to " << to << ", " << flits << " flits");
        REQUIRE(alone(network, from, to, flits) == network.network().zero_load_latency(from, to, flits));
        // Let the credits come home before the next packet.
        std::vector<Delivery> none;
        for (int cycle = 0; cycle < 64; ++cycle) network.step(none);
      }
    }
  }
}

// A D1 chip: 18x20 with its six disabled positions (platform/configs/d1.yaml), table routing.
NetworkParams d1_chip() {
  NetworkParams params = cycle_mesh(18, 20);
  params.routing = dojo::noc::Routing::table;
  params.disabled = {{4, 3}, {13, 3}, {8, 9}, {9, 10}, {4, 16}, {13, 16}};
  return params;
}

// The next of a fixed sequence of pseudo-random numbers (a 64-bit LCG: the tests' own, portable).
uint64_t next_random(uint64_t& seed) {
  seed = seed * 6364136223846793005ull + 1442695040888963407ull;
  return seed >> 33;
}

TrafficParams cycle_traffic(Pattern pattern, double rate, uint32_t flits, uint32_t vcs) {
  TrafficParams params;
  params.pattern = pattern;
  params.injection_rate = rate;
  params.packet_flits = flits;
  params.network.model = NetworkModel::cycle;
  params.network.vcs = vcs;
  params.measure = 5000;
  return params;
}

double accepted_beyond_saturation(uint32_t flits, uint32_t vcs, uint32_t buffer) {
  TrafficParams params = cycle_traffic(Pattern::uniform, 0.9, flits, vcs);
  params.network.vc_buffer = buffer;
  params.drain_limit = 0;
  return dojo::noc::run_traffic(params).accepted_throughput;
}

}  // namespace

TEST_CASE("cycle model: every packet alone takes the zero-load formula's cycles") {
  SECTION("the default router on a 4x4 mesh") { check_zero_load(cycle_mesh(4, 4), {1, 2, 5}); }
  SECTION("every stage slower, injection and ejection channels, credits delayed") {
    NetworkParams params = cycle_mesh(4, 3);
    params.routing_delay = 1;
    params.vc_alloc_delay = 2;
    params.sw_alloc_delay = 1;
    params.switch_delay = 2;
    params.link_latency = 3;
    params.injection_latency = 1;
    params.ejection_latency = 2;
    params.credit_delay = 1;
    params.vc_buffer = 16;  // the longer credit round trip still fits: streams at full speed
    check_zero_load(params, {1, 4});
  }
  SECTION("iSLIP switch allocation") {
    NetworkParams params = cycle_mesh(4, 4);
    params.sw_allocator = dojo::noc::SwitchAllocator::islip;
    check_zero_load(params, {1, 3});
  }
  SECTION("virtual cut-through, one virtual channel") {
    NetworkParams params = cycle_mesh(3, 3);
    params.flow_control = FlowControl::vct;
    params.vcs = 1;
    check_zero_load(params, {1, 8});
  }
  SECTION("chip-to-chip links: slower and narrower") {
    NetworkParams params = cycle_mesh(2, 2);
    params.chips_x = 2;
    params.chips_y = 2;
    params.chip_link_latency = 9;
    params.chip_link_bytes = 32;  // a 64-byte flit takes two cycles
    check_zero_load(params, {1, 3, 6});
  }
}

TEST_CASE("cycle model: the zero-load formula is the ideal model's with the same router latency") {
  NetworkParams cycle = cycle_mesh(8, 8);
  NetworkParams ideal = cycle;
  ideal.model = NetworkModel::ideal;
  ideal.router_latency = dojo::noc::router_pipeline_cycles(cycle);
  const CycleNetwork cycle_network(cycle);
  const dojo::noc::Network ideal_network(ideal);
  for (const uint32_t flits : {1u, 4u}) {
    CHECK(cycle_network.network().zero_load_latency(0, 63, flits) == ideal_network.zero_load_latency(0, 63, flits));
    CHECK(cycle_network.network().zero_load_latency(9, 9, flits) == ideal_network.zero_load_latency(9, 9, flits));
  }
  // 14 hops, 15 routers of 3 cycles, 14 links: 45 + 14 + 1 flit.
  CHECK(cycle_network.network().zero_load_latency(0, 63, 1) == 60);
}

TEST_CASE("cycle model: a buffer shorter than the credit round trip slows a stream down") {
  // The round trip of a buffer slot: switch allocation (1), traversal (1), the link (1), the
  // credit's way back (1): 4 cycles. With 1 slot a virtual channel sends a flit every 4 cycles;
  // with 4 or more, one every cycle.
  NetworkParams params = cycle_mesh(4, 1);
  params.vcs = 1;
  const uint32_t flits = 33;
  params.vc_buffer = 4;
  CycleNetwork full_speed(params);
  const uint64_t fast = alone(full_speed, 0, 3, flits);
  CHECK(fast == full_speed.network().zero_load_latency(0, 3, flits));
  params.vc_buffer = 1;
  CycleNetwork one_slot(params);
  CHECK(alone(one_slot, 0, 3, flits) == fast + (flits - 1) * 3);
}

TEST_CASE("cycle model: at a trickle every pattern sees the zero-load latency") {
  for (const Pattern pattern : {Pattern::uniform, Pattern::transpose, Pattern::bitcomp, Pattern::hotspot}) {
    for (const uint32_t flits : {1u, 4u}) {
      TrafficParams params = cycle_traffic(pattern, 0.002 * flits, flits, 2);
      params.measure = 50000;
      const TrafficResult result = dojo::noc::run_traffic(params);
      INFO(dojo::noc::pattern_name(pattern) << ", " << flits << " flits");
      REQUIRE(result.packets_measured > 1000);
      CHECK(result.avg_packet_latency >= result.measured_zero_load_latency);
      CHECK(result.avg_packet_latency == Approx(result.measured_zero_load_latency).epsilon(0.01));
      CHECK_FALSE(result.saturated);
    }
  }
}

TEST_CASE("cycle model: saturation comes at or below the channel-load bound") {
  // Half the bound is carried; 10 % above it is not (the busiest link cannot take it), in both
  // models. Beyond saturation the cycle model carries less than the bound on the pattern's links.
  for (const Pattern pattern : {Pattern::uniform, Pattern::transpose, Pattern::bitcomp, Pattern::hotspot}) {
    INFO(dojo::noc::pattern_name(pattern));
    const double bound = dojo::noc::pattern_bounds(cycle_traffic(pattern, 0.1, 1, 2)).throughput_bound;
    for (const NetworkModel model : {NetworkModel::cycle, NetworkModel::ideal}) {
      TrafficParams params = cycle_traffic(pattern, 0.5 * bound, 1, 2);
      params.network.model = model;
      const TrafficResult below = dojo::noc::run_traffic(params);
      CHECK_FALSE(below.saturated);
      CHECK(below.accepted_throughput == Approx(0.5 * bound).epsilon(0.05));
      params.injection_rate = 1.1 * bound;
      CHECK(dojo::noc::run_traffic(params).saturated);
    }
  }
  TrafficParams uniform = cycle_traffic(Pattern::uniform, 0.9, 1, 2);
  uniform.drain_limit = 0;
  const TrafficResult beyond = dojo::noc::run_traffic(uniform);
  CHECK(beyond.saturated);
  CHECK(beyond.accepted_throughput < beyond.bounds.throughput_bound);
  CHECK(beyond.accepted_throughput > 0.5 * beyond.bounds.throughput_bound);
}

TEST_CASE("cycle model: more virtual channels and deeper buffers saturate later") {
  // 1-flit packets: a second virtual channel lets a packet pass one blocked ahead of it.
  const double one_vc = accepted_beyond_saturation(1, 1, 8);
  const double two_vcs = accepted_beyond_saturation(1, 2, 8);
  const double four_vcs = accepted_beyond_saturation(1, 4, 8);
  CHECK(two_vcs > 1.5 * one_vc);
  CHECK(four_vcs > two_vcs);
  // 4-flit packets: a buffer shorter than the credit round trip throttles every link.
  const double one_slot = accepted_beyond_saturation(4, 2, 1);
  const double two_slots = accepted_beyond_saturation(4, 2, 2);
  const double eight_slots = accepted_beyond_saturation(4, 2, 8);
  CHECK(two_slots > 1.5 * one_slot);
  CHECK(eight_slots > two_slots);
}

TEST_CASE("cycle model: a saturated mesh drains completely (no deadlock)") {
  for (const FlowControl flow_control : {FlowControl::wormhole, FlowControl::vct}) {
    NetworkParams params = cycle_mesh(6, 6);
    params.flow_control = flow_control;
    params.vcs = 2;
    params.vc_buffer = 4;
    CycleNetwork network(params);
    std::vector<Delivery> delivered;
    uint64_t sent = 0, received = 0;
    uint64_t seed = 12345;
    for (int cycle = 0; cycle < 3000; ++cycle) {
      for (NodeIndex from = 0; from < 36; ++from) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        network.inject(from, static_cast<NodeIndex>((seed >> 33) % 36), 1 + (seed >> 20) % 4, 0);
        ++sent;
      }
      delivered.clear();
      network.step(delivered);
      received += delivered.size();
    }
    REQUIRE(network.packets_in_flight() > 10000);  // far beyond saturation: long source queues
    for (int cycle = 0; cycle < 200000 && network.packets_in_flight() > 0; ++cycle) {
      delivered.clear();
      network.step(delivered);
      received += delivered.size();
    }
    CHECK(network.packets_in_flight() == 0);
    CHECK(network.flits_in_network() == 0);
    CHECK(received == sent);
    CHECK(network.packet_stats().packets == sent);
  }
}

TEST_CASE("cycle model: the same seed gives the same run") {
  const TrafficParams params = cycle_traffic(Pattern::uniform, 0.3, 4, 2);
  const TrafficResult first = dojo::noc::run_traffic(params);
  const TrafficResult second = dojo::noc::run_traffic(params);
  CHECK(first.avg_packet_latency == second.avg_packet_latency);
  CHECK(first.p99_packet_latency == second.p99_packet_latency);
  CHECK(first.accepted_throughput == second.accepted_throughput);
}

TEST_CASE("cycle model: what it cannot build is refused, naming the parameter") {
  NetworkParams table = d1_chip();
  table.vcs = 1;
  CHECK_THROWS_WITH(CycleNetwork(table), Catch::Contains("noc.vcs"));
  NetworkParams vct = cycle_mesh(4, 4);
  vct.flow_control = FlowControl::vct;
  vct.vc_buffer = 4;
  CycleNetwork network(vct);
  CHECK_THROWS_WITH(network.inject(0, 5, 5, 0), Catch::Contains("vc_buffer"));
  CHECK_THROWS_WITH(network.inject(0, 99, 1, 0), Catch::Contains("destination node 99"));
  CHECK_THROWS_WITH(network.inject(0, 5, 0, 0), Catch::Contains("at least one flit"));
}

TEST_CASE("cycle model: table routing around disabled routers meets the zero-load formula") {
  NetworkParams wall = cycle_mesh(5, 5);
  wall.routing = dojo::noc::Routing::table;
  wall.disabled = {{2, 1}, {2, 2}, {2, 3}};
  CycleNetwork network(wall);
  const dojo::noc::Network& geometry = network.network();
  // Straight across the wall: north round its end, 8 hops, turning at (0, 0).
  const NodeIndex west = geometry.index_of({0, 0, 0, 2}), east = geometry.index_of({0, 0, 4, 2});
  CHECK(geometry.turn_of(west, east) == geometry.index_of({0, 0, 0, 0}));
  CHECK(geometry.routers_on_route(west, east) == 9);
  for (NodeIndex from = 0; from < geometry.node_count(); ++from) {
    for (NodeIndex to = 0; to < geometry.node_count(); ++to) {
      if (!geometry.enabled(from) || !geometry.enabled(to)) continue;
      INFO("from " << from << " to " << to);
      REQUIRE(alone(network, from, to, 3) == geometry.zero_load_latency(from, to, 3));
      std::vector<Delivery> none;
      for (int cycle = 0; cycle < 64; ++cycle) network.step(none);
    }
  }
}

TEST_CASE("cycle model: a D1 chip saturated under table routing drains completely (no deadlock)") {
  // Every pair of the chip has a route (the constructor checks), some of them turning round a
  // disabled core; sources offer twice what the chip can carry, then stop.
  for (const FlowControl flow_control : {FlowControl::wormhole, FlowControl::vct}) {
    NetworkParams params = d1_chip();
    params.flow_control = flow_control;
    params.vc_buffer = 4;
    CycleNetwork network(params);
    const dojo::noc::Network& geometry = network.network();
    std::vector<NodeIndex> nodes;
    uint64_t turning = 0;
    for (NodeIndex node = 0; node < geometry.node_count(); ++node)
      if (geometry.enabled(node)) nodes.push_back(node);
    std::vector<Delivery> delivered;
    uint64_t sent = 0, received = 0, seed = 99;
    for (int cycle = 0; cycle < 1500; ++cycle) {
      for (const NodeIndex from : nodes) {
        if (next_random(seed) % 4 != 0) continue;
        const NodeIndex to = nodes[next_random(seed) % nodes.size()];
        turning += geometry.turn_of(from, to) != to;
        network.inject(from, to, 1 + next_random(seed) % 4, 0);
        ++sent;
      }
      delivered.clear();
      network.step(delivered);
      received += delivered.size();
    }
    REQUIRE(turning > 100);
    REQUIRE(network.packets_in_flight() > 20000);  // far beyond saturation
    for (int cycle = 0; cycle < 400000 && network.packets_in_flight() > 0; ++cycle) {
      delivered.clear();
      network.step(delivered);
      received += delivered.size();
    }
    CHECK(network.packets_in_flight() == 0);
    CHECK(received == sent);
  }
}

TEST_CASE("cycle model: an attached endpoint shares its router's local port") {
  CycleNetwork network(cycle_mesh(3, 3));
  const NodeIndex host = network.attach_endpoint({0, 0, 0, 1});
  const dojo::noc::Network& geometry = network.network();
  CHECK(host == geometry.node_count());
  CHECK(geometry.router_of(host) == geometry.index_of({0, 0, 0, 1}));
  CHECK(alone(network, host, 8, 2) == geometry.zero_load_latency(host, 8, 2));
  CHECK(alone(network, 8, host, 2) == geometry.zero_load_latency(8, host, 2));
  // The host and the core on the same router both send at once: their packets take the two
  // virtual channels of its one local input, which passes a flit a cycle, so the later one ends
  // two cycles after a packet alone would have.
  std::vector<Delivery> delivered;
  network.inject(host, 8, 2, 1);
  network.inject(geometry.index_of({0, 0, 0, 1}), 8, 2, 2);
  const uint64_t start = network.cycle();
  for (int cycle = 0; cycle < 200 && delivered.size() < 2; ++cycle) network.step(delivered);
  REQUIRE(delivered.size() == 2);
  CHECK(delivered[0].delivered - start >= geometry.zero_load_latency(host, 8, 2));
  CHECK(delivered[1].delivered - start == geometry.zero_load_latency(host, 8, 2) + 2);
  // Link statistics name the endpoint's ports as the ideal model does.
  bool injection = false, ejection = false;
  for (const dojo::noc::LinkStats& link : network.link_stats()) {
    injection |= link.name == "endpoint 9 at chip 0,0 core 0,1 injection" && link.flits == 4;
    ejection |= link.name == "endpoint 9 at chip 0,0 core 0,1 ejection" && link.flits == 2;
  }
  CHECK(injection);
  CHECK(ejection);
}

TEST_CASE("cycle model: packets created in later cycles, with the idle cycles skipped") {
  // The same packets, stepped cycle by cycle and with every idle stretch skipped, are delivered
  // in the same cycles.
  const NetworkParams params = cycle_mesh(4, 4);
  CycleNetwork stepped(params), skipping(params);
  uint64_t seed = 5;
  for (int packet = 0; packet < 200; ++packet) {
    const uint64_t created = 40 * static_cast<uint64_t>(packet / 4) + next_random(seed) % 30;
    const NodeIndex from = next_random(seed) % 16, to = next_random(seed) % 16;
    const uint32_t flits = 1 + next_random(seed) % 3;
    stepped.inject_at(created, from, to, flits, packet);
    skipping.inject_at(created, from, to, flits, packet);
  }
  std::vector<Delivery> every_cycle, skipped;
  while (!stepped.idle()) stepped.step(every_cycle);
  uint64_t skips = 0;
  while (!skipping.idle()) {
    const uint64_t next = skipping.next_busy_cycle();
    if (next > skipping.cycle()) {
      skipping.skip_to(next);
      ++skips;
    }
    skipping.step(skipped);
  }
  REQUIRE(every_cycle.size() == 200);
  REQUIRE(skipped.size() == 200);
  for (size_t i = 0; i < every_cycle.size(); ++i) {
    CHECK(skipped[i].tag == every_cycle[i].tag);
    CHECK(skipped[i].delivered == every_cycle[i].delivered);
    CHECK(skipped[i].created == every_cycle[i].created);
  }
  CHECK(skips > 10);
  CHECK(stepped.packet_stats().total_latency == skipping.packet_stats().total_latency);
  // Skipping over work, or injecting into the past, is refused.
  skipping.inject_at(skipping.cycle() + 5, 0, 1, 1, 0);
  CHECK_THROWS_WITH(skipping.skip_to(skipping.cycle() + 6), Catch::Contains("something happens"));
  CHECK_THROWS_WITH(skipping.inject_at(skipping.cycle() - 1, 0, 1, 1, 0), Catch::Contains("before the current cycle"));
}

TEST_CASE("cycle model: link statistics and the backlog of a blocked network") {
  CycleNetwork network(cycle_mesh(4, 1));
  std::vector<Delivery> delivered;
  network.inject(0, 3, 5, 0);
  while (!network.idle()) network.step(delivered);
  uint64_t link_flits = 0;
  for (const dojo::noc::LinkStats& link : network.link_stats()) {
    if (link.name.find(" -> east") != std::string::npos) link_flits += link.flits;
    CHECK(link.busy_cycles == link.flits);
  }
  CHECK(link_flits == 3 * 5);  // three links of five flits
  CHECK(network.backlog().empty());
  // Many packets at once into one destination: its router's buffers and the sources' queues fill.
  for (NodeIndex from = 0; from < 3; ++from)
    for (int packet = 0; packet < 10; ++packet) network.inject(from, 3, 4, 0);
  for (int cycle = 0; cycle < 20; ++cycle) network.step(delivered);
  const std::vector<dojo::noc::LinkBacklog> backlog = network.backlog();
  REQUIRE_FALSE(backlog.empty());
  CHECK(backlog.front().amount >= backlog.back().amount);
  bool queued_at_source = false;
  for (const auto& entry : backlog) queued_at_source |= entry.name == "chip 0,0 core 0,0 injection";
  CHECK(queued_at_source);
}

TEST_CASE("cycle model: iSLIP matches more of the switch than separable allocation beyond saturation") {
  // With four virtual channels an input port has heads for several outputs; iSLIP lets each ask.
  TrafficParams params = cycle_traffic(Pattern::uniform, 0.9, 1, 4);
  params.drain_limit = 0;
  params.latency_threshold = 0;
  const double separable = dojo::noc::run_traffic(params).accepted_throughput;
  params.network.sw_allocator = dojo::noc::SwitchAllocator::islip;
  const double islip = dojo::noc::run_traffic(params).accepted_throughput;
  CHECK(islip > separable);
  params.network.sw_alloc_iterations = 1;
  CHECK(dojo::noc::run_traffic(params).accepted_throughput <= islip);
}
