#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "peripherals/core_info.h"
#include "tlm_test_initiator.h"

using dojo::peripherals::CoreInfo;
using dojo::peripherals::CoreInfoParams;
namespace registers = dojo::core_info::registers;
using dojo::test::TestInitiator;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

const sc_time latency(2, SC_NS);

uint32_t hartid_of(uint32_t x, uint32_t y, uint32_t chip_x, uint32_t chip_y) {
  return x | y << 5 | chip_x << 10 | chip_y << 13;
}

// A 2x1 tile of 3x2-core chips with core (1,0) of chip (0,0) disabled: 11 enabled cores, listed
// in rank order (chip row, chip column, core row, core column).
std::shared_ptr<const std::vector<uint32_t>> tile_table() {
  auto table = std::make_shared<std::vector<uint32_t>>();
  for (uint32_t chip_x = 0; chip_x < 2; ++chip_x)
    for (uint32_t y = 0; y < 2; ++y)
      for (uint32_t x = 0; x < 3; ++x)
        if (!(chip_x == 0 && y == 0 && x == 1)) table->push_back(hartid_of(x, y, chip_x, 0));
  return table;
}

CoreInfoParams tile_params(uint32_t rank) {
  CoreInfoParams params;
  params.mesh_width = 3;
  params.mesh_height = 2;
  params.chips_x = 2;
  params.chips_y = 1;
  params.global_base = uint64_t{1} << 40;
  params.rank = rank;
  params.rank_hartids = tile_table();
  params.core_clock_hz = 1'500'000'000;
  params.image_zeroed = true;
  return params;
}

struct Bench {
  CoreInfo info;
  TestInitiator cpu{"cpu"};
  explicit Bench(CoreInfoParams params) : info("info", params, latency) {
    cpu.socket.bind(info.socket);
  }
  uint64_t read(uint64_t offset, unsigned length) {
    auto result = cpu.read(offset, length);
    REQUIRE(result.ok());
    return result.value;
  }
};

}  // namespace

