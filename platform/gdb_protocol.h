#pragma once
// The GDB remote serial protocol's bytes, without a socket or a target: packet framing
// ($payload#checksum, '}' escapes), acknowledgements and Ctrl-C as events of a byte-at-a-time
// reader, and the hex encodings of the packets' arguments. The GDB server (gdb_server.h) drives it
// over its connection; the fuzz target tests/fuzz/fuzz_gdb_packets.cpp drives it with raw bytes.
#include <cstdint>
#include <string>
#include <utility>

namespace dojo::platform::gdb {

// The largest packet body we accept, escaped, as offered in qSupported's PacketSize.
constexpr unsigned kPacketSize = 0x4000;

// Reads the debugger's byte stream one byte at a time. Each byte is looked at once and at most
// one packet body (kPacketSize) is held, so no input makes it buffer or rescan without bound.
class PacketReader {
 public:
  enum class Event {
    none,       // the byte completes nothing
    packet,     // a packet with a valid checksum ended: payload() holds it, unescaped
    corrupt,    // a packet with a wrong checksum (or a non-hex one) ended
    nak,        // '-' between packets: the debugger did not get our last packet intact
    interrupt,  // Ctrl-C (0x03) between packets
    oversized,  // the packet being read grew past kPacketSize; it is dropped
  };

  Event consume(char c);
  // The payload of the last Event::packet; taking it leaves it empty.
  std::string take_payload() { return std::move(payload_); }

 private:
  enum class State { between_packets, body, checksum_high, checksum_low };

  State state_ = State::between_packets;
  std::string body_;  // of the packet being read, still escaped
  int checksum_high_ = -1;
  std::string payload_;
};

// `payload` as a packet on the wire: '$', the body with the framing bytes (and '*', run-length
// encoding) escaped, '#', two hex digits of checksum.
std::string frame_packet(const std::string& payload);

// --- Hex encodings of the packets' arguments ---------------------------------------------------
int hex_digit(char c);                     // -1 if `c` is not a hex digit
std::string hex_byte(unsigned value);      // two digits, lower case
std::string hex_number(uint64_t value);    // no leading zeros
std::string hex_register(uint64_t value);  // 8 bytes, little-endian, as GDB sends registers
std::string encode_hex(const std::string& bytes);
// Each returns false (leaving its output unspecified) on text that is not what it reads.
bool parse_hex(const std::string& text, uint64_t& value);  // 1 to 16 digits
bool decode_hex(const std::string& text, std::string& bytes);
bool parse_register_value(const std::string& text, uint64_t& value);  // as hex_register writes
// "ADDR,LEN", or with `rest` "ADDR,LEN:REST" / "ADDR,LEN;REST" (REST into *rest).
bool parse_address_length(const std::string& text, uint64_t& addr, uint64_t& len,
                          std::string* rest = nullptr);

}  // namespace dojo::platform::gdb
