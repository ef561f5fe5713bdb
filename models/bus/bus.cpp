#include "bus/bus.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace dojo::bus {

namespace {

constexpr uint64_t kAddressMax = std::numeric_limits<uint64_t>::max();

std::string describe(const std::string& name, uint64_t first, uint64_t last) {
  char range[64];
  std::snprintf(range, sizeof range, " [0x%llx, 0x%llx]", static_cast<unsigned long long>(first),
                static_cast<unsigned long long>(last));
  return "'" + name + "'" + range;
}

// Bytes an access touches from its address: a streaming width below the length makes it wrap.
uint64_t access_window(const tlm::tlm_generic_payload& trans) {
  const unsigned length = trans.get_data_length();
  const unsigned streaming_width = trans.get_streaming_width();
  return streaming_width == 0 ? length : std::min(streaming_width, length);
}

}  // namespace

Bus::Bus(sc_core::sc_module_name name)
    : sc_core::sc_module(name), target("target"), initiator("initiator") {
  target.register_b_transport(this, &Bus::b_transport);
  target.register_transport_dbg(this, &Bus::transport_dbg);
  target.register_get_direct_mem_ptr(this, &Bus::get_direct_mem_ptr);
  initiator.register_invalidate_direct_mem_ptr(this, &Bus::invalidate_direct_mem_ptr);
}

void Bus::map(unsigned initiator_port, uint64_t base, uint64_t size, std::string name) {
  const std::string prefix = std::string(this->name()) + ": cannot map ";
  if (size == 0) throw std::invalid_argument(prefix + "'" + name + "': size is 0");
  if (size - 1 > kAddressMax - base) {
    throw std::invalid_argument(prefix + "'" + name + "': base + size passes the end of the " +
                                "64-bit address space");
  }
  const uint64_t last = base + (size - 1);
  const std::string added = describe(name, base, last);

  for (const auto& existing : mappings_) {
    if (last < existing->base || existing->last < base) continue;
    const std::string other = describe(existing->name, existing->base, existing->last);
    if (base == existing->base && last == existing->last) {
      throw std::invalid_argument(prefix + added + ": it covers the same range as " + other);
    }
    const bool inside = existing->base <= base && last <= existing->last;
    const bool around = base <= existing->base && existing->last <= last;
    if (!inside && !around) {
      throw std::invalid_argument(prefix + added + ": it partially overlaps " + other +
                                  " (mappings may only nest)");
    }
  }

  mappings_.push_back(std::make_unique<Mapping>(Mapping{base, last, initiator_port, name}));
  segments_stale_ = true;
  // Initiators may hold DMI pointers that now cover the new mapping.
  if (sc_core::sc_is_running()) invalidate_all_initiators(base, last);
}

void Bus::end_of_elaboration() {
  for (const auto& mapping : mappings_) {
    if (mapping->port >= initiator.size()) {
      SC_REPORT_ERROR(name(), (describe(mapping->name, mapping->base, mapping->last) +
                               " is mapped to initiator port " + std::to_string(mapping->port) +
                               ", but only " + std::to_string(initiator.size()) +
                               " targets are bound")
                                  .c_str());
    }
  }
}

void Bus::rebuild_segments() {
  // Parents sort before the mappings nested in them: by base, then larger range first.
  std::vector<const Mapping*> order;
  order.reserve(mappings_.size());
  for (const auto& mapping : mappings_) order.push_back(mapping.get());
  std::sort(order.begin(), order.end(), [](const Mapping* a, const Mapping* b) {
    return a->base != b->base ? a->base < b->base : a->last > b->last;
  });

  // Sweep the nesting tree: `open` holds the chain of mappings containing the sweep position,
  // innermost last; `cursor` is the first address of the innermost one not yet in a segment.
  segments_.clear();
  std::vector<const Mapping*> open;
  uint64_t cursor = 0;
  auto emit = [this](const Mapping* mapping, uint64_t first, uint64_t last) {
    if (first <= last) segments_.push_back(Segment{first, last, mapping});
  };
  auto close_innermost = [&] {
    const Mapping* closing = open.back();
    open.pop_back();
    emit(closing, cursor, closing->last);
    // A mapping ending at 2^64 - 1 ends all its parents too: nothing is left to emit.
    if (closing->last == kAddressMax) {
      open.clear();
    } else {
      cursor = closing->last + 1;
    }
  };
  for (const Mapping* mapping : order) {
    while (!open.empty() && open.back()->last < mapping->base) close_innermost();
    if (!open.empty() && mapping->base > cursor) emit(open.back(), cursor, mapping->base - 1);
    open.push_back(mapping);
    cursor = mapping->base;
  }
  while (!open.empty()) close_innermost();

  segments_stale_ = false;
  last_hit_ = nullptr;
}

