// The GDB remote protocol's framing and encodings, without a socket (platform/gdb_protocol.h).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "gdb_protocol.h"

using namespace dojo::platform::gdb;
using Event = PacketReader::Event;

namespace {

// Every event but `none` that `bytes` makes, and the payloads of its packets.
struct Read {
  std::vector<Event> events;
  std::vector<std::string> payloads;
};

Read read_all(PacketReader& reader, const std::string& bytes) {
  Read read;
  for (char c : bytes) {
    const Event event = reader.consume(c);
    if (event == Event::none) continue;
    read.events.push_back(event);
    if (event == Event::packet) read.payloads.push_back(reader.take_payload());
  }
  return read;
}

Read read_all(const std::string& bytes) {
  PacketReader reader;
  return read_all(reader, bytes);
}

}  // namespace

TEST_CASE("a framed packet reads back as its payload, framing bytes escaped") {
  const std::string payload = "X100,4:$#}*\x03-";
  const std::string wire = frame_packet(payload);
  CHECK(wire.find_first_of("$#*", 1) == wire.size() - 3);  // only the framing's own '$' and '#'
  const Read read = read_all(wire);
  REQUIRE(read.events == std::vector<Event>{Event::packet});
  CHECK(read.payloads[0] == payload);
}

TEST_CASE("the checksum is the sum of the escaped body's bytes, modulo 256") {
  CHECK(frame_packet("OK") == "$OK#9a");
  CHECK(frame_packet("") == "$#00");
  CHECK(frame_packet("#") == "$}\x03#80");
}

TEST_CASE("a wrong or non-hex checksum is a corrupt packet, and the next packet still reads") {
  const Read read = read_all("$OK#9b$OK#zz" + frame_packet("g"));
  CHECK(read.events == std::vector<Event>{Event::corrupt, Event::corrupt, Event::packet});
  CHECK(read.payloads == std::vector<std::string>{"g"});
}

TEST_CASE("between packets: '-' is a NAK, Ctrl-C an interrupt, anything else nothing") {
  CHECK(read_all("+-x\x03+").events == std::vector<Event>{Event::nak, Event::interrupt});
  // Inside a packet the same bytes are its payload.
  CHECK(read_all(frame_packet("-\x03")).payloads == std::vector<std::string>{"-\x03"});
}

TEST_CASE("a '$' inside a packet starts a new one") {
  const Read read = read_all("$m0,4$" + frame_packet("g").substr(1));
  CHECK(read.payloads == std::vector<std::string>{"g"});
}

TEST_CASE("a body longer than PacketSize is refused at its first byte too many, once") {
  PacketReader reader;
  const std::string longest(kPacketSize, 'a');
  CHECK(read_all(reader, frame_packet(longest)).payloads == std::vector<std::string>{longest});
  const Read read = read_all(reader, "$" + std::string(3 * kPacketSize, 'a'));
  CHECK(read.events == std::vector<Event>{Event::oversized});
  // The rest of the oversized packet is junk between packets; the reader is ready for the next.
  CHECK(read_all(reader, frame_packet("g")).payloads == std::vector<std::string>{"g"});
}

TEST_CASE("hex encodings read back what they write") {
  CHECK(hex_register(0x0123456789abcdefULL) == "efcdab8967452301");
  uint64_t value = 0;
  REQUIRE(parse_register_value(hex_register(0x0123456789abcdefULL), value));
  CHECK(value == 0x0123456789abcdefULL);
  CHECK_FALSE(parse_register_value("efcdab89674523", value));
  std::string bytes;
  REQUIRE(decode_hex(encode_hex(std::string("\0\xff\x7f", 3)), bytes));
  CHECK(bytes == std::string("\0\xff\x7f", 3));
  CHECK_FALSE(decode_hex("abc", bytes));
  CHECK_FALSE(decode_hex("zz", bytes));
  CHECK(hex_number(0) == "0");
  CHECK(hex_number(0x4000) == "4000");
  CHECK(parse_hex("FFFFFFFFFFFFFFFF", value));
  CHECK(value == ~0ULL);
  CHECK_FALSE(parse_hex("10000000000000000", value));  // 17 digits
  CHECK_FALSE(parse_hex("", value));
}

TEST_CASE("ADDR,LEN and ADDR,LEN:REST") {
  uint64_t addr = 0, len = 0;
  std::string rest;
  REQUIRE(parse_address_length("80000000,4", addr, len));
  CHECK(addr == 0x80000000);
  CHECK(len == 4);
  REQUIRE(parse_address_length("10,2:abcd", addr, len, &rest));
  CHECK(addr == 0x10);
  CHECK(len == 2);
  CHECK(rest == "abcd");
  CHECK_FALSE(parse_address_length("10", addr, len));
  CHECK_FALSE(parse_address_length("10,", addr, len));
  CHECK_FALSE(parse_address_length("10,2", addr, len, &rest));  // no ':'
  CHECK_FALSE(parse_address_length("x,2", addr, len));
}