TEST_CASE("CoreInfo: every register reads its value") {
  Bench bench(tile_params(7));  // rank 7: core (2,0) of chip (1,0)
  CHECK(bench.read(registers::mesh_width_offset, 4) == 3);
  CHECK(bench.read(registers::mesh_height_offset, 4) == 2);
  CHECK(bench.read(registers::chips_x_offset, 4) == 2);
  CHECK(bench.read(registers::chips_y_offset, 4) == 1);
  CHECK(bench.read(registers::core_count_offset, 4) == 11);
  CHECK(bench.read(registers::rank_offset, 4) == 7);
  CHECK(bench.read(registers::global_base_offset, 8) == uint64_t{1} << 40);
  CHECK(bench.read(registers::global_base_offset + 4, 4) == 0x100);  // 32-bit halves
  CHECK(bench.read(registers::global_base_offset, 4) == 0);
  CHECK(bench.read(registers::hartid_offset, 4) == hartid_of(2, 0, 1, 0));
  CHECK(bench.info.hartid() == hartid_of(2, 0, 1, 0));
  CHECK(bench.read(registers::load_flags_offset, 4) == registers::load_flags_image_zeroed);
  CHECK(bench.read(registers::core_clock_hz_offset, 8) == 1'500'000'000);
  CHECK(bench.info.size() == registers::rank_table_offset + 4 * 11);
  // Debug reads see the same.
  auto debug = bench.cpu.debug_read(registers::rank_offset, 4);
  CHECK(debug.debug_bytes == 4);
  CHECK(debug.value == 7);
}

TEST_CASE("CoreInfo: the rank table maps every rank to its hartid, skipping disabled cores") {
  Bench bench(tile_params(0));
  const std::vector<uint32_t> expected = {
      hartid_of(0, 0, 0, 0), hartid_of(2, 0, 0, 0), hartid_of(0, 1, 0, 0), hartid_of(1, 1, 0, 0),
      hartid_of(2, 1, 0, 0), hartid_of(0, 0, 1, 0), hartid_of(1, 0, 1, 0), hartid_of(2, 0, 1, 0),
      hartid_of(0, 1, 1, 0), hartid_of(1, 1, 1, 0), hartid_of(2, 1, 1, 0)};
  for (uint32_t rank = 0; rank < expected.size(); ++rank) {
    INFO("rank " << rank);
    CHECK(bench.read(registers::rank_table_offset + 4 * rank, 4) == expected[rank]);
    auto debug = bench.cpu.debug_read(registers::rank_table_offset + 4 * rank, 4);
    CHECK(debug.debug_bytes == 4);
    CHECK(debug.value == expected[rank]);
  }
}

TEST_CASE("CoreInfo: blocks of different cores share one table") {
  CoreInfoParams first = tile_params(0);
  CoreInfoParams second = first;
  second.rank = 10;
  CoreInfo a("a", first, latency);
  CoreInfo b("b", second, latency);
  CHECK(a.params().rank_hartids.get() == b.params().rank_hartids.get());
  CHECK(a.hartid() == hartid_of(0, 0, 0, 0));
  CHECK(b.hartid() == hartid_of(2, 1, 1, 0));
}

TEST_CASE("CoreInfo: LOAD_FLAGS is 0 unless the loader zeroed the image") {
  CoreInfoParams params = tile_params(0);
  params.image_zeroed = false;
  Bench bench(params);
  CHECK(bench.read(registers::load_flags_offset, 4) == 0);
  CHECK(bench.cpu.write(registers::load_flags_offset, 4, 1).status ==
        tlm::TLM_COMMAND_ERROR_RESPONSE);
}

TEST_CASE("CoreInfo: writes are refused and change nothing") {
  Bench bench(tile_params(3));
  const uint64_t offsets[] = {registers::mesh_width_offset, registers::rank_offset,
                              registers::rank_table_offset, registers::rank_table_offset + 4 * 10,
                              0x800};
  for (uint64_t offset : offsets) {
    INFO("offset " << offset);
    CHECK(bench.cpu.write(offset, 4, 0x55).status == tlm::TLM_COMMAND_ERROR_RESPONSE);
    auto debug = bench.cpu.debug_write(offset, 4, 0x55);
    CHECK(debug.status == tlm::TLM_COMMAND_ERROR_RESPONSE);
    CHECK(debug.debug_bytes == 0);
  }
  CHECK(bench.read(registers::mesh_width_offset, 4) == 3);
  CHECK(bench.read(registers::rank_offset, 4) == 3);
  CHECK(bench.read(registers::rank_table_offset, 4) == hartid_of(0, 0, 0, 0));
}

TEST_CASE("CoreInfo: reads outside the registers and the table, or of bad size, are refused") {
  Bench bench(tile_params(0));
  const uint64_t table_end = registers::rank_table_offset + 4 * 11;
  CHECK(bench.cpu.read(table_end, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.debug_read(table_end, 4).debug_bytes == 0);
  CHECK(bench.cpu.read(0xfffc, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::hartid_offset + 4, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::load_flags_offset + 4, 4).status ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(0x800, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::rank_table_offset + 2, 4).status ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::rank_table_offset, 8).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::rank_table_offset, 2).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::mesh_width_offset, 8).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::mesh_width_offset, 1).status == tlm::TLM_BURST_ERROR_RESPONSE);
}

TEST_CASE("CoreInfo: accesses are annotated with the latency") {
  Bench bench(tile_params(0));
  CHECK(bench.cpu.read(registers::rank_offset, 4, sc_time(5, SC_NS)).delay == sc_time(7, SC_NS));
  CHECK(bench.cpu.read(registers::rank_table_offset, 4, sc_time(5, SC_NS)).delay ==
        sc_time(7, SC_NS));
  CHECK(bench.cpu.write(registers::rank_offset, 4, 1).delay == latency);
}

TEST_CASE("CoreInfo: bad parameters are refused with a message") {
  CoreInfoParams no_table = tile_params(0);
  no_table.rank_hartids = nullptr;
  CHECK_THROWS_AS(CoreInfo("no_table", no_table, latency), std::invalid_argument);
  CoreInfoParams empty = tile_params(0);
  empty.rank_hartids = std::make_shared<const std::vector<uint32_t>>();
  CHECK_THROWS_AS(CoreInfo("empty", empty, latency), std::invalid_argument);
  CoreInfoParams zero_width = tile_params(0);
  zero_width.mesh_width = 0;
  CHECK_THROWS_AS(CoreInfo("zero_width", zero_width, latency), std::invalid_argument);
  CoreInfoParams too_many = tile_params(0);
  too_many.rank_hartids =
      std::make_shared<const std::vector<uint32_t>>(CoreInfo::max_cores + 1, 0u);
  CHECK_THROWS_AS(CoreInfo("too_many", too_many, latency), std::invalid_argument);
  CHECK_THROWS_WITH(CoreInfo("bad_rank", tile_params(11), latency),
                    Catch::Contains("rank 11 is outside the rank table (11 cores)"));
}
