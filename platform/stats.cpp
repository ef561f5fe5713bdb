#include "stats.h"

#include <cstdio>
#include <sstream>

#include "support/hex.h"

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
void array(std::ostringstream& out, const char* key, const std::vector<T>& items, Format format) {
  out << "  " << quoted(key) << ": [";
  for (size_t i = 0; i < items.size(); ++i) out << (i ? ",\n    " : "\n    ") << format(items[i]);
  out << (items.empty() ? "]" : "\n  ]") << ",\n";
}

// A scalar field: its name and its value, as JSON writes it (text writes strings unquoted).
struct Field {
  const char* name;
  std::string value;
  bool text = false;  // a string
};

std::string json_value(const Field& field) { return field.text ? quoted(field.value) : field.value; }

double mips(const RunStatistics& s) {
  return s.wall_time_s > 0 ? static_cast<double>(s.instructions) / s.wall_time_s / 1e6 : 0;
}

// The run's totals, in the JSON's order.
std::vector<Field> run_fields(const RunStatistics& s) {
  return {{"outcome", s.outcome, true},
          {"exit_status", std::to_string(s.exit_status)},
          {"simulated_time_ps", std::to_string(s.simulated_time_ps)},
          {"wall_time_s", number(s.wall_time_s)},
          {"instructions", std::to_string(s.instructions)},
          {"mips", number(mips(s))}};
}

std::vector<Field> packet_fields(const noc::PacketStats& p) {
  return {{"count", std::to_string(p.packets)},
          {"flits", std::to_string(p.flits)},
          {"average_latency", number(p.packets ? double(p.total_latency) / p.packets : 0)},
          {"max_latency", std::to_string(p.max_latency)},
          {"bucket_cycles", std::to_string(p.bucket_cycles)}};
}

std::vector<Field> network_fields(const NetworkStatistics& n) {
  return {{"model", n.model, true},
          {"interface_stalls", std::to_string(n.interface_stalls)},
          {"interface_stall_cycles", std::to_string(n.interface_stall_cycles)}};
}

std::vector<Field> translation_fields(const TranslationStatistics& t) {
  return {{"traces", std::to_string(t.traces)},
          {"shared", std::to_string(t.shared)},
          {"flushes", std::to_string(t.flushes)},
          {"code_bytes", std::to_string(t.code_bytes)},
          {"seconds", number(t.seconds)}};
}

std::vector<Field> parallel_fields(const ParallelStatistics& p) {
  return {{"threads", std::to_string(p.threads)},
          {"batches", std::to_string(p.batches)},
          {"slices", std::to_string(p.slices)},
          {"batch_seconds", number(p.batch_seconds)},
          {"run_seconds", number(p.run_seconds)}};
}

std::vector<Field> code_fields(const CodeMemoryStatistics& c) {
  return {{"decoded_pages", std::to_string(c.decoded_pages)},
          {"decoded_bytes", std::to_string(c.decoded_bytes)},
          {"table_bytes", std::to_string(c.table_bytes)}};
}

// `fields` as the members of a JSON object on one line, without the braces.
std::string json_members(const std::vector<Field>& fields) {
  std::string out;
  for (const Field& field : fields)
    out += (out.empty() ? "" : ", ") + quoted(field.name) + ": " + json_value(field);
  return out;
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
  for (const Field& field : run_fields(s))
    out << "  " << quoted(field.name) << ": " << json_value(field) << ",\n";
  array(out, "cores", s.cores, [](const CoreStatistics& c) {
    return "{\"hartid\": " + std::to_string(c.hartid) + ", \"rank\": " + std::to_string(c.rank) +
           ", \"position\": " + coord(c.coord) + ", \"state\": " + quoted(c.state) +
           ", \"pc\": " + std::to_string(c.pc) +
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
  out << "  \"packets\": {" << json_members(packet_fields(p)) << ", \"latency_histogram\": [";
  for (size_t i = 0; i < p.latency_histogram.size(); ++i)
    out << (i ? ", " : "") << p.latency_histogram[i];
  out << "]},\n";
  out << "  \"network\": {" << json_members(network_fields(s.network)) << "},\n";
  array(out, "interfaces", s.network.interfaces, [](const InterfaceStatistics& i) {
    return std::string(i.host ? "{\"host\": true" : "{\"hartid\": " + std::to_string(i.hartid) +
                                                           ", \"position\": " + coord(i.coord)) +
           ", \"stalls\": " + std::to_string(i.stalls) +
           ", \"stall_cycles\": " + std::to_string(i.stall_cycles) + "}";
  });
  array(out, "dma", s.dma, [](const DmaStatistics& d) {
    return "{\"hartid\": " + std::to_string(d.hartid) +
           ", \"descriptors\": " + std::to_string(d.descriptors) +
           ", \"bytes\": " + std::to_string(d.bytes) +
           ", \"errors\": " + std::to_string(d.errors) +
           ", \"busy_cycles\": " + std::to_string(d.busy_cycles) + "}";
  });
  out << "  \"translation\": {" << json_members(translation_fields(s.translation)) << "},\n";
  out << "  \"parallel\": {" << json_members(parallel_fields(s.parallel)) << "},\n";
  out << "  \"code\": {" << json_members(code_fields(s.code)) << "}\n";
  out << "}\n";
  return out.str();
}

std::string to_text(const RunStatistics& s, bool per_core) {
  std::ostringstream out;
  const auto lines = [&out](const std::string& prefix, const std::vector<Field>& fields) {
    for (const Field& field : fields) out << prefix << field.name << ": " << field.value << "\n";
  };
  lines("", run_fields(s));
  out << "cores: " << s.cores.size() << "\n";
  lines("packets.", packet_fields(s.packets));
  lines("network.", network_fields(s.network));
  lines("translation.", translation_fields(s.translation));
  lines("parallel.", parallel_fields(s.parallel));
  lines("code.", code_fields(s.code));
  if (per_core) {
    for (const CoreStatistics& c : s.cores) {
      out << "cores[" << c.rank << "]: hartid " << c.hartid << ", core " << c.coord.x << ","
          << c.coord.y << " of chip " << c.coord.chip_x << "," << c.coord.chip_y << ", "
          << c.state << ", pc " << hex(c.pc) << ", instructions " << c.instructions << ", cycles "
          << c.cycles << ", stall_cycles " << c.stall_cycles << ", wfi_cycles " << c.wfi_cycles
          << "\n";
    }
    for (size_t i = 0; i < s.network.interfaces.size(); ++i) {
      const InterfaceStatistics& n = s.network.interfaces[i];
      out << "interfaces[" << i << "]: ";
      if (n.host)
        out << "host interface";
      else
        out << "hartid " << n.hartid << ", core " << n.coord.x << "," << n.coord.y << " of chip "
            << n.coord.chip_x << "," << n.coord.chip_y;
      out << ", stalls " << n.stalls << ", stall_cycles " << n.stall_cycles << "\n";
    }
  }
  return out.str();
}

}  // namespace dojo::platform
