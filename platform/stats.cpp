#include "stats.h"

#include <cstdio>
#include <sstream>

namespace dojo::platform {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string coord(const noc::Coord& c) {
  return "{\"chip\": [" + std::to_string(c.chip_x) + ", " + std::to_string(c.chip_y) +
         "], \"x\": " + std::to_string(c.x) + ", \"y\": " + std::to_string(c.y) + "}";
}

// Writes `items` as a JSON array, one element per line.
template <typename T, typename Format>
void array(std::ostringstream& out, const char* key, const std::vector<T>& items, Format format,
           bool last = false) {
  out << "  " << quoted(key) << ": [";
  for (size_t i = 0; i < items.size(); ++i) out << (i ? ",\n    " : "\n    ") << format(items[i]);
  out << (items.empty() ? "]" : "\n  ]") << (last ? "\n" : ",\n");
}

}  // namespace

std::string to_json(const RunStatistics& s) {
  std::ostringstream out;
  out << "{\n";
  out << "  \"format\": \"dojo-vp statistics 1\",\n";
  out << "  \"tile\": {\"chips_x\": " << s.chips_x << ", \"chips_y\": " << s.chips_y
      << ", \"mesh_width\": " << s.mesh_width << ", \"mesh_height\": " << s.mesh_height
      << ", \"disabled_cores\": [";
  for (size_t i = 0; i < s.disabled_cores.size(); ++i)
    out << (i ? ", " : "") << "[" << s.disabled_cores[i].first << ", "
        << s.disabled_cores[i].second << "]";
  out << "], \"core_clock_hz\": " << s.core_clock_hz << ", \"noc_clock_hz\": " << s.noc_clock_hz
      << ", \"flit_bytes\": " << s.flit_bytes << "},\n";
  out << "  \"outcome\": " << quoted(s.outcome) << ",\n";
  out << "  \"exit_status\": " << s.exit_status << ",\n";
  out << "  \"simulated_time_ps\": " << s.simulated_time_ps << ",\n";
  out << "  \"wall_time_s\": " << number(s.wall_time_s) << ",\n";
  out << "  \"instructions\": " << s.instructions << ",\n";
  out << "  \"mips\": " << number(s.wall_time_s > 0 ? s.instructions / s.wall_time_s / 1e6 : 0)
      << ",\n";
  array(out, "cores", s.cores, [](const CoreStatistics& c) {
    return "{\"hartid\": " + std::to_string(c.hartid) + ", \"rank\": " + std::to_string(c.rank) +
           ", \"position\": " + coord(c.coord) + ", \"state\": " + quoted(c.state) +
           ", \"instructions\": " + std::to_string(c.instructions) +
           ", \"cycles\": " + std::to_string(c.cycles) +
           ", \"stall_cycles\": " + std::to_string(c.stall_cycles) +
           ", \"wfi_cycles\": " + std::to_string(c.wfi_cycles) + "}";
  });
  array(out, "links", s.links, [](const LinkStatistics& l) {
    return "{\"name\": " + quoted(l.link.name) + ", \"from\": " + coord(l.link.from) +
           ", \"to\": " + coord(l.link.to) + ", \"flits\": " + std::to_string(l.link.flits) +
           ", \"bytes\": " + std::to_string(l.bytes) +
           ", \"busy_cycles\": " + std::to_string(l.link.busy_cycles) +
           ", \"utilisation\": " + number(l.utilisation) + "}";
  });
  const noc::PacketStats& p = s.packets;
  out << "  \"packets\": {\"count\": " << p.packets << ", \"flits\": " << p.flits
      << ", \"average_latency\": " << number(p.packets ? double(p.total_latency) / p.packets : 0)
      << ", \"max_latency\": " << p.max_latency << ", \"bucket_cycles\": " << p.bucket_cycles
      << ", \"latency_histogram\": [";
  for (size_t i = 0; i < p.latency_histogram.size(); ++i)
    out << (i ? ", " : "") << p.latency_histogram[i];
  out << "]},\n";
  array(
      out, "dma", s.dma,
      [](const DmaStatistics& d) {
        return "{\"hartid\": " + std::to_string(d.hartid) +
               ", \"descriptors\": " + std::to_string(d.descriptors) +
               ", \"bytes\": " + std::to_string(d.bytes) +
               ", \"errors\": " + std::to_string(d.errors) + "}";
      },
      true);
  out << "}\n";
  return out.str();
}

}  // namespace dojo::platform
