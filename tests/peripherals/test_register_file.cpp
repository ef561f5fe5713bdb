// The register decoding shared by the peripherals (peripherals/register_file.h): register arrays,
// whose elements interleave with other arrays' and answer with their index.
#include <catch2/catch.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "peripherals/register_file.h"

using dojo::peripherals::Register;
using dojo::peripherals::RegisterArray;
using dojo::peripherals::RegisterFile;

namespace {

// A debug access of `length` bytes at `offset`: its status, and the value read.
struct Access {
  tlm::tlm_response_status status;
  uint64_t value;
};

Access access(RegisterFile& file, tlm::tlm_command command, uint64_t offset, unsigned length,
              uint64_t value = 0) {
  unsigned char data[8] = {};
  for (unsigned i = 0; i < length; ++i) data[i] = static_cast<unsigned char>(value >> 8 * i);
  tlm::tlm_generic_payload trans;
  trans.set_command(command);
  trans.set_address(offset);
  trans.set_data_ptr(data);
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  file.transport_dbg(trans);
  uint64_t read = 0;
  for (unsigned i = 0; i < length; ++i) read |= uint64_t{data[i]} << 8 * i;
  return {trans.get_response_status(), read};
}

}  // namespace

TEST_CASE("RegisterFile: array elements answer at their offsets with their index, interleaved") {
  std::vector<uint64_t> values(3, 0);
  std::vector<unsigned> added;
  const auto read = [&values](unsigned i, const sc_core::sc_time&) { return values.at(i); };
  RegisterFile file("dev", sc_core::SC_ZERO_TIME,
                    {{"id", 0x100, 4, 4, [](const sc_core::sc_time&) { return 0xD0u; }, nullptr}},
                    {{"value", 0x00, 16, 3, 8, 4, read,
                      [&values](unsigned i, uint64_t v, const sc_core::sc_time&) {
                        values.at(i) = v;
                      }},
                     {"add", 0x08, 16, 3, 8, 8, read,
                      [&](unsigned i, uint64_t v, const sc_core::sc_time&) {
                        values.at(i) += v;
                        added.push_back(i);
                      }}});
  CHECK(access(file, tlm::TLM_WRITE_COMMAND, 0x20, 8, 5).status == tlm::TLM_OK_RESPONSE);
  CHECK(access(file, tlm::TLM_WRITE_COMMAND, 0x28, 8, 2).status == tlm::TLM_OK_RESPONSE);
  CHECK(values == std::vector<uint64_t>{0, 0, 7});
  CHECK(added == std::vector<unsigned>{2});
  // A 4-byte write into element 1's upper half keeps its lower half.
  CHECK(access(file, tlm::TLM_WRITE_COMMAND, 0x10, 8, 0x11111111).status == tlm::TLM_OK_RESPONSE);
  CHECK(access(file, tlm::TLM_WRITE_COMMAND, 0x14, 4, 0x22).status == tlm::TLM_OK_RESPONSE);
  CHECK(values.at(1) == 0x2211111111ull);
  CHECK(access(file, tlm::TLM_READ_COMMAND, 0x18, 8).value == 0x2211111111ull);  // add1 reads
  CHECK(access(file, tlm::TLM_READ_COMMAND, 0x100, 4).value == 0xD0);
  // add is 8-byte only; past the last element and past the register there is nothing.
  CHECK(access(file, tlm::TLM_READ_COMMAND, 0x08, 4).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(access(file, tlm::TLM_READ_COMMAND, 0x30, 8).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(access(file, tlm::TLM_READ_COMMAND, 0x104, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("RegisterFile: overlapping elements, bad strides and empty arrays are refused by name") {
  const auto build = [](std::vector<Register> registers, std::vector<RegisterArray> arrays) {
    RegisterFile file("dev", sc_core::SC_ZERO_TIME, std::move(registers), std::move(arrays));
  };
  using Catch::Matchers::Contains;
  // Element 2 of `a` (0x20..0x27) meets register `r`.
  CHECK_THROWS_WITH(build({{"r", 0x24, 4, 4, nullptr, nullptr}},
                          {{"a", 0x00, 16, 3, 8, 8, nullptr, nullptr}}),
                    Contains("dev: register r overlaps a2"));
  // Two arrays with the same stride and offsets 4 apart: every element overlaps.
  CHECK_THROWS_WITH(build({}, {{"a", 0x00, 16, 2, 8, 8, nullptr, nullptr},
                               {"b", 0x04, 16, 2, 4, 4, nullptr, nullptr}}),
                    Contains("dev: register b0 overlaps a0"));
  CHECK_THROWS_WITH(build({}, {{"a", 0x00, 4, 2, 8, 8, nullptr, nullptr}}),
                    Contains("register array a has no element, or a stride below"));
  CHECK_THROWS_WITH(build({}, {{"a", 0x00, 12, 2, 8, 8, nullptr, nullptr}}),
                    Contains("register array a"));
  CHECK_THROWS_WITH(build({}, {{"a", 0x00, 8, 0, 8, 8, nullptr, nullptr}}),
                    Contains("register array a"));
  CHECK_THROWS_WITH(build({}, {{"a", 0x04, 8, 2, 8, 8, nullptr, nullptr}}),
                    Contains("register a has a bad size, narrowest access or alignment"));
  CHECK_NOTHROW(build({{"r", 0x30, 4, 4, nullptr, nullptr}},
                      {{"a", 0x00, 16, 3, 8, 8, nullptr, nullptr},
                       {"b", 0x08, 16, 3, 8, 8, nullptr, nullptr}}));
}
