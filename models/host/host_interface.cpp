#include "host/host_interface.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <utility>

#include "support/hex.h"

namespace dojo::host {

HostInterface::HostInterface(sc_core::sc_module_name name, const HostInterfaceParams& params)
    : sc_core::sc_module(name), socket("socket"), params_(params) {
  const auto require = [this](bool ok, const char* field) {
    if (!ok) {
      throw std::invalid_argument(std::string(this->name()) + ": " + field + " must not be 0");
    }
  };
  require(params.memory_size != 0, "memory_size");
  require(params.link_bytes_per_cycle != 0, "link_bytes_per_cycle");
  require(params.clock_period != sc_core::SC_ZERO_TIME, "clock_period");
  require(params.chunk_bytes != 0, "chunk_bytes");
  SC_HAS_PROCESS(HostInterface);
  SC_THREAD(boot);
}

void HostInterface::require_not_started(const char* what) const {
  if (started_) {
    throw std::logic_error(std::string(name()) + ": " + what +
                           " must be called before the simulation starts");
  }
}

HostInterface::ImageId HostInterface::add_image(const std::string& name,
                                                const std::vector<ImageSegment>& segments) {
  require_not_started("add_image");
  const std::string where = std::string(this->name()) + ": image '" + name + "'";
  Image image;
  image.name = name;
  uint64_t file_bytes = 0;
  for (const ImageSegment& segment : segments) {
    const std::string segment_where = where + " segment at " + hex(segment.address);
    if (segment.memory_size < segment.bytes.size()) {
      throw std::invalid_argument(segment_where + ": memory size " +
                                  std::to_string(segment.memory_size) + " is below its " +
                                  std::to_string(segment.bytes.size()) + " file bytes");
    }
    if (segment.memory_size == 0) continue;
    if (segment.memory_size - 1 > std::numeric_limits<uint64_t>::max() - segment.address) {
      throw std::invalid_argument(segment_where + ": " + std::to_string(segment.memory_size) +
                                  " bytes run past the end of the address space");
    }
    const uint64_t last = segment.address + (segment.memory_size - 1);
    image.lowest = image.empty ? segment.address : std::min(image.lowest, segment.address);
    image.highest = image.empty ? last : std::max(image.highest, last);
    image.empty = false;
    file_bytes += segment.bytes.size();
  }
  const uint64_t free_bytes = params_.memory_size - memory_.size();
  if (file_bytes > free_bytes) {
    throw std::invalid_argument(where + " needs " + std::to_string(file_bytes) +
                                " bytes but only " + std::to_string(free_bytes) + " of the " +
                                std::to_string(params_.memory_size) +
                                "-byte host interface memory are free");
  }

  for (const ImageSegment& segment : segments) {
    for (uint64_t done = 0; done < segment.bytes.size(); done += params_.chunk_bytes) {
      const auto length = static_cast<uint32_t>(
          std::min<uint64_t>(params_.chunk_bytes, segment.bytes.size() - done));
      image.chunks.push_back({memory_.size() + done, segment.address + done, length});
    }
    memory_.insert(memory_.end(), segment.bytes.begin(), segment.bytes.end());
  }
  images_.push_back(std::move(image));
  return static_cast<ImageId>(images_.size() - 1);
}

void HostInterface::add_target(ImageId image_id, uint64_t window_base, uint64_t local_base,
                               ReleaseCallback release) {
  require_not_started("add_target");
  const std::string where = std::string(name()) + ": target at " + hex(window_base);
  if (image_id >= images_.size()) {
    throw std::invalid_argument(where + ": unknown image id " + std::to_string(image_id));
  }
  if (!release) throw std::invalid_argument(where + ": no release callback");
  const Image& image = images_[image_id];
  if (!image.empty) {
    if (image.lowest < local_base) {
      throw std::invalid_argument(where + ": image '" + image.name + "' has a segment at " +
                                  hex(image.lowest) + ", below the core's SRAM base " +
                                  hex(local_base));
    }
    if (image.highest - local_base > std::numeric_limits<uint64_t>::max() - window_base) {
      throw std::invalid_argument(where + ": image '" + image.name +
                                  "' runs past the end of the address space");
    }
  }
  targets_.push_back({image_id, window_base - local_base, std::move(release)});
}

void HostInterface::use_fast_load() {
  require_not_started("use_fast_load");
  fast_load_ = true;
}

void HostInterface::boot() {
  started_ = true;
  if (fast_load_ ? load_fast() : stream()) boot_done_ = true;
}

// Writes are posted: chunk i is handed to the network once it has crossed the link, at
// start + start_latency + (serialisation of chunks 0..i), without waiting for earlier chunks to be
// acknowledged. The network's annotated delay gives each chunk's completion.
bool HostInterface::stream() {
  quantum_keeper_.reset();
  sc_core::sc_time next_injection = sc_core::sc_time_stamp() + params_.start_latency;
  for (Target& target : targets_) {
    sc_core::sc_time release_at = next_injection;  // a target with nothing to send is ready now
    for (const Chunk& chunk : images_[target.image].chunks) {
      // A network that makes its initiators wait (noc.model: cycle) returns after the chunk has
      // arrived: the link has been free since.
      next_injection = std::max(next_injection, sc_core::sc_time_stamp());
      const sc_core::sc_time handed_over = next_injection + serialisation_time(chunk.length);
      quantum_keeper_.set(handed_over - sc_core::sc_time_stamp());
      sc_core::sc_time delay = quantum_keeper_.get_local_time();
      prepare_write(target, chunk);
      socket->b_transport(payload_, delay);
      if (!payload_.is_response_ok()) {
        fail(target, chunk, payload_.get_response_string());
        return false;
      }
      release_at = std::max(release_at, sc_core::sc_time_stamp() + delay);
      next_injection = handed_over;
      bytes_sent_ += chunk.length;
      ++chunks_sent_;
      if (quantum_keeper_.need_sync()) quantum_keeper_.sync();
    }
    release(target, release_at);
  }
  quantum_keeper_.sync();
  return true;
}

bool HostInterface::load_fast() {
  for (Target& target : targets_) {
    for (const Chunk& chunk : images_[target.image].chunks) {
      prepare_write(target, chunk);
      const unsigned written = socket->transport_dbg(payload_);
      if (written != chunk.length) {
        fail(target, chunk, "debug write stored " + std::to_string(written) + " bytes");
        return false;
      }
      bytes_sent_ += chunk.length;
      ++chunks_sent_;
    }
    release(target, sc_core::SC_ZERO_TIME);
  }
  return true;
}

void HostInterface::release(Target& target, const sc_core::sc_time& at) {
  boot_finished_ = std::max(boot_finished_, at);
  ++targets_released_;
  target.release(at);
}

void HostInterface::prepare_write(const Target& target, const Chunk& chunk) {
  payload_.set_command(tlm::TLM_WRITE_COMMAND);
  payload_.set_address(target.window_offset + chunk.local_address);
  payload_.set_data_ptr(memory_.data() + chunk.memory_offset);
  payload_.set_data_length(chunk.length);
  payload_.set_streaming_width(chunk.length);
  payload_.set_byte_enable_ptr(nullptr);
  payload_.set_byte_enable_length(0);
  payload_.set_dmi_allowed(false);
  payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

void HostInterface::fail(const Target& target, const Chunk& chunk, const std::string& why) {
  const uint64_t address = target.window_offset + chunk.local_address;
  error_ = std::string(name()) + ": boot stopped: writing " + std::to_string(chunk.length) +
           " bytes of image '" + images_[target.image].name + "' (local address " +
           hex(chunk.local_address) + ") to " + hex(address) + " failed: " + why;
  SC_REPORT_WARNING(name(), error_.c_str());
  sc_core::sc_stop();
}

sc_core::sc_time HostInterface::serialisation_time(uint32_t bytes) const {
  const uint64_t cycles =
      (uint64_t{bytes} + params_.link_bytes_per_cycle - 1) / params_.link_bytes_per_cycle;
  return sc_core::sc_time::from_value(cycles * params_.clock_period.value());
}

}  // namespace dojo::host