const Bus::Segment* Bus::decode(uint64_t address) {
  if (segments_stale_) rebuild_segments();
  if (last_hit_ && last_hit_->first <= address && address <= last_hit_->last) return last_hit_;
  auto after = std::upper_bound(segments_.begin(), segments_.end(), address,
                                [](uint64_t a, const Segment& s) { return a < s.first; });
  if (after == segments_.begin()) return nullptr;
  const Segment& candidate = *(after - 1);
  if (address > candidate.last) return nullptr;
  last_hit_ = &candidate;
  return last_hit_;
}

void Bus::unmapped_gap(uint64_t address, uint64_t& first, uint64_t& last) const {
  auto after = std::upper_bound(segments_.begin(), segments_.end(), address,
                                [](uint64_t a, const Segment& s) { return a < s.first; });
  first = after == segments_.begin() ? 0 : (after - 1)->last + 1;
  last = after == segments_.end() ? kAddressMax : after->first - 1;
}

void Bus::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t address = trans.get_address();
  const Segment* segment = decode(address);
  const uint64_t window = access_window(trans);
  // An access must stay within one segment: it may not run into an inner mapping or off the end.
  if (!segment || (window != 0 && window - 1 > segment->last - address)) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const Mapping& mapping = *segment->mapping;
  trans.set_address(address - mapping.base);
  initiator[mapping.port]->b_transport(trans, delay);
  trans.set_address(address);
}

unsigned int Bus::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  // Debug accesses (loaders, debuggers) may span several targets, e.g. an ELF image over the HTIF
  // word inside SRAM: split them at segment edges and stop at the first short piece.
  const uint64_t address = trans.get_address();
  unsigned char* data = trans.get_data_ptr();
  const unsigned length = trans.get_data_length();
  unsigned done = 0;
  while (done < length) {
    const uint64_t piece_address = address + done;
    const Segment* segment = decode(piece_address);
    if (!segment) break;
    const unsigned piece = static_cast<unsigned>(
        std::min<uint64_t>(length - done, segment->last - piece_address + 1));
    trans.set_address(piece_address - segment->mapping->base);
    trans.set_data_ptr(data + done);
    trans.set_data_length(piece);
    const unsigned transferred = initiator[segment->mapping->port]->transport_dbg(trans);
    done += transferred;
    if (transferred < piece) break;
  }
  trans.set_address(address);
  trans.set_data_ptr(data);
  trans.set_data_length(length);
  if (done == 0) trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  return done;
}

bool Bus::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const uint64_t address = trans.get_address();
  const Segment* segment = decode(address);
  if (!segment) {
    uint64_t first, last;
    unmapped_gap(address, first, last);
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    dmi.set_start_address(first);
    dmi.set_end_address(last);
    return false;
  }

  const Mapping& mapping = *segment->mapping;
  trans.set_address(address - mapping.base);
  const bool granted = initiator[mapping.port]->get_direct_mem_ptr(trans, dmi);
  trans.set_address(address);

  // The target answers in its own offsets, for a range that may cover inner mappings (or more than
  // the mapping): clip it to the segment, in offsets, before translating back to bus addresses.
  const uint64_t target_first = dmi.get_start_address();
  const uint64_t first = std::max<uint64_t>(target_first, segment->first - mapping.base);
  const uint64_t last =
      std::min<uint64_t>(dmi.get_end_address(), segment->last - mapping.base);
  const uint64_t offset = address - mapping.base;
  if (first > offset || offset > last) {
    // The target's range does not hold the address it was asked for: deny DMI for just that byte.
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    dmi.set_start_address(address);
    dmi.set_end_address(address);
    return false;
  }
  if (granted) dmi.set_dmi_ptr(dmi.get_dmi_ptr() + (first - target_first));
  dmi.set_start_address(mapping.base + first);
  dmi.set_end_address(mapping.base + last);
  return granted;
}

void Bus::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
  // A target may be mapped more than once: invalidate the range through every mapping of it.
  for (const auto& mapping : mappings_) {
    if (mapping->port != static_cast<unsigned>(port)) continue;
    const uint64_t mapping_last_offset = mapping->last - mapping->base;
    if (start > mapping_last_offset || start > end) continue;
    const uint64_t last_offset = std::min<uint64_t>(end, mapping_last_offset);
    invalidate_all_initiators(mapping->base + start, mapping->base + last_offset);
  }
}

void Bus::invalidate_all_initiators(uint64_t first, uint64_t last) {
  for (unsigned i = 0; i < target.size(); ++i) target[i]->invalidate_direct_mem_ptr(first, last);
}

}  // namespace dojo::bus
