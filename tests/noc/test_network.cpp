// The network timing model alone: geometry, routes, the zero-load formula, contention on the link
// calendars, out-of-order sends, table routing around disabled routers, statistics.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <set>

#include "noc/network.h"

using dojo::noc::Coord;
using dojo::noc::Network;
using dojo::noc::NetworkParams;
using dojo::noc::NodeIndex;
using dojo::noc::Routing;

namespace {

NetworkParams mesh(uint32_t width, uint32_t height) {
  NetworkParams params;
  params.width = width;
  params.height = height;
  params.router_latency = 3;
  params.link_latency = 1;
  return params;
}

NetworkParams tile(uint32_t chips_x, uint32_t chips_y, uint32_t width, uint32_t height) {
  NetworkParams params = mesh(width, height);
  params.chips_x = chips_x;
  params.chips_y = chips_y;
  params.flit_bytes = 64;
  params.chip_link_bytes = 16;
  params.chip_link_latency = 20;
  return params;
}

Coord at(uint32_t x, uint32_t y) { return Coord{0, 0, x, y}; }

int64_t global_x(const NetworkParams& p, const Coord& c) { return int64_t{c.chip_x} * p.width + c.x; }
int64_t global_y(const NetworkParams& p, const Coord& c) { return int64_t{c.chip_y} * p.height + c.y; }

// docs/noc.md: T0 = (H + 1) R + H_on L + H_chip L_chip + S, worked out here from coordinates alone
// for dimension-order routes (every chip boundary crossed is one chip hop).
uint64_t formula(const NetworkParams& p, const Coord& from, const Coord& to, uint32_t flits) {
  const uint64_t hops = std::abs(global_x(p, from) - global_x(p, to)) + std::abs(global_y(p, from) - global_y(p, to));
  const uint64_t chip_hops = std::abs(int64_t{from.chip_x} - to.chip_x) + std::abs(int64_t{from.chip_y} - to.chip_y);
  const uint64_t chip_cycles = (uint64_t{flits} * p.flit_bytes + p.chip_link_bytes - 1) / p.chip_link_bytes;
  const uint64_t serialization = chip_hops ? std::max<uint64_t>(flits, chip_cycles) : flits;
  return (hops + 1) * p.router_latency + (hops - chip_hops) * p.link_latency +
         chip_hops * p.chip_link_latency + serialization;
}

bool adjacent(const NetworkParams& p, const Coord& a, const Coord& b) {
  return std::abs(global_x(p, a) - global_x(p, b)) + std::abs(global_y(p, a) - global_y(p, b)) == 1;
}

}  // namespace

TEST_CASE("node indices and coordinates round trip over a multi-chip tile") {
  const NetworkParams params = tile(2, 3, 4, 5);
  const Network network(params);
  REQUIRE(network.node_count() == 2 * 3 * 4 * 5);
  for (NodeIndex node = 0; node < network.node_count(); ++node) {
    CHECK(network.index_of(network.coord_of(node)) == node);
    CHECK(network.enabled(node));
  }
  // ((chip_y * chips_x + chip_x) * height + y) * width + x
  CHECK(network.index_of(Coord{1, 2, 3, 4}) == ((2 * 2 + 1) * 5 + 4) * 4 + 3);
  CHECK(network.coord_of(network.index_of(Coord{1, 0, 2, 3})) == Coord{1, 0, 2, 3});
  CHECK(network.node_at(Coord{1, 2, 3, 4}) == network.index_of(Coord{1, 2, 3, 4}));
  CHECK_FALSE(network.node_at(Coord{2, 0, 0, 0}));
  CHECK_FALSE(network.node_at(Coord{0, 0, 4, 0}));
  CHECK_FALSE(network.enabled(network.node_count()));
  CHECK_THROWS_AS(network.index_of(Coord{0, 3, 0, 0}), std::invalid_argument);
  CHECK_THROWS_AS(network.coord_of(network.node_count()), std::invalid_argument);
}

TEST_CASE("bad geometry is rejected naming the parameter") {
  NetworkParams params = mesh(0, 4);
  CHECK_THROWS_WITH(Network(params), Catch::Contains("width"));
  params = tile(1, 0, 4, 4);
  CHECK_THROWS_WITH(Network(params), Catch::Contains("chips_y"));
  params = mesh(4, 4);
  params.routing = Routing::table;
  params.disabled = {{4, 1}};
  CHECK_THROWS_WITH(Network(params), Catch::Contains("(4, 1)") && Catch::Contains("outside"));
  params = mesh(1, 1);
  params.routing = Routing::table;
  params.disabled = {{0, 0}};
  CHECK_THROWS_WITH(Network(params), Catch::Contains("every router"));
}

