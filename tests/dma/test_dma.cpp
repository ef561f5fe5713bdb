#include <catch2/catch.hpp>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <tlm_utils/simple_target_socket.h>

#include "../peripherals/tlm_test_initiator.h"
#include "bus/bus.h"
#include "dma/dma.h"
#include "memory/sram.h"

using dojo::dma::Cause;
using dojo::dma::Descriptor;
using dojo::dma::Dma;
using dojo::dma::DmaParams;
using dojo::dma::State;
using sc_core::sc_start;
using sc_core::sc_time;
using sc_core::sc_time_stamp;
using sc_core::SC_NS;

namespace {

// The test node: its own SRAM, a second SRAM standing for another core's memory in the global
// window, and the DMA registers, all on one bus.
constexpr uint64_t local_base = 0x8000'0000;
constexpr uint64_t remote_base = (uint64_t{1} << 40) | (uint64_t{1} << 24);  // core (1, 0)
constexpr uint64_t memory_size = 0x10'0000;
constexpr uint64_t dma_base = 0x0300'0000;
constexpr uint64_t unmapped = 0x0800'0000;

const sc_time ns(1, SC_NS);
// Local read and write latencies differ so the timing tests tell them apart; the remote memory's
// latency stands for a trip through the network.
const sc_time local_read_latency = 2 * ns;
const sc_time local_write_latency = 3 * ns;
const sc_time remote_latency = 50 * ns;

DmaParams test_params() {
  DmaParams params;
  params.clock_period = ns;
  params.port_bytes_per_cycle = 64;
  params.burst_bytes = 256;
  params.register_latency = ns;
  params.max_descriptor_bytes = memory_size;
  params.max_chain_descriptors = 16;
  return params;
}

using Edges = std::vector<std::pair<sc_time, bool>>;  // (time of the change, new level)

void store(uint8_t* where, uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) where[i] = static_cast<uint8_t>(value >> 8 * i);
}

uint64_t load(const uint8_t* where, unsigned bytes) {
  uint64_t value = 0;
  for (unsigned i = 0; i < bytes; ++i) value |= uint64_t{where[i]} << 8 * i;
  return value;
}

// A byte pattern that differs from one address to the next and from one seed to another.
uint8_t pattern(uint64_t index, unsigned seed) {
  return static_cast<uint8_t>(index * 7 + seed * 13 + (index >> 8));
}

// Memory behind a path that waits, as the cycle-level network does (noc.h): an access waits out
// its issue time and its latency, then happens, and comes back with nothing left to add. Accesses
// past the end are refused.
constexpr uint64_t far_base = (uint64_t{1} << 40) | (uint64_t{2} << 24);  // core (2, 0)
const sc_time far_latency = 50 * ns;

struct WaitingMemory : sc_core::sc_module {
  tlm_utils::simple_target_socket<WaitingMemory> socket;
  std::vector<uint8_t> bytes = std::vector<uint8_t>(memory_size);
  unsigned in_flight = 0, most_in_flight = 0;  // accesses inside b_transport at once

