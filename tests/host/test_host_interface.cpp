// dojo::host::HostInterface booting SRAMs through a stand-in network: a delay stage that annotates a
// known delay per write (fixed plus per byte), a bus that decodes the global-window slots, and one
// SRAM per slot. Each test case elaborates once (CTest runs each in its own process).
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "bus/bus.h"
#include "host/host_interface.h"
#include "memory/sram.h"

using dojo::host::HostInterface;
using dojo::host::HostInterfaceParams;
using dojo::host::ImageSegment;
using Catch::Matchers::Contains;
using sc_core::SC_NS;
using sc_core::SC_PS;
using sc_core::sc_time;

namespace {

constexpr uint64_t kLocalBase = 0x8000'0000;
constexpr uint64_t kWindowBase = 0x100'0000'0000;
constexpr uint64_t kSlotSize = 1ull << 24;
constexpr uint64_t kSramSize = 64 * 1024;
constexpr unsigned kSlots = 3;
const sc_time kNetworkDelay(300, SC_NS);  // per write
const sc_time kDelayPerByte(100, SC_PS);
const sc_time kSramWriteLatency(1, SC_NS);

uint64_t slot(unsigned index) { return kWindowBase + index * kSlotSize; }

HostInterfaceParams params() {
  HostInterfaceParams p;
  p.memory_size = 1 << 20;
  p.link_bytes_per_cycle = 8;
  p.clock_period = sc_time(1, SC_NS);
  p.chunk_bytes = 1024;
  p.start_latency = sc_time(50, SC_NS);
  return p;
}

std::vector<uint8_t> pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 8));
  return bytes;
}

// Image A: 2500 file bytes followed by bss, and a separate 100-byte segment.
std::vector<ImageSegment> image_a() {
  return {{kLocalBase, pattern(2500, 1), 4000}, {kLocalBase + 0x2000, pattern(100, 2), 100}};
}
// Image B: one 3000-byte segment.
std::vector<ImageSegment> image_b() { return {{kLocalBase + 0x100, pattern(3000, 3), 3000}}; }

// Adds the network's delay to every write and records when each was handed over.
struct DelayStage : sc_core::sc_module {
  tlm_utils::simple_target_socket<DelayStage> target{"target"};
  tlm_utils::simple_initiator_socket<DelayStage> initiator{"initiator"};
  std::vector<sc_time> handed_over;

  explicit DelayStage(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    target.register_b_transport(this, &DelayStage::b_transport);
    target.register_transport_dbg(this, &DelayStage::transport_dbg);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    handed_over.push_back(sc_core::sc_time_stamp() + delay);
    delay += kNetworkDelay + kDelayPerByte * trans.get_data_length();
    initiator->b_transport(trans, delay);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& trans) {
    return initiator->transport_dbg(trans);
  }
};

struct Release {
  unsigned target;
  sc_time at;
  sc_time called_at;
};

struct Bench : sc_core::sc_module {
  HostInterface host;
  DelayStage network{"network"};
  dojo::bus::Bus bus{"bus"};
  std::vector<std::unique_ptr<dojo::memory::Sram>> srams;
  std::vector<Release> releases;

  explicit Bench(sc_core::sc_module_name name, const HostInterfaceParams& p = params())
      : sc_core::sc_module(name), host("host", p) {
    host.socket.bind(network.target);
    network.initiator.bind(bus.target);
    for (unsigned i = 0; i < kSlots; ++i) {
      srams.push_back(std::make_unique<dojo::memory::Sram>(
          ("sram" + std::to_string(i)).c_str(), kSramSize, sc_core::SC_ZERO_TIME,
          kSramWriteLatency));
      bus.initiator.bind(srams.back()->socket);
      bus.map(i, slot(i), kSramSize, "sram" + std::to_string(i));
    }
  }

  void add_target(HostInterface::ImageId image, uint64_t window_base) {
    const unsigned index = targets_added_++;
    host.add_target(image, window_base, kLocalBase, [this, index](const sc_time& at) {
      releases.push_back({index, at, sc_core::sc_time_stamp()});
    });
  }

  // Image A on slots 0 and 2, image B on slot 1.
  void add_three_targets() {
    const auto a = host.add_image("fw-a", image_a());
    const auto b = host.add_image("fw-b", image_b());
    add_target(a, slot(0));
    add_target(b, slot(1));
    add_target(a, slot(2));
  }

  // True if `segment` is in SRAM `index` and the bss after it is still zero.
  bool holds(unsigned index, const ImageSegment& segment) const {
    const uint8_t* at = srams[index]->data() + (segment.address - kLocalBase);
    for (size_t i = 0; i < segment.memory_size; ++i) {
      const uint8_t expected = i < segment.bytes.size() ? segment.bytes[i] : 0;
      if (at[i] != expected) return false;
    }
    return true;
  }
  bool holds(unsigned index, const std::vector<ImageSegment>& image) const {
    for (const ImageSegment& segment : image) {
      if (!holds(index, segment)) return false;
    }
    return true;
  }

 private:
  unsigned targets_added_ = 0;
};