TEST_CASE("xy routes go along x first and have Manhattan length") {
  const Network network(mesh(4, 4));
  const auto route = network.route(network.index_of(at(0, 0)), network.index_of(at(3, 2)));
  const std::vector<Coord> expected{at(0, 0), at(1, 0), at(2, 0), at(3, 0), at(3, 1), at(3, 2)};
  REQUIRE(route.size() == expected.size());
  for (size_t hop = 0; hop < route.size(); ++hop) CHECK(network.coord_of(route[hop]) == expected[hop]);

  const NetworkParams params = tile(2, 2, 3, 3);
  const Network big(params);
  for (NodeIndex from = 0; from < big.node_count(); ++from) {
    for (NodeIndex to = 0; to < big.node_count(); ++to) {
      const Coord a = big.coord_of(from), b = big.coord_of(to);
      const auto hops = std::abs(global_x(params, a) - global_x(params, b)) +
                        std::abs(global_y(params, a) - global_y(params, b));
      REQUIRE(big.routers_on_route(from, to) == hops + 1);
    }
  }
}

TEST_CASE("single packets take exactly the zero-load formula, chip crossings included") {
  for (const uint32_t chip_link_bytes : {16u, 64u, 256u}) {  // slower, as fast as, faster than a flit
    NetworkParams params = tile(2, 2, 4, 3);
    params.chip_link_bytes = chip_link_bytes;
    params.router_latency = 2;
    params.link_latency = 3;
    Network network(params);
    uint64_t cycle = 0;
    for (NodeIndex from = 0; from < network.node_count(); ++from) {
      for (NodeIndex to = 0; to < network.node_count(); to += 3) {
        for (const uint32_t flits : {1u, 2u, 5u}) {
          const uint64_t expected = formula(params, network.coord_of(from), network.coord_of(to), flits);
          CHECK(network.zero_load_latency(from, to, flits) == expected);
          // Far apart in time, so each packet finds an idle network.
          CHECK(network.send(from, to, flits, cycle) - cycle == expected);
          cycle += 1000;
        }
      }
    }
  }
}

TEST_CASE("a packet that loses a link to another waits exactly its length") {
  constexpr uint32_t kFlits = 4;
  const NetworkParams params = mesh(4, 1);
  const uint64_t a_zero_load = formula(params, at(0, 0), at(2, 0), kFlits);
  const uint64_t b_zero_load = formula(params, at(1, 0), at(2, 0), kFlits);
  // B starts at router 1 as A's head gets there: both want link 1 -> east in the same cycle.
  const uint64_t b_start = params.router_latency + params.link_latency;

  SECTION("in time order the earlier-sent packet wins") {
    Network network(params);
    CHECK(network.send(network.index_of(at(0, 0)), network.index_of(at(2, 0)), kFlits, 0) == a_zero_load);
    CHECK(network.send(network.index_of(at(1, 0)), network.index_of(at(2, 0)), kFlits, b_start) ==
          b_start + b_zero_load + kFlits);
  }
  SECTION("sent the other way round, the other one waits") {
    Network network(params);
    CHECK(network.send(network.index_of(at(1, 0)), network.index_of(at(2, 0)), kFlits, b_start) ==
          b_start + b_zero_load);
    CHECK(network.send(network.index_of(at(0, 0)), network.index_of(at(2, 0)), kFlits, 0) ==
          a_zero_load + kFlits);
  }
}

TEST_CASE("packets sent out of time order find the gaps before later reservations") {
  constexpr uint32_t kFlits = 8;
  const NetworkParams params = mesh(4, 4);
  const Coord source = at(0, 1), destination = at(3, 2);
  const uint64_t zero_load = formula(params, source, destination, kFlits);

  SECTION("reservations that do not overlap: the same times as in order") {
    Network network(params);
    const NodeIndex from = network.index_of(source), to = network.index_of(destination);
    CHECK(network.send(from, to, kFlits, 1000) == 1000 + zero_load);
    CHECK(network.send(from, to, kFlits, 0) == zero_load);
    CHECK(network.send(from, to, kFlits, 500) == 500 + zero_load);
  }
  SECTION("overlapping ones: the packet sent later waits for the gap after the earlier reservation") {
    Network network(params);
    const NodeIndex from = network.index_of(source), to = network.index_of(destination);
    CHECK(network.send(from, to, kFlits, 5) == 5 + zero_load);
    // Its injection would need [0, 8), but [5, 13) is taken and [0, 5) is too short.
    CHECK(network.send(from, to, kFlits, 0) == 13 + zero_load);
    // A 3-flit packet ready at 2 fits the gap before the first one on every resource: no wait.
    CHECK(network.send(from, to, 3, 2) == 2 + formula(params, source, destination, 3));
  }
  SECTION("in order, for comparison") {
    Network network(params);
    const NodeIndex from = network.index_of(source), to = network.index_of(destination);
    CHECK(network.send(from, to, kFlits, 0) == zero_load);
    CHECK(network.send(from, to, kFlits, 5) == 8 + zero_load);
  }
}