  explicit WaitingMemory(const sc_core::sc_module_name& name) : sc_module(name), socket("socket") {
    socket.register_b_transport(this, &WaitingMemory::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    most_in_flight = std::max(most_in_flight, ++in_flight);
    sc_core::wait(delay + far_latency);
    delay = sc_core::SC_ZERO_TIME;
    --in_flight;
    const uint64_t address = trans.get_address();
    const unsigned length = trans.get_data_length();
    if (address + length > bytes.size()) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (trans.is_read()) std::memcpy(trans.get_data_ptr(), bytes.data() + address, length);
    else std::memcpy(bytes.data() + address, trans.get_data_ptr(), length);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct Bench {
  Edges irq_edges;
  dojo::bus::Bus bus;
  dojo::memory::Sram local;
  dojo::memory::Sram remote;
  WaitingMemory far;
  Dma dma;
  dojo::test::TestInitiator cpu;

  explicit Bench(const std::string& prefix = "", const DmaParams& params = test_params())
      : bus((prefix + "bus").c_str()),
        local((prefix + "local").c_str(), memory_size, local_read_latency, local_write_latency),
        remote((prefix + "remote").c_str(), memory_size, remote_latency, remote_latency),
        far((prefix + "far").c_str()),
        dma((prefix + "dma").c_str(), params,
            [this](bool level) { irq_edges.emplace_back(sc_time_stamp(), level); }),
        cpu((prefix + "cpu").c_str()) {
    cpu.socket.bind(bus.target);
    dma.initiator.bind(bus.target);
    bus.initiator.bind(local.socket);
    bus.map(0, local_base, memory_size, "local");
    bus.initiator.bind(remote.socket);
    bus.map(1, remote_base, memory_size, "remote");
    bus.initiator.bind(dma.socket);
    bus.map(2, dma_base, 0x1000, "dma");
    bus.initiator.bind(far.socket);
    bus.map(3, far_base, memory_size + memory_size / 2, "far");  // the last third refused by it
  }

  uint8_t* at(uint64_t address) {
    if (address >= local_base && address < local_base + memory_size)
      return local.data() + (address - local_base);
    if (address >= far_base && address < far_base + memory_size)
      return far.bytes.data() + (address - far_base);
    REQUIRE(address >= remote_base);
    REQUIRE(address < remote_base + memory_size);
    return remote.data() + (address - remote_base);
  }

  void fill(uint64_t address, uint64_t bytes, unsigned seed) {
    uint8_t* bytes_at = at(address);
    for (uint64_t i = 0; i < bytes; ++i) bytes_at[i] = pattern(i, seed);
  }

  // Writes a descriptor at the offsets docs/dma.md gives, independently of the model's decoder.
  void put(uint64_t address, const Descriptor& d) {
    uint8_t* raw = at(address);
    std::memset(raw, 0, Descriptor::bytes);
    store(raw + 0x00, d.source, 8);
    store(raw + 0x08, d.destination, 8);
    store(raw + 0x10, d.next, 8);
    store(raw + 0x18, d.notify_address, 8);
    store(raw + 0x20, d.notify_value, 8);
    store(raw + 0x28, d.row_bytes, 4);
    store(raw + 0x2c, d.rows, 4);
    store(raw + 0x30, static_cast<uint32_t>(d.source_stride), 4);
    store(raw + 0x34, static_cast<uint32_t>(d.destination_stride), 4);
    store(raw + 0x38, d.flags, 4);
  }

  // The bus's sockets take their callbacks at the end of elaboration: finish it before the first
  // access.
  static void elaborate() {
    if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) sc_start(sc_core::SC_ZERO_TIME);
  }

  uint64_t read_register(uint64_t offset, unsigned bytes) {
    elaborate();
    auto result = cpu.read(dma_base + offset, bytes);
    REQUIRE(result.ok());
    return result.value;
  }
  void write_register(uint64_t offset, unsigned bytes, uint64_t value) {
    elaborate();
    REQUIRE(cpu.write(dma_base + offset, bytes, value).ok());
  }

  void start(uint64_t descriptor, bool irq_enable = true) {
    write_register(dojo::dma::registers::desc_addr_offset, 8, descriptor);
    write_register(dojo::dma::registers::control_offset, 4,
                   dojo::dma::registers::control_start | (irq_enable ? dojo::dma::registers::control_irq_enable : 0));
  }
  uint32_t status() { return static_cast<uint32_t>(read_register(dojo::dma::registers::status_offset, 4)); }
  State state() { return static_cast<State>(status() & dojo::dma::registers::status_state_mask); }
  Cause cause() { return static_cast<Cause>(status() >> dojo::dma::registers::status_cause_shift & 0xff); }
  uint64_t error_address() { return read_register(dojo::dma::registers::error_addr_offset, 8); }
  uint64_t completed() { return read_register(dojo::dma::registers::completed_offset, 4); }
  void acknowledge() { write_register(dojo::dma::registers::irq_ack_offset, 4, 1); }

  // Runs until the engine has nothing left to do; returns the simulated time it took.
  sc_time run() {
    const sc_time begin = sc_time_stamp();
    sc_start();
    return sc_time_stamp() - begin;
  }
};

Descriptor copy_1d(uint64_t destination, uint64_t source, uint32_t bytes, uint32_t flags = 0) {
  Descriptor d;
  d.source = source;
  d.destination = destination;
  d.row_bytes = bytes;
  d.rows = 1;
  d.flags = flags;
  return d;
}

Descriptor copy_2d(uint64_t destination, int32_t destination_stride, uint64_t source,
                   int32_t source_stride, uint32_t row_bytes, uint32_t rows) {
  Descriptor d = copy_1d(destination, source, row_bytes);
  d.rows = rows;
  d.source_stride = source_stride;
  d.destination_stride = destination_stride;
  return d;
}

bool same_bytes(Bench& bench, uint64_t a, uint64_t b, uint64_t bytes) {
  return std::memcmp(bench.at(a), bench.at(b), bytes) == 0;
}

// Addresses the tests use in local SRAM.
constexpr uint64_t descriptors = local_base + 0x1000;
constexpr uint64_t source = local_base + 0x1'0000;
constexpr uint64_t destination = local_base + 0x2'0000;
constexpr uint64_t flag_word = local_base + 0x3'0000;

// The engine stopped with `cause` and `address`, raised its interrupt (enabled by Bench::start),
// and after an acknowledge a valid copy works again.
void check_error_then_recovery(Bench& bench, Cause cause, uint64_t address) {
  CHECK(bench.state() == State::error);
  CHECK(bench.cause() == cause);
  CHECK(bench.error_address() == address);
  CHECK(bench.dma.cause() == cause);
  CHECK((bench.status() & dojo::dma::registers::status_irq_pending) != 0);
  REQUIRE(!bench.irq_edges.empty());
  CHECK(bench.irq_edges.back().second);

  bench.acknowledge();
  CHECK_FALSE(bench.dma.irq());
  const uint64_t recovery = descriptors + 0x800;
  bench.fill(source + 0x8000, 100, 9);
  bench.put(recovery, copy_1d(destination + 0x8000, source + 0x8000, 100));
  bench.start(recovery);
  bench.run();
  CHECK(bench.state() == State::done);
  CHECK(bench.cause() == Cause::none);
  CHECK(bench.error_address() == 0);
  CHECK(same_bytes(bench, destination + 0x8000, source + 0x8000, 100));
}

}  // namespace

TEST_CASE("Dma: a 1D copy moves the bytes and reports done") {
  Bench bench;
  bench.fill(source, 1000, 1);
  std::memset(bench.at(destination - 16), 0xee, 1032);
  bench.put(descriptors, copy_1d(destination, source, 1000));
  CHECK(bench.state() == State::idle);
  bench.start(descriptors);
  bench.run();
  CHECK(same_bytes(bench, destination, source, 1000));
  CHECK(*bench.at(destination - 1) == 0xee);
  CHECK(*bench.at(destination + 1000) == 0xee);
  CHECK(bench.status() == static_cast<uint32_t>(State::done));  // no cause, nothing pending
  CHECK(bench.completed() == 1);
  CHECK(bench.read_register(dojo::dma::registers::current_desc_offset, 8) == descriptors);
  CHECK(bench.irq_edges.empty());  // the descriptor did not ask for an interrupt
}

TEST_CASE("Dma: a local 1D copy takes fetch, one pass of bursts and the last burst's trip") {
  // 4096 bytes in 16 bursts of 256 bytes, 4 cycles each at 64 bytes per cycle (1 ns):
  // descriptor fetch 1 cycle + 2 ns read latency = 3 ns; bursts 16 x 4 = 64 ns; the last burst's
  // read latency 2 ns, its write 4 cycles + 3 ns latency: 3 + 64 + 2 + 4 + 3 = 76 ns.
  Bench bench;
  bench.put(descriptors, copy_1d(destination, source, 4096, Descriptor::flag_irq));
  bench.start(descriptors);
  CHECK(bench.run() == 76 * ns);
  REQUIRE(bench.irq_edges.size() == 1);
  CHECK(bench.irq_edges[0] == std::make_pair(76 * ns, true));

  // 1000 bytes: bursts of 256, 256, 256 and 232 bytes, 4 cycles each: 3 + 16 + 2 + 4 + 3 = 28 ns.
  bench.acknowledge();
  bench.put(descriptors, copy_1d(destination, source, 1000));
  bench.start(descriptors);
  CHECK(bench.run() == 28 * ns);
}

TEST_CASE("Dma: a remote target's latency adds once per descriptor, not per burst") {
  Bench bench;
  // Pull: reads take 50 ns instead of 2: 3 + 64 + 50 + 4 + 3 = 124 ns.
  bench.fill(remote_base, 4096, 2);
  bench.put(descriptors, copy_1d(destination, remote_base, 4096));
  bench.start(descriptors);
  CHECK(bench.run() == 124 * ns);
  CHECK(same_bytes(bench, destination, remote_base, 4096));

  // Push: the last write takes 50 ns instead of 3: 3 + 64 + 2 + 4 + 50 = 123 ns.
  bench.fill(source, 4096, 3);
  bench.put(descriptors, copy_1d(remote_base + 0x8000, source, 4096));
  bench.start(descriptors);
  CHECK(bench.run() == 123 * ns);
  CHECK(same_bytes(bench, remote_base + 0x8000, source, 4096));

  // Remote to remote: 3 + 64 + 50 + 4 + 50 = 171 ns.
  bench.put(descriptors, copy_1d(remote_base + 0x4'0000, remote_base, 4096));
  bench.start(descriptors);
  CHECK(bench.run() == 171 * ns);
  CHECK(same_bytes(bench, remote_base + 0x4'0000, remote_base, 4096));
}

DmaParams waiting_params(uint32_t bursts_in_flight) {
  DmaParams params = test_params();
  params.path_waits = true;
  params.bursts_in_flight = bursts_in_flight;
  return params;
}

// Pulls 4096 bytes (16 bursts) from the far memory into local SRAM; the time it took.
sc_time pull_far_block(Bench& bench, unsigned seed) {
  bench.fill(far_base, 4096, seed);
  bench.put(descriptors, copy_1d(destination, far_base, 4096));
  bench.start(descriptors);
  const uint64_t busy_before = bench.dma.totals().busy_cycles;
  const sc_time took = bench.run();
  CHECK(bench.state() == State::done);
  CHECK(same_bytes(bench, destination, far_base, 4096));
  CHECK(bench.dma.totals().busy_cycles - busy_before == took / ns);  // 1 ns cycles
  return took;
}

TEST_CASE("Dma: through a path that waits, one lane carries a burst from its read to its write") {
  // A pull of 4096 bytes in 16 bursts: fetched at 3 ns; each burst's read waits 50 ns and takes
  // 4 cycles, its local write 4 cycles + 3 ns: 61 ns, one after the other: 3 + 16 x 61 = 979 ns.
  Bench bench("", waiting_params(1));
  CHECK(pull_far_block(bench, 4) == 979 * ns);
  CHECK(bench.far.most_in_flight == 1);
}

TEST_CASE("Dma: through a path that waits, bursts_in_flight lanes overlap their bursts") {
  // Four lanes: burst 4j + i is read at 3 + 61 j + 4 i ns (the read channel staggers the lanes,
  // each lane is free again 61 ns after its read), the last (j = 3, i = 3) done at 198 + 61 ns.
  Bench bench("", waiting_params(4));
  CHECK(pull_far_block(bench, 5) == 259 * ns);
  CHECK(bench.far.most_in_flight == 4);

  // A push into the far memory: each lane's local read (4 cycles + 2 ns) then its write (50 ns
  // waited, 4 cycles): 60 ns a burst, 3 + 3 x 60 + 3 x 4 + 60 = 255 ns; a second descriptor finds
  // the lanes spawned for the first.
  bench.fill(source, 4096, 6);
  bench.put(descriptors, copy_1d(far_base + 0x8000, source, 4096));
  bench.start(descriptors);
  CHECK(bench.run() == 255 * ns);
  CHECK(same_bytes(bench, far_base + 0x8000, source, 4096));
}

TEST_CASE("Dma: with a lane per burst, a path that waits times a pull as the loosely-timed one") {
  // 16 lanes: nothing waits for a lane, so the pull takes 3 + 64 + 50 + 4 + 3 = 124 ns, as the
  // loosely-timed engine takes through a target that annotates the same 50 ns.
  Bench bench("", waiting_params(16));
  CHECK(pull_far_block(bench, 7) == 124 * ns);
  CHECK(bench.far.most_in_flight == 16);
}

TEST_CASE("Dma: through a path that waits, the earliest refused burst is reported") {
  // One 256-byte burst per row, rows 512 KiB apart: row 0 is the far memory's last 256 bytes,
  // row 1 lies past its end but inside its mapping (refused after the 50 ns wait, at 7 + 50 + 4
  // ns), row 2 past the mapping (refused by the bus at once). Row 2's refusal comes first and
  // stops the lanes taking more; row 1's, the earlier burst, is the one reported, once row 0's
  // burst has landed (3 + 50 + 4 + 4 + 3 = 64 ns).
  Bench bench("", waiting_params(4));
  const uint64_t last_row = far_base + memory_size - 256;
  bench.fill(last_row, 256, 8);
  bench.put(descriptors, copy_2d(destination, 256, last_row, int32_t{1} << 19, 256, 4));
  bench.start(descriptors);
  CHECK(bench.run() == 64 * ns);
  CHECK(bench.far.most_in_flight == 2);
  CHECK(same_bytes(bench, destination, last_row, 256));
  CHECK(bench.dma.totals().errors == 1);
  check_error_then_recovery(bench, Cause::source, last_row + (uint64_t{1} << 19));
}

TEST_CASE("Dma: a 2D copy moves each row with its strides and leaves the gaps alone") {
  Bench bench;
  bench.fill(source, 8 * 64, 4);
  std::memset(bench.at(destination), 0xee, 8 * 32);
  bench.put(descriptors, copy_2d(destination, 32, source, 64, 24, 8));
  bench.start(descriptors);
  // Rows of 24 bytes are single 1-cycle bursts: 3 + 8 + 2 + 1 + 3 = 17 ns.
  CHECK(bench.run() == 17 * ns);
  for (unsigned row = 0; row < 8; ++row) {
    INFO("row " << row);
    CHECK(same_bytes(bench, destination + 32 * row, source + 64 * row, 24));
    for (unsigned gap = 24; gap < 32; ++gap) CHECK(*bench.at(destination + 32 * row + gap) == 0xee);
  }
  CHECK(bench.state() == State::done);
}

TEST_CASE("Dma: a negative stride walks the rows backwards") {
  Bench bench;
  bench.fill(source, 4 * 16, 5);
  // Flips a 4-row block upside down: the destination starts at its last row.
  bench.put(descriptors, copy_2d(destination + 3 * 16, -16, source, 16, 16, 4));
  bench.start(descriptors);
  bench.run();
  for (unsigned row = 0; row < 4; ++row)
    CHECK(same_bytes(bench, destination + 16 * (3 - row), source + 16 * row, 16));
}

TEST_CASE("Dma: chained column gathers push a matrix's transpose to another core, then notify") {
  Bench bench;
  constexpr unsigned n = 8;  // 8 x 8 matrix of 32-bit elements
  constexpr uint64_t matrix = source;
  constexpr uint64_t transpose = remote_base + 0x100;
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < n; ++j) store(bench.at(matrix + 4 * (n * i + j)), 100 * i + j, 4);

  // Descriptor c gathers column c (one element per row, stride one matrix row) into row c.
  for (unsigned c = 0; c < n; ++c) {
    Descriptor d = copy_2d(transpose + 4 * n * c, 4, matrix + 4 * c, 4 * n, 4, n);
    d.next = c + 1 < n ? descriptors + Descriptor::bytes * (c + 1) : 0;
    if (c + 1 == n) {
      d.flags = Descriptor::flag_notify | Descriptor::flag_irq;
      d.notify_address = flag_word;
      d.notify_value = 0x600d'f00d'0000'0008;
    }
    bench.put(descriptors + Descriptor::bytes * c, d);
  }
  bench.start(descriptors);
  bench.run();
  CHECK(bench.state() == State::done);
  CHECK(bench.completed() == n);
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < n; ++j) {
      INFO("element " << i << ", " << j);
      CHECK(load(bench.at(transpose + 4 * (n * i + j)), 4) == 100 * j + i);
    }
  CHECK(load(bench.at(flag_word), 8) == 0x600d'f00d'0000'0008);
  CHECK(bench.irq_edges.size() == 1);
}

TEST_CASE("Dma: chained descriptors run one after the other") {
  Bench bench;
  bench.fill(source, 8192, 6);
  Descriptor first = copy_1d(destination, source, 4096);
  first.next = descriptors + Descriptor::bytes;
  bench.put(descriptors, first);
  bench.put(descriptors + Descriptor::bytes, copy_1d(destination + 4096, source + 4096, 4096));
  bench.start(descriptors);
  // The second descriptor is fetched when the first retires: 2 x 76 ns.
  CHECK(bench.run() == 152 * ns);
  CHECK(same_bytes(bench, destination, source, 8192));
  CHECK(bench.completed() == 2);
  CHECK(bench.read_register(dojo::dma::registers::current_desc_offset, 8) == descriptors + Descriptor::bytes);
  CHECK(bench.dma.totals().descriptors == 2);
  CHECK(bench.dma.totals().bytes == 8192);
  CHECK(bench.dma.totals().errors == 0);
}

TEST_CASE("Dma: the notification is written after the data and the chain retires after it") {
  Bench bench;
  Descriptor d = copy_1d(destination, source, 4096, Descriptor::flag_notify | Descriptor::flag_irq);
  d.notify_address = flag_word;
  d.notify_value = 0x1122'3344'5566'7788;
  bench.put(descriptors, d);
  bench.start(descriptors);
  sc_start(75 * ns);  // the data completes at 76 ns (see the 1D timing test)
  CHECK(load(bench.at(flag_word), 8) == 0);
  CHECK(bench.state() == State::busy);
  // Notification: 8 bytes (1 cycle) + 3 ns write latency after the data: 76 + 1 + 3 = 80 ns.
  bench.run();
  CHECK(sc_time_stamp() == 80 * ns);
  CHECK(load(bench.at(flag_word), 8) == 0x1122'3344'5566'7788);
  REQUIRE(bench.irq_edges.size() == 1);
  CHECK(bench.irq_edges[0] == std::make_pair(80 * ns, true));
}

TEST_CASE("Dma: the interrupt line is pending and enabled, and acknowledge lowers it") {
  Bench bench;
  bench.put(descriptors, copy_1d(destination, source, 64, Descriptor::flag_irq));
  bench.start(descriptors, /*irq_enable=*/false);
  bench.run();
  CHECK((bench.status() & dojo::dma::registers::status_irq_pending) != 0);
  CHECK(bench.irq_edges.empty());  // pending but not enabled

  bench.write_register(dojo::dma::registers::control_offset, 4, dojo::dma::registers::control_irq_enable);  // enable, no start
  CHECK(bench.read_register(dojo::dma::registers::control_offset, 4) == dojo::dma::registers::control_irq_enable);
  REQUIRE(bench.irq_edges.size() == 1);
  CHECK(bench.irq_edges[0].second);
  CHECK(bench.state() == State::done);  // enabling did not start anything

  bench.acknowledge();
  REQUIRE(bench.irq_edges.size() == 2);
  CHECK_FALSE(bench.irq_edges[1].second);
  CHECK((bench.status() & dojo::dma::registers::status_irq_pending) == 0);

  // A descriptor without the flag in the middle of a chain does not interrupt; one with it does.
  Descriptor first = copy_1d(destination, source, 64);
  first.next = descriptors + Descriptor::bytes;
  bench.put(descriptors, first);
  const Descriptor last = copy_1d(destination, source, 64, Descriptor::flag_irq);
  bench.put(descriptors + Descriptor::bytes, last);
  bench.start(descriptors);
  bench.run();
  CHECK(bench.irq_edges.size() == 3);
  CHECK(bench.dma.irq());
}

TEST_CASE("Dma: STATUS reads busy while the chain runs, and a start while busy is ignored") {
  Bench bench;
  bench.put(descriptors, copy_1d(destination, source, 4096));
  bench.start(descriptors);
  CHECK(bench.state() == State::busy);
  sc_start(30 * ns);
  CHECK(bench.state() == State::busy);
  CHECK(bench.completed() == 0);
  bench.start(local_base + 4);  // misaligned: would fail if it were taken
  CHECK(bench.run() == 46 * ns);  // finishes at 76 ns as if undisturbed
  CHECK(bench.state() == State::done);
  CHECK(bench.cause() == Cause::none);
}

TEST_CASE("Dma: a misaligned descriptor is reported at once") {
  Bench bench;
  bench.start(descriptors + 4);
  bench.run();
  REQUIRE(!bench.irq_edges.empty());
  CHECK(bench.irq_edges[0].first == sc_time(sc_core::SC_ZERO_TIME));
  check_error_then_recovery(bench, Cause::descriptor_misaligned, descriptors + 4);
}

TEST_CASE("Dma: a refused first descriptor is a descriptor read error") {
  Bench bench;
  bench.start(unmapped);
  // The refusal comes back after the 64-byte read's cycle, with no latency from the bus.
  CHECK(bench.run() == 1 * ns);
  check_error_then_recovery(bench, Cause::descriptor_read, unmapped);
}

TEST_CASE("Dma: a refused next descriptor stops the chain after the first") {
  Bench bench;
  Descriptor first = copy_1d(destination, source, 64);
  first.next = unmapped + 0x40;
  bench.put(descriptors, first);
  bench.start(descriptors);
  bench.run();
  CHECK(bench.completed() == 1);
  check_error_then_recovery(bench, Cause::descriptor_read, unmapped + 0x40);
}

TEST_CASE("Dma: a misaligned next descriptor is reported with its address") {
  Bench bench;
  Descriptor first = copy_1d(destination, source, 64);
  first.next = descriptors + 0x204;
  bench.put(descriptors, first);
  bench.start(descriptors);
  bench.run();
  check_error_then_recovery(bench, Cause::descriptor_misaligned, descriptors + 0x204);
}

TEST_CASE("Dma: a refused source is reported with the burst's address") {
  Bench bench;
  bench.put(descriptors, copy_1d(destination, unmapped, 64));
  bench.start(descriptors);
  // Fetched at 3 ns, the first burst's read (1 cycle) is refused at 4 ns.
  CHECK(bench.run() == 4 * ns);
  CHECK(bench.dma.totals().errors == 1);
  CHECK(bench.dma.totals().descriptors == 0);
  CHECK(bench.dma.totals().busy_cycles == 4);  // a chain that fails counts to its error
  check_error_then_recovery(bench, Cause::source, unmapped);
}

TEST_CASE("Dma: a source running off the end of memory fails at the first burst outside it") {
  Bench bench;
  const uint64_t near_end = local_base + memory_size - 300;
  bench.fill(near_end, 300, 7);
  bench.put(descriptors, copy_1d(destination, near_end, 1000));
  bench.start(descriptors);
  bench.run();
  CHECK(same_bytes(bench, destination, near_end, 256));  // the first burst was moved
  check_error_then_recovery(bench, Cause::source, near_end + 256);
}

TEST_CASE("Dma: a refused destination is reported with the burst's address") {
  Bench bench;
  bench.put(descriptors, copy_2d(unmapped, 0x100, source, 0x100, 16, 2));
  bench.start(descriptors);
  bench.run();
  check_error_then_recovery(bench, Cause::destination, unmapped);
}

TEST_CASE("Dma: a refused notification is reported after the data has moved") {
  Bench bench;
  bench.fill(source, 64, 8);
  Descriptor d = copy_1d(destination, source, 64, Descriptor::flag_notify);
  d.notify_address = unmapped + 8;
  bench.put(descriptors, d);
  bench.start(descriptors);
  bench.run();
  CHECK(same_bytes(bench, destination, source, 64));
  CHECK(bench.completed() == 0);
  check_error_then_recovery(bench, Cause::notify, unmapped + 8);
}

TEST_CASE("Dma: zero and oversized blocks are size errors") {
  Bench bench;
  Descriptor no_rows = copy_1d(destination, source, 64);
  no_rows.rows = 0;
  bench.put(descriptors, no_rows);
  bench.start(descriptors);
  bench.run();
  check_error_then_recovery(bench, Cause::bad_size, descriptors);

  bench.put(descriptors, copy_1d(destination, source, 0));
  bench.start(descriptors);
  bench.run();
  check_error_then_recovery(bench, Cause::bad_size, descriptors);

  // 2 x (max / 2 + 1) bytes is just above max_descriptor_bytes.
  bench.put(descriptors, copy_2d(destination, 0, source, 0, memory_size / 2 + 1, 2));
  bench.start(descriptors);
  bench.run();
  check_error_then_recovery(bench, Cause::bad_size, descriptors);
}

TEST_CASE("Dma: an unknown flag is an error") {
  Bench bench;
  bench.put(descriptors, copy_1d(destination, source, 64, 0x80));
  bench.start(descriptors);
  bench.run();
  check_error_then_recovery(bench, Cause::bad_flags, descriptors);
}

TEST_CASE("Dma: a chain that loops stops at max_chain_descriptors") {
  Bench bench;
  Descriptor loop = copy_1d(destination, source, 64);
  loop.next = descriptors;  // itself
  bench.put(descriptors, loop);
  bench.start(descriptors);
  bench.run();
  CHECK(bench.completed() == 16);
  check_error_then_recovery(bench, Cause::chain_too_long, descriptors);
}

TEST_CASE("Dma: a chain of exactly max_chain_descriptors completes") {
  Bench bench;
  for (unsigned i = 0; i < 16; ++i) {
    Descriptor d = copy_1d(destination + 8 * i, source + 8 * i, 8);
    d.next = i + 1 < 16 ? descriptors + Descriptor::bytes * (i + 1) : 0;
    bench.put(descriptors + Descriptor::bytes * i, d);
  }
  bench.fill(source, 128, 10);
  bench.start(descriptors);
  bench.run();
  CHECK(bench.state() == State::done);
  CHECK(bench.completed() == 16);
  CHECK(same_bytes(bench, destination, source, 128));
}

TEST_CASE("Dma: two engines given the same work finish at the same times with the same bytes") {
  Bench a("a_");
  Bench b("b_");
  for (Bench* bench : {&a, &b}) {
    bench->fill(remote_base, 3000, 11);
    Descriptor pull = copy_1d(destination, remote_base, 3000, Descriptor::flag_irq);
    pull.next = descriptors + Descriptor::bytes;
    bench->put(descriptors, pull);
    Descriptor push = copy_2d(remote_base + 0x1'0000, 40, destination, 48, 40, 50);
    push.flags = Descriptor::flag_irq | Descriptor::flag_notify;
    push.notify_address = flag_word;
    push.notify_value = 1;
    bench->put(descriptors + Descriptor::bytes, push);
    bench->start(descriptors);
  }
  sc_start();
  CHECK(a.irq_edges == b.irq_edges);
  CHECK(a.irq_edges.size() == 1);
  CHECK(a.state() == State::done);
  CHECK(b.state() == State::done);
  CHECK(std::memcmp(a.at(remote_base + 0x1'0000), b.at(remote_base + 0x1'0000), 2000) == 0);
  CHECK(std::memcmp(a.at(destination), b.at(destination), 3000) == 0);
}

TEST_CASE("Dma: an idle engine leaves the simulation kernel nothing to do") {
  Bench bench;
  sc_start(sc_core::SC_ZERO_TIME);
  CHECK_FALSE(sc_core::sc_pending_activity());
  bench.put(descriptors, copy_1d(destination, source, 64));
  bench.start(descriptors);
  CHECK(sc_core::sc_pending_activity());
  bench.run();
  CHECK(bench.state() == State::done);
  CHECK_FALSE(sc_core::sc_pending_activity());
}

TEST_CASE("Dma: register access rules") {
  Bench bench;
  bench.write_register(dojo::dma::registers::desc_addr_offset, 8, 0x1234'5678'9abc'def0);
  CHECK(bench.read_register(dojo::dma::registers::desc_addr_offset, 8) == 0x1234'5678'9abc'def0);
  bench.write_register(dojo::dma::registers::desc_addr_offset + 4, 4, 0x42);
  CHECK(bench.read_register(dojo::dma::registers::desc_addr_offset, 8) == 0x42'9abc'def0);
  // Read-only registers ignore writes; write-only ones read 0.
  bench.write_register(dojo::dma::registers::status_offset, 4, 0xffff'ffff);
  CHECK(bench.status() == 0);
  bench.write_register(dojo::dma::registers::completed_offset, 4, 5);
  CHECK(bench.completed() == 0);
  CHECK(bench.read_register(dojo::dma::registers::irq_ack_offset, 4) == 0);
  // CONTROL reads back only the interrupt enable: START is an action.
  bench.write_register(dojo::dma::registers::control_offset, 4, dojo::dma::registers::control_irq_enable);
  CHECK(bench.read_register(dojo::dma::registers::control_offset, 4) == dojo::dma::registers::control_irq_enable);
  CHECK(bench.cpu.read(dma_base + 0x28, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(dma_base + dojo::dma::registers::status_offset, 1).status == tlm::TLM_BURST_ERROR_RESPONSE);
  // A register access takes the register latency.
  CHECK(bench.cpu.read(dma_base + dojo::dma::registers::status_offset, 4).delay == 1 * ns);
}

TEST_CASE("Dma: parameters that are zero are refused, naming the parameter") {
  auto refuses = [](void (*spoil)(DmaParams&), const char* field) {
    DmaParams params = test_params();
    spoil(params);
    try {
      Dma dma(field, params, nullptr);
      FAIL("accepted a zero " << field);
    } catch (const std::invalid_argument& error) {
      CHECK_THAT(error.what(), Catch::Contains(field));
    }
  };
  refuses([](DmaParams& p) { p.clock_period = sc_core::SC_ZERO_TIME; }, "clock_period");
  refuses([](DmaParams& p) { p.port_bytes_per_cycle = 0; }, "port_bytes_per_cycle");
  refuses([](DmaParams& p) { p.burst_bytes = 0; }, "burst_bytes");
  refuses([](DmaParams& p) { p.max_descriptor_bytes = 0; }, "max_descriptor_bytes");
  refuses([](DmaParams& p) { p.max_chain_descriptors = 0; }, "max_chain_descriptors");
}