// Chunks, in boot order: A (1024, 1024, 452, 100), B (1024, 1024, 952), A again. At 8 bytes per
// 1 ns cycle they take 128, 128, 57, 13 | 128, 128, 119 | 128, 128, 57, 13 ns on the link; the
// first starts at 50 ns. Each write's network delay is 301 ns + 0.1 ns per byte.
const std::vector<sc_time> kHandedOver = {
    sc_time(178, SC_NS), sc_time(306, SC_NS), sc_time(363, SC_NS), sc_time(376, SC_NS),
    sc_time(504, SC_NS), sc_time(632, SC_NS), sc_time(751, SC_NS),
    sc_time(879, SC_NS), sc_time(1007, SC_NS), sc_time(1064, SC_NS), sc_time(1077, SC_NS)};
// Each target's latest completion: for A, the second chunk (306 + 403.4) outlasts the shorter
// later ones (363 + 346.2, 376 + 311); for B, the last (751 + 396.2).
const std::vector<sc_time> kReleases = {sc_time(709'400, SC_PS), sc_time(1'147'200, SC_PS),
                                        sc_time(1'410'400, SC_PS)};

void check_timed_boot(Bench& bench) {
  CHECK(bench.host.error().empty());
  CHECK(bench.host.boot_done());
  CHECK(bench.network.handed_over == kHandedOver);
  REQUIRE(bench.releases.size() == 3);
  for (unsigned i = 0; i < 3; ++i) {
    CHECK(bench.releases[i].target == i);
    CHECK(bench.releases[i].at == kReleases[i]);
    CHECK(bench.releases[i].called_at <= bench.releases[i].at);
  }
  CHECK(bench.host.boot_finished() == kReleases[2]);
  CHECK(bench.host.bytes_sent() == 2 * 2600 + 3000);
  CHECK(bench.host.chunks_sent() == 11);
  CHECK(bench.host.targets_released() == 3);
  CHECK(bench.holds(0, image_a()));
  CHECK(bench.holds(1, image_b()));
  CHECK(bench.holds(2, image_a()));
}

}  // namespace

TEST_CASE("HostInterface: timed boot pipelines chunks and releases each core at its last ack") {
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
  Bench bench("bench");
  bench.add_three_targets();
  sc_core::sc_start();
  check_timed_boot(bench);
  // The host stays in step with SystemC: it has synchronised up to its last injection.
  CHECK(sc_core::sc_time_stamp() == kHandedOver.back());
}

TEST_CASE("HostInterface: boot times do not depend on the quantum") {
  tlm::tlm_global_quantum::instance().set(sc_core::SC_ZERO_TIME);
  Bench bench("bench");
  bench.add_three_targets();
  sc_core::sc_start();
  check_timed_boot(bench);
}

TEST_CASE("HostInterface: a shared image is stored once") {
  Bench bench("bench");
  const auto a = bench.host.add_image("fw-a", image_a());
  for (unsigned i = 0; i < kSlots; ++i) bench.add_target(a, slot(i));
  CHECK(bench.host.memory_used() == 2600);
  sc_core::sc_start();
  CHECK(bench.host.boot_done());
  CHECK(bench.host.bytes_sent() == kSlots * 2600);
  for (unsigned i = 0; i < kSlots; ++i) CHECK(bench.holds(i, image_a()));
}

TEST_CASE("HostInterface: fast load writes every image and releases every core at time 0") {
  Bench bench("bench");
  bench.add_three_targets();
  bench.host.use_fast_load();
  sc_core::sc_start();
  CHECK(bench.host.error().empty());
  CHECK(bench.host.boot_done());
  CHECK(bench.network.handed_over.empty());  // no timed transaction
  REQUIRE(bench.releases.size() == 3);
  for (unsigned i = 0; i < 3; ++i) {
    CHECK(bench.releases[i].target == i);
    CHECK(bench.releases[i].at == sc_core::SC_ZERO_TIME);
  }
  CHECK(bench.host.boot_finished() == sc_core::SC_ZERO_TIME);
  CHECK(sc_core::sc_time_stamp() == sc_core::SC_ZERO_TIME);
  CHECK(bench.host.bytes_sent() == 2 * 2600 + 3000);
  CHECK(bench.holds(0, image_a()));
  CHECK(bench.holds(1, image_b()));
  CHECK(bench.holds(2, image_a()));
}

TEST_CASE("HostInterface: an image larger than the free memory is refused, naming it") {
  HostInterfaceParams p = params();
  p.memory_size = 5000;
  Bench bench("bench", p);
  bench.host.add_image("fw-a", image_a());  // 2600 bytes: bss is not stored
  CHECK_THROWS_WITH(bench.host.add_image("fw-b", image_b()),
                    Contains("'fw-b'") && Contains("3000") && Contains("2400") &&
                        Contains("5000"));
  CHECK(bench.host.memory_used() == 2600);
}