TEST_CASE("advance_horizon forgets the past without changing any result") {
  const NetworkParams params = mesh(6, 6);
  Network plain(params), pruned(params);
  std::mt19937_64 random(7);
  for (uint64_t cycle = 0; cycle < 3000; ++cycle) {
    pruned.advance_horizon(cycle);
    for (int packet = 0; packet < 3; ++packet) {
      const NodeIndex from = static_cast<NodeIndex>(random() % 36), to = static_cast<NodeIndex>(random() % 36);
      const uint32_t flits = 1 + static_cast<uint32_t>(random() % 4);
      const uint64_t created = cycle + random() % 50;  // some in the future: out of order
      REQUIRE(plain.send(from, to, flits, created) == pruned.send(from, to, flits, created));
    }
  }
  CHECK(plain.packet_stats().total_latency == pruned.packet_stats().total_latency);
  CHECK_THROWS_WITH(pruned.send(0, 1, 1, 10), Catch::Contains("horizon"));
}

TEST_CASE("xy routing with disabled routers is rejected, pointing at table routing") {
  NetworkParams params = mesh(4, 4);
  params.disabled = {{1, 2}};
  CHECK_THROWS_WITH(Network(params), Catch::Contains("(1, 2)") && Catch::Contains("table"));
}

TEST_CASE("table routing goes around disabled routers on a shortest path") {
  NetworkParams params = mesh(5, 5);
  params.routing = Routing::table;
  params.disabled = {{2, 1}, {2, 2}, {2, 3}};  // a wall in the middle column
  const Network network(params);
  const std::set<NodeIndex> wall{network.index_of(at(2, 1)), network.index_of(at(2, 2)),
                                 network.index_of(at(2, 3))};
  CHECK_FALSE(network.enabled(network.index_of(at(2, 2))));
  CHECK_FALSE(network.node_at(at(2, 2)));

  for (NodeIndex from = 0; from < network.node_count(); ++from) {
    for (NodeIndex to = 0; to < network.node_count(); ++to) {
      if (wall.count(from) || wall.count(to)) continue;
      const auto route = network.route(from, to);
      REQUIRE(route.front() == from);
      REQUIRE(route.back() == to);
      for (size_t hop = 0; hop + 1 < route.size(); ++hop) {
        REQUIRE(adjacent(params, network.coord_of(route[hop]), network.coord_of(route[hop + 1])));
        REQUIRE(wall.count(route[hop + 1]) == 0);
      }
    }
  }
  // Blocked straight line: around the wall's end, 4 + 2 * 2 hops.
  CHECK(network.routers_on_route(network.index_of(at(0, 2)), network.index_of(at(4, 2))) == 9);
  // Unblocked pairs keep their Manhattan length, and the x-first preference: the xy route.
  const auto route = network.route(network.index_of(at(0, 0)), network.index_of(at(4, 4)));
  CHECK(route.size() == 9);
  CHECK(network.coord_of(route[4]) == at(4, 0));
  // Timing follows the table route's hop count.
  Network timed(params);
  const uint64_t hops = 8;
  CHECK(timed.send(timed.index_of(at(0, 2)), timed.index_of(at(4, 2)), 1, 0) ==
        (hops + 1) * params.router_latency + hops * params.link_latency + 1);
  CHECK_THROWS_WITH(timed.send(timed.index_of(at(2, 2)), 0, 1, 0), Catch::Contains("disabled"));
}

TEST_CASE("table routing without disabled routers equals xy routing") {
  NetworkParams params = tile(2, 2, 3, 4);
  const Network xy(params);
  params.routing = Routing::table;
  const Network table(params);
  for (NodeIndex from = 0; from < xy.node_count(); ++from) {
    for (NodeIndex to = 0; to < xy.node_count(); ++to) REQUIRE(table.route(from, to) == xy.route(from, to));
  }
}

