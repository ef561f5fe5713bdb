#include "console_order.h"

namespace dojo::platform {

bool ConsoleOrder::add(uint32_t rank, std::string line, sc_core::sc_time at) {
  const bool earliest = lines_.empty() || at < lines_.begin()->first.at;
  lines_.emplace(Key{at, rank, sequence_++}, std::move(line));
  return earliest;
}

void ConsoleOrder::write_before(sc_core::sc_time now, std::ostream& out) {
  auto line = lines_.begin();
  for (; line != lines_.end() && line->first.at < now; ++line) out << line->second;
  lines_.erase(lines_.begin(), line);
}

void ConsoleOrder::write_all(std::ostream& out) {
  for (const auto& [key, text] : lines_) out << text;
  lines_.clear();
}

std::optional<sc_core::sc_time> ConsoleOrder::earliest() const {
  if (lines_.empty()) return std::nullopt;
  return lines_.begin()->first.at;
}

}  // namespace dojo::platform
