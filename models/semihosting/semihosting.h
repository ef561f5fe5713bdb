// Semihosting: the ARM semihosting operations (those picolibc's libsemihost uses) reached through
// the RISC-V semihosting sequence, for one core. Files live in one host directory (the root) and
// nothing outside it can be reached: absolute paths, `..` that leaves it and symbolic links
// pointing out are refused (the kernel resolves every path beneath the root, openat2's
// RESOLVE_BENEATH). `:tt` is the core's console; clock, time and elapsed count simulated time.
// Plain C++, no SystemC: the platform reaches memory, console, time and exit through a
// SemihostingPort. See docs/models/semihosting.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/hart.h"

namespace dojo::semihosting {

// The host directory firmware files live in, opened once and shared by every core.
class HostDirectory {
 public:
  // Throws std::invalid_argument naming `path` if it is not a directory that can be opened.
  explicit HostDirectory(const std::string& path);
  ~HostDirectory();
  HostDirectory(const HostDirectory&) = delete;
  HostDirectory& operator=(const HostDirectory&) = delete;

  const std::string& path() const { return path_; }
  // open(2) of `relative` beneath the root: a file descriptor, or -errno (EXDEV for a path that
  // would leave the root).
  int open(const std::string& relative, int flags) const;
  // unlink(2) and rename(2) beneath the root: 0, or -errno (EXDEV as for open).
  int remove(const std::string& relative) const;
  int rename(const std::string& from, const std::string& to) const;

 private:
  // The directory holding `relative`'s last component, opened beneath the root (or -errno), and
  // that component.
  int open_parent(const std::string& relative, std::string& leaf) const;

  std::string path_;
  int fd_ = -1;
};

// What a core's semihosting calls reach on the platform.
class SemihostingPort {
 public:
  virtual ~SemihostingPort() = default;
  // Copies between the core's memory (as the core sees it) and the host; false if any byte of
  // [addr, addr + len) cannot be accessed.
  virtual bool read_memory(uint64_t addr, void* data, uint64_t len) = 0;
  virtual bool write_memory(uint64_t addr, const void* data, uint64_t len) = 0;
  // One byte to the core's console.
  virtual void console_put(char c) = 0;
  // The core's simulated time, in picoseconds.
  virtual uint64_t now_ps() = 0;
  // Ends the run with this status (as the exit device does).
  virtual void exit(int status) = 0;
  // Something the firmware asked for was refused or failed in a way the user should see.
  virtual void warning(const std::string& message) = 0;
};

struct SemihostingParams {
  std::shared_ptr<const HostDirectory> root;
  std::string command_line;  // what SYS_GET_CMDLINE returns, e.g. from command_line()
  uint64_t tick_hz = 1;      // SYS_ELAPSED's ticks per second (SYS_TICKFREQ)
};

// The operation numbers (a0) this model carries out; anything else fails with ENOSYS.
enum Operation : uint64_t {
  sys_open = 0x01,
  sys_close = 0x02,
  sys_writec = 0x03,
  sys_write0 = 0x04,
  sys_write = 0x05,
  sys_read = 0x06,
  sys_readc = 0x07,
  sys_iserror = 0x08,
  sys_istty = 0x09,
  sys_seek = 0x0a,
  sys_flen = 0x0c,
  sys_remove = 0x0e,
  sys_rename = 0x0f,
  sys_clock = 0x10,
  sys_time = 0x11,
  sys_system = 0x12,
  sys_errno = 0x13,
  sys_get_cmdline = 0x15,
  sys_heapinfo = 0x16,
  sys_exit = 0x18,
  sys_exit_extended = 0x20,
  sys_elapsed = 0x30,
  sys_tickfreq = 0x31,
};

// The exit reason of a normal exit (SYS_EXIT, SYS_EXIT_EXTENDED).
constexpr uint64_t adp_stopped_application_exit = 0x20026;

// The command line for `arguments` (argv[0] first): separated by spaces, an argument holding a
// space, a tab, a quote or a backslash (or empty) in double quotes with \" and \\ escaped, as
// the SDK's start-up code splits it.
std::string command_line(const std::vector<std::string>& arguments);

class Semihosting : public core::SemihostingHandler {
 public:
  Semihosting(SemihostingParams params, SemihostingPort& port);
  ~Semihosting() override;
  Semihosting(const Semihosting&) = delete;
  Semihosting& operator=(const Semihosting&) = delete;

  uint64_t semihosting_call(uint64_t operation, uint64_t parameter) override;

  // Handles open now (files, console and the features file).
  size_t open_handles() const;

 private:
  struct Handle {
    enum class Kind { closed, file, console_in, console_out, features } kind = Kind::closed;
    int fd = -1;            // for a file
    uint64_t position = 0;  // for the features file
  };

  int64_t open(uint64_t block);
  int64_t close(uint64_t block);
  int64_t write(uint64_t block);
  int64_t read(uint64_t block);
  int64_t istty(uint64_t block);
  int64_t seek(uint64_t block);
  int64_t flen(uint64_t block);
  int64_t remove(uint64_t block);
  int64_t rename(uint64_t block);
  int64_t get_cmdline(uint64_t block);
  int64_t heapinfo(uint64_t block);
  int64_t exit(uint64_t block);
  int64_t elapsed(uint64_t block);
  void write0(uint64_t address);

  // The `count` 64-bit fields of the parameter block at `block`; false (errno EFAULT, a warning)
  // if it cannot be read.
  bool fields(uint64_t block, uint64_t* values, unsigned count, const char* operation);
  // A file name of `length` bytes at `address`; false (errno set, a warning) if it cannot be read
  // or holds a NUL.
  bool name_at(uint64_t address, uint64_t length, const char* operation, std::string& name);
  // The open handle `number`, or null (errno EBADF).
  Handle* handle(uint64_t number);
  // Fails an operation: errno_ = error (the firmware's numbering), returns -1.
  int64_t fail(int error);
  // A host call's -errno result as a failure, with a warning if it left the root.
  int64_t fail_host(int negative_errno, const char* operation, const std::string& name);

  SemihostingParams params_;
  SemihostingPort& port_;
  std::vector<Handle> handles_;  // handle n is handles_[n - 1]
  int errno_ = 0;
};

}  // namespace dojo::semihosting
