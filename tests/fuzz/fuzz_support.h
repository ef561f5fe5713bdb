// Shared by the libFuzzer harnesses: the input as a file (the loaders take paths) and the checks
// every harness makes of an error message.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace dojo::fuzz {

// The input as an in-memory file that a loader can open by name, removed when this goes.
class InputFile {
 public:
  InputFile(const uint8_t* data, size_t size) : fd_(memfd_create("fuzz-input", MFD_CLOEXEC)) {
    if (fd_ < 0) die("memfd_create failed");
    for (size_t written = 0; written < size;) {
      const ssize_t n = ::write(fd_, data + written, size - written);
      if (n <= 0) die("write to the memfd failed");
      written += static_cast<size_t>(n);
    }
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() { ::close(fd_); }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

  [[noreturn]] static void die(const char* why) {
    std::fprintf(stderr, "fuzz harness: %s\n", why);
    std::abort();
  }

 private:
  int fd_;
};

// An error message quotes at most a bounded excerpt of the input, whatever the input's size.
inline constexpr size_t max_message_bytes = 1024;
inline void check_message(const std::string& message) {
  if (message.empty()) InputFile::die("an error without a message");
  if (message.size() > max_message_bytes) {
    std::fprintf(stderr, "error message of %zu bytes (at most %zu): %.300s...\n", message.size(),
                 max_message_bytes, message.c_str());
    std::abort();
  }
}

}  // namespace dojo::fuzz
