#include "gdb_protocol.h"

#include <cstdio>

namespace dojo::platform::gdb {
namespace {

unsigned checksum(const std::string& body) {
  unsigned total = 0;
  for (unsigned char c : body) total += c;
  return total & 0xff;
}

std::string unescape(const std::string& body) {
  std::string payload;
  payload.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '}' && i + 1 < body.size()) {
      payload += static_cast<char>(body[++i] ^ 0x20);
    } else {
      payload += body[i];
    }
  }
  return payload;
}

}  // namespace

PacketReader::Event PacketReader::consume(char c) {
  switch (state_) {
    case State::between_packets:
      if (c == '$') {
        body_.clear();
        state_ = State::body;
      } else if (c == '-') {
        return Event::nak;
      } else if (c == '\x03') {
        return Event::interrupt;
      }  // anything else ('+' included) means nothing here
      return Event::none;
    case State::body:
      if (c == '#') {
        state_ = State::checksum_high;
      } else if (c == '$') {
        body_.clear();  // the packet was cut short; a new one starts
      } else if (body_.size() == kPacketSize) {
        body_.clear();
        state_ = State::between_packets;
        return Event::oversized;
      } else {
        body_ += c;
      }
      return Event::none;
    case State::checksum_high:
      checksum_high_ = hex_digit(c);
      state_ = State::checksum_low;
      return Event::none;
    case State::checksum_low:
      break;
  }
  state_ = State::between_packets;
  const int low = hex_digit(c);
  if (checksum_high_ < 0 || low < 0 ||
      static_cast<unsigned>(checksum_high_ << 4 | low) != checksum(body_)) {
    return Event::corrupt;
  }
  payload_ = unescape(body_);
  return Event::packet;
}

std::string frame_packet(const std::string& payload) {
  std::string body;
  body.reserve(payload.size() + 4);
  for (char c : payload) {
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      body += '}';
      body += static_cast<char>(c ^ 0x20);
    } else {
      body += c;
    }
  }
  return "$" + body + "#" + hex_byte(checksum(body));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string hex_byte(unsigned value) {
  char text[3];
  std::snprintf(text, sizeof text, "%02x", value & 0xff);
  return text;
}

std::string hex_number(uint64_t value) {
  char text[20];
  std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(value));
  return text;
}

std::string hex_register(uint64_t value) {
  std::string text;
  for (unsigned i = 0; i < 8; ++i) text += hex_byte(static_cast<unsigned>(value >> (8 * i)));
  return text;
}

std::string encode_hex(const std::string& bytes) {
  std::string text;
  text.reserve(2 * bytes.size());
  for (unsigned char c : bytes) text += hex_byte(c);
  return text;
}

bool parse_hex(const std::string& text, uint64_t& value) {
  if (text.empty() || text.size() > 16) return false;
  value = 0;
  for (char c : text) {
    const int digit = hex_digit(c);
    if (digit < 0) return false;
    value = value << 4 | static_cast<uint64_t>(digit);
  }
  return true;
}

bool decode_hex(const std::string& text, std::string& bytes) {
  if (text.size() % 2 != 0) return false;
  bytes.clear();
  for (size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_digit(text[i]), low = hex_digit(text[i + 1]);
    if (high < 0 || low < 0) return false;
    bytes += static_cast<char>(high << 4 | low);
  }
  return true;
}

bool parse_register_value(const std::string& text, uint64_t& value) {
  std::string bytes;
  if (text.size() != 16 || !decode_hex(text, bytes)) return false;
  value = 0;
  for (unsigned i = 0; i < 8; ++i) value |= uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  return true;
}

bool parse_address_length(const std::string& text, uint64_t& addr, uint64_t& len,
                          std::string* rest) {
  const auto comma = text.find(',');
  if (comma == std::string::npos) return false;
  const auto end = rest ? text.find_first_of(":;", comma) : text.size();
  if (end == std::string::npos) return false;
  if (rest) *rest = text.substr(end + 1);
  return parse_hex(text.substr(0, comma), addr) &&
         parse_hex(text.substr(comma + 1, end - comma - 1), len);
}

}  // namespace dojo::platform::gdb