TEST_CASE("HostInterface: bad segments, targets and parameters are refused") {
  Bench bench("bench");
  CHECK_THROWS_WITH(bench.host.add_image("short", {{kLocalBase, pattern(10, 0), 4}}),
                    Contains("'short'") && Contains("0x80000000"));
  CHECK_THROWS_WITH(bench.host.add_image("wraps", {{~0ull - 1, pattern(4, 0), 4}}),
                    Contains("'wraps'"));
  const auto a = bench.host.add_image("fw-a", image_a());
  CHECK_THROWS_WITH(bench.host.add_target(a + 1, slot(0), kLocalBase, [](const sc_time&) {}),
                    Contains("unknown image"));
  CHECK_THROWS_WITH(bench.host.add_target(a, slot(0), kLocalBase + 0x1000, [](const sc_time&) {}),
                    Contains("'fw-a'") && Contains("0x80001000"));
  CHECK_THROWS_WITH(bench.host.add_target(a, slot(0), kLocalBase, nullptr),
                    Contains("release callback"));

  HostInterfaceParams p = params();
  p.chunk_bytes = 0;
  CHECK_THROWS_WITH(HostInterface("no_chunks", p), Contains("chunk_bytes"));
  p = params();
  p.link_bytes_per_cycle = 0;
  CHECK_THROWS_WITH(HostInterface("no_link", p), Contains("link_bytes_per_cycle"));
}

TEST_CASE("HostInterface: a refused write stops the simulation with an error") {
  Bench bench("bench");
  const auto a = bench.host.add_image("fw-a", image_a());
  bench.add_target(a, slot(0));
  bench.add_target(a, slot(kSlots));  // no core there
  bench.add_target(a, slot(1));
  sc_core::sc_start();
  CHECK(sc_core::sc_get_status() == sc_core::SC_STOPPED);
  CHECK_THAT(bench.host.error(), Contains("'fw-a'") && Contains("0x10003000000") &&
                                     Contains("TLM_ADDRESS_ERROR_RESPONSE"));
  CHECK_FALSE(bench.host.boot_done());
  REQUIRE(bench.releases.size() == 1);  // neither the failing core nor the one after it
  CHECK(bench.releases[0].target == 0);
  CHECK(bench.host.chunks_sent() == 4);
  CHECK_THROWS_AS(bench.add_target(a, slot(2)), std::logic_error);
}

TEST_CASE("HostInterface: a refused debug write stops a fast load with an error") {
  Bench bench("bench");
  const auto a = bench.host.add_image("fw-a", image_a());
  bench.add_target(a, slot(kSlots));
  bench.host.use_fast_load();
  sc_core::sc_start();
  CHECK(sc_core::sc_get_status() == sc_core::SC_STOPPED);
  CHECK_THAT(bench.host.error(), Contains("'fw-a'") && Contains("0x10003000000"));
  CHECK(bench.releases.empty());
}

TEST_CASE("HostInterface: a target whose image has no file bytes is released at its turn") {
  Bench bench("bench");
  const auto bss_only = bench.host.add_image("bss", {{kLocalBase, {}, 4096}});
  const auto b = bench.host.add_image("fw-b", image_b());
  bench.add_target(b, slot(0));
  bench.add_target(bss_only, slot(1));
  sc_core::sc_start();
  REQUIRE(bench.releases.size() == 2);
  CHECK(bench.releases[1].at == sc_time(50 + 128 + 128 + 119, SC_NS));  // after B's last chunk
  CHECK(bench.host.chunks_sent() == 3);
}

namespace {

// Accepts every write in the window, counts its bytes and annotates a fixed delay.
struct Sink : sc_core::sc_module {
  tlm_utils::simple_target_socket<Sink> target{"target"};
  uint64_t bytes = 0;

  explicit Sink(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    target.register_b_transport(this, &Sink::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    bytes += trans.get_data_length();
    delay += kNetworkDelay;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

}  // namespace

TEST_CASE("HostInterface: a tile's worth of cores shares one image") {
  constexpr unsigned kCores = 8850;
  constexpr size_t kImageBytes = 30 * 1024;  // 7 chunks of 4 KiB and one of 2 KiB
  HostInterfaceParams p = params();
  p.chunk_bytes = 4096;
  p.link_bytes_per_cycle = 64;  // 64 and 32 cycles of 1 ns per chunk: 480 ns per core
  HostInterface host("host", p);
  Sink sink("sink");
  host.socket.bind(sink.target);
  const auto image = host.add_image("fw", {{kLocalBase, pattern(kImageBytes, 5), kImageBytes}});
  std::vector<sc_time> releases;
  releases.reserve(kCores);
  for (unsigned i = 0; i < kCores; ++i) {
    host.add_target(image, slot(i), kLocalBase,
                    [&releases](const sc_time& at) { releases.push_back(at); });
  }
  sc_core::sc_start();
  CHECK(host.memory_used() == kImageBytes);
  CHECK(sink.bytes == kCores * kImageBytes);
  CHECK(host.chunks_sent() == kCores * 8);
  REQUIRE(releases.size() == kCores);
  CHECK(releases.front() == sc_time(50 + 480, SC_NS) + kNetworkDelay);
  CHECK(releases.back() == sc_time(50 + kCores * 480.0, SC_NS) + kNetworkDelay);
  CHECK(host.boot_finished() == releases.back());
}