TEST_CASE("table routing names the routers disabled ones cut off") {
  NetworkParams params = mesh(3, 3);
  params.routing = Routing::table;
  params.disabled = {{1, 0}, {1, 1}, {1, 2}};
  CHECK_THROWS_WITH(Network(params), Catch::Contains("cut 3 routers off") && Catch::Contains("core 2,0"));
}

TEST_CASE("the largest tile, 5x5 chips of 18x20 with disabled cores, routes and times packets") {
  NetworkParams params = tile(5, 5, 18, 20);
  params.routing = Routing::table;
  params.disabled = {{0, 0}, {17, 19}, {9, 10}, {9, 11}};
  Network network(params);
  REQUIRE(network.node_count() == 9000);
  const NodeIndex from = *network.node_at(Coord{0, 0, 1, 0});
  const NodeIndex to = *network.node_at(Coord{4, 4, 17, 18});
  const uint64_t hops = (4 * 18 + 17 - 1) + (4 * 20 + 18);
  CHECK(network.routers_on_route(from, to) == hops + 1);
  CHECK(network.send(from, to, 2, 0) == network.zero_load_latency(from, to, 2));
  // Every destination once: 9,000 next-hop tables of 2 bits a router, each built on first use.
  uint64_t cycle = 0, sent = 1;
  for (NodeIndex node = 0; node < network.node_count(); ++node) {
    if (!network.enabled(node)) continue;
    cycle += 1000;
    REQUIRE(network.send(from, node, 1, cycle) == cycle + network.zero_load_latency(from, node, 1));
    ++sent;
  }
  CHECK(network.packet_stats().packets == sent);
}

TEST_CASE("endpoints have their own ports on their router") {
  Network network(mesh(3, 3));
  const NodeIndex host = network.attach_endpoint(at(0, 1));
  CHECK(host == network.node_count());
  CHECK(network.enabled(host));
  CHECK(network.coord_of(host) == at(0, 1));
  const NodeIndex own = network.index_of(at(0, 1));
  CHECK(network.routers_on_route(host, own) == 1);
  CHECK(network.zero_load_latency(host, own, 2) == network.params().router_latency + 2);
  // The router's node injects at the same cycle without waiting for the host's port.
  const NodeIndex far = network.index_of(at(2, 2));
  CHECK(network.send(host, far, 1, 0) == network.zero_load_latency(host, far, 1));
  CHECK(network.send(own, network.index_of(at(0, 0)), 1, 0) == network.zero_load_latency(own, 0, 1));
  CHECK_THROWS_AS(network.attach_endpoint(at(3, 0)), std::invalid_argument);
}

TEST_CASE("link and packet statistics count flits, busy cycles and latencies") {
  NetworkParams params = tile(2, 1, 2, 1);  // four routers in a row, a chip boundary in the middle
  Network network(params);
  const NodeIndex from = network.index_of(Coord{0, 0, 0, 0}), to = network.index_of(Coord{1, 0, 1, 0});
  const uint64_t first = network.send(from, to, 2, 0);
  const uint64_t second = network.send(from, to, 2, 1000);
  const auto& packets = network.packet_stats();
  CHECK(packets.packets == 2);
  CHECK(packets.flits == 4);
  CHECK(packets.total_latency == first + second - 1000);
  CHECK(packets.max_latency == first);
  uint64_t histogram_total = 0;
  for (const uint64_t count : packets.latency_histogram) histogram_total += count;
  CHECK(histogram_total == 2);
  CHECK(packets.latency_histogram[first / packets.bucket_cycles] == 2);

  const auto links = network.link_stats();
  // Injection, 0 -> east, the chip link, 1 -> east on chip 1, ejection.
  REQUIRE(links.size() == 4 + 1);
  std::vector<std::string> names;
  for (const auto& link : links) {
    names.push_back(link.name);
    CHECK(link.flits == 4);
  }
  CHECK(names == std::vector<std::string>{"chip 0,0 core 0,0 -> east", "chip 0,0 core 0,0 injection",
                                          "chip 0,0 -> chip 1,0 row 0", "chip 1,0 core 0,0 -> east",
                                          "chip 1,0 core 1,0 ejection"});
  CHECK(links[2].busy_cycles == 2 * (2 * 64 / 16));  // two packets of 128 bytes at 16 bytes a cycle
  CHECK(links[2].from == Coord{0, 0, 1, 0});
  CHECK(links[2].to == Coord{1, 0, 0, 0});
  CHECK(links[0].busy_cycles == 4);
}
