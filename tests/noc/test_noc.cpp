// dojo::noc::Noc, the network as a TLM interconnect: window decoding, routing of accesses to the
// destination's SRAM or devices, timing from the Network model, and address errors; under the
// cycle model, initiators that wait for their packets and stall on a full network interface.
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "../peripherals/tlm_test_initiator.h"
#include "memory/sram.h"
#include "noc/noc.h"

using dojo::noc::Coord;
using dojo::noc::Noc;
using dojo::noc::NocParams;
using dojo::noc::NodeIndex;
using dojo::noc::WindowAddress;
using dojo::test::TestInitiator;
using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_PS;

namespace {

constexpr uint64_t kSramSize = 0x1'0000;
constexpr uint64_t kDeviceBase = 0x0300'0000;
const sc_time kCycle(500, SC_PS);  // 2 GHz

// A 3x2 mesh with the core at (1, 1) disabled; every working core has an initiator standing for
// its bus, an SRAM, and a memory standing for its device block (which sees local addresses).
NocParams bench_params() {
  NocParams p;
  p.network.width = 3;
  p.network.height = 2;
  p.network.disabled = {{1, 1}};
  p.network.routing = dojo::noc::Routing::table;
  p.clock_period = kCycle;
  p.header_bytes = 8;
  p.device_base = kDeviceBase;
  p.sram_size = kSramSize;
  return p;
}

struct Bench {
  NocParams params = bench_params();
  Noc noc{"noc", params};
  std::vector<std::unique_ptr<TestInitiator>> cores;
  std::vector<std::unique_ptr<dojo::memory::Sram>> srams;
  std::vector<std::unique_ptr<dojo::memory::Sram>> devices;  // mapped at kDeviceBase

  Bench() {
    for (NodeIndex node = 0; node < noc.network().node_count(); ++node) {
      if (!noc.network().enabled(node)) continue;
      const std::string id = std::to_string(node);
      cores.push_back(std::make_unique<TestInitiator>(("core" + id).c_str()));
      srams.push_back(std::make_unique<dojo::memory::Sram>(("sram" + id).c_str(), kSramSize,
                                                           sc_time(1, SC_NS), sc_time(1, SC_NS)));
      devices.push_back(std::make_unique<DeviceBlock>(("devices" + id).c_str()));
      cores.back()->socket.bind(noc.ingress);
      noc.sram_egress.bind(srams.back()->socket);
      noc.device_egress.bind(devices.back()->socket);
      noc.add_core(node);
    }
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }

  // A memory that only answers at the device block's local addresses, as a core's bus does.
  struct DeviceBlock : dojo::memory::Sram {
    explicit DeviceBlock(sc_core::sc_module_name name)
        : Sram(name, kDeviceBase + 0x40'0000, sc_core::SC_ZERO_TIME, sc_core::SC_ZERO_TIME) {}
  };

