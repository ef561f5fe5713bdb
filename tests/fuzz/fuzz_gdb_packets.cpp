// libFuzzer harness of the GDB remote protocol's reader (platform/gdb_protocol.h): the input is
// the byte stream a debugger sends. Every packet read must be at most PacketSize, frame back to
// the same payload, and go through the argument parsers the server applies to packets; nothing
// the stream holds may crash, hang or grow the reader.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "gdb_protocol.h"

namespace {

using namespace dojo::platform::gdb;
using dojo::fuzz::InputFile;

std::string lower_case(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// The server's parsers of a packet's arguments, on every packet (each may refuse it); what they
// accept encodes back to the same hex.
void parse_arguments(const std::string& payload) {
  if (payload.empty()) return;
  const std::string args = payload.substr(1);
  uint64_t addr = 0, len = 0, value = 0;
  std::string rest, bytes;
  parse_address_length(args, addr, len);
  if (parse_address_length(args, addr, len, &rest) && decode_hex(rest, bytes) &&
      encode_hex(bytes) != lower_case(rest)) {
    InputFile::die("decode_hex then encode_hex does not give the hex back");
  }
  if (parse_register_value(args, value) && hex_register(value) != lower_case(args)) {
    InputFile::die("parse_register_value then hex_register does not give the hex back");
  }
}

// A payload framed and read again by a fresh reader is one packet with the same payload.
void check_round_trip(const std::string& payload) {
  PacketReader reader;
  const std::string wire = frame_packet(payload);
  for (size_t i = 0; i < wire.size(); ++i) {
    const PacketReader::Event event = reader.consume(wire[i]);
    const bool last = i + 1 == wire.size();
    if (event != (last ? PacketReader::Event::packet : PacketReader::Event::none)) {
      InputFile::die("a framed payload does not read back as one packet");
    }
  }
  if (reader.take_payload() != payload) InputFile::die("a framed payload reads back changed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  PacketReader reader;
  for (size_t i = 0; i < size; ++i) {
    if (reader.consume(static_cast<char>(data[i])) != PacketReader::Event::packet) continue;
    const std::string payload = reader.take_payload();
    if (payload.size() > kPacketSize) InputFile::die("a packet longer than PacketSize was read");
    parse_arguments(payload);
    // Framed again it may be longer than it came (we escape '*'); only what fits reads back.
    if (frame_packet(payload).size() <= kPacketSize + 4) check_round_trip(payload);
  }
  return 0;
}