  static uint64_t window(uint32_t x, uint32_t y, unsigned space, uint64_t offset) {
    return dojo::noc::encode_window_offset(WindowAddress{Coord{0, 0, x, y}, space, offset});
  }
  NodeIndex node(uint32_t x, uint32_t y) const { return noc.network().index_of(Coord{0, 0, x, y}); }
};

}  // namespace

TEST_CASE("Noc: window offsets decode into chip, core, space and offset and back") {
  const WindowAddress address{Coord{4, 3, 17, 19}, 1, 0x2'1234};
  const uint64_t offset = dojo::noc::encode_window_offset(address);
  CHECK(offset == (uint64_t{3} << 37 | uint64_t{4} << 34 | uint64_t{19} << 29 | uint64_t{17} << 24 |
                   uint64_t{1} << 22 | 0x2'1234));
  const WindowAddress back = dojo::noc::decode_window_offset(offset);
  CHECK(back.core == address.core);
  CHECK(back.space == 1);
  CHECK(back.offset == 0x2'1234);
}

TEST_CASE("Noc: a remote write lands in the destination SRAM after request and response packets") {
  Bench bench;
  auto& source = *bench.cores[0];  // core (0, 0)
  const auto result = source.write(Bench::window(2, 1, 0, 0x100), 8, 0x1122334455667788);
  REQUIRE(result.ok());
  uint64_t stored = 0;
  std::memcpy(&stored, bench.srams[4]->data() + 0x100, 8);  // core (2, 1): the fifth working one
  CHECK(stored == 0x1122334455667788);

  // Request (header + 8 bytes: one flit) to the destination, 1 ns of SRAM write, then the
  // response (header only: one flit) back: each exactly the zero-load latency on an idle network.
  const auto& network = bench.noc.network();
  const uint64_t there = network.zero_load_latency(bench.node(0, 0), bench.node(2, 1), 1);
  const uint64_t back = network.zero_load_latency(bench.node(2, 1), bench.node(0, 0), 1);
  CHECK(result.delay == kCycle * static_cast<double>(there) + sc_time(1, SC_NS) +
                            kCycle * static_cast<double>(back));
  // The route goes around the disabled router at (1, 1).
  for (NodeIndex hop : network.route(bench.node(0, 1), bench.node(2, 1)))
    CHECK(hop != bench.node(1, 1));
}

TEST_CASE("Noc: a remote read returns the destination's data, its size in the response") {
  Bench bench;
  const uint64_t value = 0xfeedface;
  std::memcpy(bench.srams[1]->data() + 0x40, &value, 8);  // core (1, 0)
  const auto small = bench.cores[0]->read(Bench::window(1, 0, 0, 0x40), 8);
  REQUIRE(small.ok());
  CHECK(small.value == 0xfeedface);
  const auto& network = bench.noc.network();
  const uint64_t there = network.zero_load_latency(bench.node(0, 0), bench.node(1, 0), 1);
  // A 64-byte read, a microsecond later on an idle network: the response carries header + 64
  // bytes, two 64-byte flits.
  const sc_time later(1, sc_core::SC_US);
  const auto large = bench.cores[0]->read(Bench::window(1, 0, 0, 0x40), 64, later);
  REQUIRE(large.ok());
  const uint64_t back_large = network.zero_load_latency(bench.node(1, 0), bench.node(0, 0), 2);
  CHECK(large.delay == later + kCycle * static_cast<double>(there) + sc_time(1, SC_NS) +
                           kCycle * static_cast<double>(back_large));
}

TEST_CASE("Noc: the device space reaches the destination's device block at local addresses") {
  Bench bench;
  REQUIRE(bench.cores[2]->write(Bench::window(0, 0, 1, 0x1'0008), 8, 42).ok());
  uint64_t stored = 0;
  std::memcpy(&stored, bench.devices[0]->data() + kDeviceBase + 0x1'0008, 8);
  CHECK(stored == 42);
}

TEST_CASE("Noc: contending packets wait for the links the first one holds") {
  Bench bench;
  // Two 64-byte writes (header + data: two flits) leave core (0, 0) at the same time for core
  // (2, 0): the second waits two cycles for the first at every link of the shared route.
  const auto first = bench.cores[0]->write(Bench::window(2, 0, 0, 0), 64, 1);
  const auto second = bench.cores[0]->write(Bench::window(2, 0, 0, 0x100), 64, 2);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(second.delay - first.delay == 2 * kCycle);
  // Another source's packet to another destination does not wait.
  const auto other = bench.cores[4]->write(Bench::window(0, 1, 0, 0), 64, 3);
  const auto& network = bench.noc.network();
  const uint64_t unloaded = network.zero_load_latency(bench.node(2, 1), bench.node(0, 1), 2) +
                            network.zero_load_latency(bench.node(0, 1), bench.node(2, 1), 1);
  CHECK(other.delay == kCycle * static_cast<double>(unloaded) + sc_time(1, SC_NS));
}

TEST_CASE("Noc: addresses of no core, a disabled core, a reserved space or past the SRAM fail") {
  Bench bench;
  auto& core = *bench.cores[0];
  CHECK(core.read(Bench::window(1, 1, 0, 0), 8).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(core.read(Bench::window(3, 0, 0, 0), 8).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(core.read(Bench::window(0, 2, 0, 0), 8).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(core.read(dojo::noc::encode_window_offset({Coord{1, 0, 0, 0}, 0, 0}), 8).status ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);  // chip 1,0 does not exist
  CHECK(core.read(Bench::window(1, 0, 2, 0), 8).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(core.read(Bench::window(1, 0, 0, kSramSize - 4), 8).status ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(core.read(uint64_t{1} << 40, 8).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(core.debug_read(Bench::window(1, 1, 0, 0), 8).debug_bytes == 0);
}

TEST_CASE("Noc: debug transport reaches the destination without taking time") {
  Bench bench;
  const auto written = bench.cores[3]->debug_write(Bench::window(2, 1, 0, 0x80), 8, 0xabcd);
  CHECK(written.debug_bytes == 8);
  CHECK(bench.cores[0]->debug_read(Bench::window(2, 1, 0, 0x80), 8).value == 0xabcd);
  CHECK(sc_core::sc_time_stamp() == sc_core::SC_ZERO_TIME);
}

// --- the cycle model: initiators wait in their threads while the routers move the packets -------

namespace {

// An initiator whose accesses run in a SystemC thread, as a core's do: the cycle model waits.
struct ThreadInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<ThreadInitiator> socket;
  std::function<void(ThreadInitiator&)> script;
  sc_time last_done;  // when the last access ended

  SC_HAS_PROCESS(ThreadInitiator);
  explicit ThreadInitiator(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    SC_THREAD(run);
  }
  void run() {
    if (script) script(*this);
  }
  tlm::tlm_response_status write(uint64_t address, unsigned length, sc_time offset = sc_core::SC_ZERO_TIME) {
    unsigned char data[64] = {1, 2, 3, 4, 5, 6, 7, 8};
    tlm::tlm_generic_payload trans;
    trans.set_command(tlm::TLM_WRITE_COMMAND);
    trans.set_address(address);
    trans.set_data_ptr(data);
    trans.set_data_length(length);
    trans.set_streaming_width(length);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(trans, offset);
    last_done = sc_core::sc_time_stamp() + offset;
    return trans.get_response_status();
  }
};

// Two initiators on one network port, as a core and its DMA engine share their node's bus.
struct FanIn : sc_core::sc_module {
  tlm_utils::simple_target_socket<FanIn> first, second;
  tlm_utils::simple_initiator_socket<FanIn> out;
  explicit FanIn(sc_core::sc_module_name name) : sc_module(name), first("first"), second("second"), out("out") {
    first.register_b_transport(this, &FanIn::forward);
    second.register_b_transport(this, &FanIn::forward);
  }
  void forward(tlm::tlm_generic_payload& trans, sc_time& delay) { out->b_transport(trans, delay); }
};

// Bench's mesh under noc.model: cycle, two thread initiators at every working core.
struct CycleBench {
  NocParams params;
  std::unique_ptr<Noc> noc;
  std::vector<std::unique_ptr<ThreadInitiator>> initiators;  // two per working core, in order
  std::vector<std::unique_ptr<FanIn>> fan_ins;
  std::vector<std::unique_ptr<dojo::memory::Sram>> srams;

  explicit CycleBench(uint32_t interface_queue) {
    params = bench_params();
    params.network.model = dojo::noc::NetworkModel::cycle;
    params.interface_queue = interface_queue;
    noc = std::make_unique<Noc>("cycle_noc", params);
    for (NodeIndex node = 0; node < noc->network().node_count(); ++node) {
      if (!noc->network().enabled(node)) continue;
      const std::string id = std::to_string(node);
      fan_ins.push_back(std::make_unique<FanIn>(("fan_in" + id).c_str()));
      for (const char* role : {"core", "dma"}) {
        initiators.push_back(std::make_unique<ThreadInitiator>((role + id).c_str()));
      }
      initiators[initiators.size() - 2]->socket.bind(fan_ins.back()->first);
      initiators.back()->socket.bind(fan_ins.back()->second);
      fan_ins.back()->out.bind(noc->ingress);
      srams.push_back(std::make_unique<dojo::memory::Sram>(("cycle_sram" + id).c_str(), kSramSize,
                                                           sc_time(1, SC_NS), sc_time(1, SC_NS)));
      noc->sram_egress.bind(srams.back()->socket);
      noc->device_egress.bind(srams.back()->socket);  // not used here
      noc->add_core(node);
    }
  }
  NodeIndex node(uint32_t x, uint32_t y) const { return noc->network().index_of(Coord{0, 0, x, y}); }
  uint64_t zero_load(uint32_t fx, uint32_t fy, uint32_t tx, uint32_t ty, uint32_t flits) const {
    return noc->network().zero_load_latency(node(fx, fy), node(tx, ty), flits);
  }
};

}  // namespace

TEST_CASE("Noc (cycle model): request, access and response, each its zero-load latency, from the local time") {
  CycleBench bench(4);
  ThreadInitiator& core = *bench.initiators[0];  // at (0, 0)
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE, refused = tlm::TLM_INCOMPLETE_RESPONSE;
  sc_time refused_at;
  core.script = [&](ThreadInitiator& self) {
    // 10 ns ahead of SystemC time: the packets leave then.
    status = self.write(Bench::window(2, 1, 0, 0x100), 8, sc_time(10, SC_NS));
    refused = self.write(Bench::window(1, 1, 0, 0), 8);  // the disabled core: at once
    refused_at = sc_core::sc_time_stamp();
  };
  const sc_time write_done_expected = sc_time(10, SC_NS) + kCycle * static_cast<double>(bench.zero_load(0, 0, 2, 1, 1)) +
                                      sc_time(1, SC_NS) + kCycle * static_cast<double>(bench.zero_load(2, 1, 0, 0, 1));
  sc_core::sc_start();
  CHECK(status == tlm::TLM_OK_RESPONSE);
  CHECK(bench.srams[4]->data()[0x100] == 1);  // core (2, 1): the fifth working one
  CHECK(refused == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(refused_at == write_done_expected);
  CHECK(bench.noc->packet_stats().packets == 2);
  CHECK(bench.noc->interface_stalls().empty());
}

// Two 64-byte writes (header + data: two flits) from the two initiators at (0, 0) to (2, 0) at
// time 0: the second's flits follow the first's, two cycles later, whether it waited in the
// interface's queue or, with a queue of one, in its initiator, counted as a stall.
void check_two_writes_from_one_node(uint32_t interface_queue) {
  CycleBench bench(interface_queue);
  ThreadInitiator& core = *bench.initiators[0];
  ThreadInitiator& dma = *bench.initiators[1];  // the same node
  core.script = [](ThreadInitiator& self) { self.write(Bench::window(2, 0, 0, 0), 64); };
  dma.script = [](ThreadInitiator& self) { self.write(Bench::window(2, 0, 0, 0x100), 64); };
  sc_core::sc_start();
  const sc_time alone = kCycle * static_cast<double>(bench.zero_load(0, 0, 2, 0, 2)) + sc_time(1, SC_NS) +
                        kCycle * static_cast<double>(bench.zero_load(2, 0, 0, 0, 1));
  CHECK(core.last_done == alone);
  CHECK(dma.last_done - core.last_done == 2 * kCycle);
  const std::vector<Noc::InterfaceStalls> stalled = bench.noc->interface_stalls();
  if (interface_queue == 1) {
    // The node at (0, 0) stalled, once, for two cycles; no other.
    REQUIRE(stalled.size() == 1);
    CHECK(stalled[0].node == bench.node(0, 0));
    CHECK(stalled[0].stalls == 1);
    CHECK(stalled[0].cycles == 2);
  } else {
    CHECK(stalled.empty());
  }
}

TEST_CASE("Noc (cycle model): a full network interface stalls the next request, and counts it") {
  check_two_writes_from_one_node(1);
}

TEST_CASE("Noc (cycle model): an interface with room queues the next request instead") {
  check_two_writes_from_one_node(4);
}
