#include "semihosting/semihosting.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "support/hex.h"

namespace dojo::semihosting {
namespace {

// picolibc's errno numbers, which the firmware sees (Linux agrees below 35).
constexpr int kEio = 5, kEbadf = 9, kEacces = 13, kEfault = 14,
              kEinval = 22, kEspipe = 29, kEnosys = 88, kEnotempty = 90, kEnametoolong = 91,
              kEloop = 92;

int firmware_errno(int host) {
  switch (host) {
    case EXDEV: return kEacces;  // the path would leave the root
    case ENOSYS: return kEnosys;
    case ENOTEMPTY: return kEnotempty;
    case ENAMETOOLONG: return kEnametoolong;
    case ELOOP: return kEloop;
    default: return host > 0 && host < 35 ? host : kEio;
  }
}

constexpr uint64_t kMaxNameBytes = 4096;
constexpr uint64_t kChunkBytes = 64 * 1024;  // host buffer for reads and writes
// The features file (":semihosting-features"): the magic, then one byte of feature bits; bit 0
// is SYS_EXIT_EXTENDED.
constexpr char kFeatures[] = {'S', 'H', 'F', 'B', 0x01};
constexpr const char* kConsoleName = ":tt";
constexpr const char* kFeaturesName = ":semihosting-features";

constexpr int64_t kPicosecondsPerSecond = 1'000'000'000'000;

}  // namespace

HostDirectory::HostDirectory(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0)
    throw std::invalid_argument(path + ": not a directory that can be opened (" +
                                std::strerror(errno) + ")");
}

HostDirectory::~HostDirectory() { ::close(fd_); }

namespace {

int open_beneath(int directory, const std::string& relative, uint64_t flags) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.mode = (flags & O_CREAT) ? 0666 : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, directory, relative.c_str(), &how, sizeof how);
  return fd < 0 ? -errno : static_cast<int>(fd);
}

}  // namespace

int HostDirectory::open(const std::string& relative, int flags) const {
  return open_beneath(fd_, relative, static_cast<uint64_t>(flags));
}

int HostDirectory::open_parent(const std::string& relative, std::string& leaf) const {
  if (!relative.empty() && relative.front() == '/') return -EXDEV;
  const auto slash = relative.rfind('/');
  leaf = slash == std::string::npos ? relative : relative.substr(slash + 1);
  if (leaf == "..") return -EXDEV;
  if (leaf.empty() || leaf == ".") return -EINVAL;
  return open_beneath(fd_, slash == std::string::npos ? "." : relative.substr(0, slash + 1),
                      O_PATH | O_DIRECTORY);
}

int HostDirectory::remove(const std::string& relative) const {
  std::string leaf;
  const int parent = open_parent(relative, leaf);
  if (parent < 0) return parent;
  const int result = ::unlinkat(parent, leaf.c_str(), 0) == 0 ? 0 : -errno;
  ::close(parent);
  return result;
}

int HostDirectory::rename(const std::string& from, const std::string& to) const {
  std::string from_leaf, to_leaf;
  const int from_parent = open_parent(from, from_leaf);
  if (from_parent < 0) return from_parent;
  const int to_parent = open_parent(to, to_leaf);
  if (to_parent < 0) {
    ::close(from_parent);
    return to_parent;
  }
  const int result =
      ::renameat(from_parent, from_leaf.c_str(), to_parent, to_leaf.c_str()) == 0 ? 0 : -errno;
  ::close(from_parent);
  ::close(to_parent);
  return result;
}

std::string command_line(const std::vector<std::string>& arguments) {
  std::string line;
  for (const std::string& argument : arguments) {
    if (!line.empty()) line += ' ';
    const bool quote =
        argument.empty() || argument.find_first_of(" \t\"\\") != std::string::npos;
    if (!quote) {
      line += argument;
      continue;
    }
    line += '"';
    for (const char c : argument) {
      if (c == '"' || c == '\\') line += '\\';
      line += c;
    }
    line += '"';
  }
  return line;
}

Semihosting::Semihosting(SemihostingParams params, SemihostingPort& port)
    : params_(std::move(params)), port_(port) {
  if (!params_.root) throw std::invalid_argument("semihosting: no root directory");
  if (params_.tick_hz == 0) throw std::invalid_argument("semihosting: tick_hz must not be 0");
}

Semihosting::~Semihosting() {
  for (const Handle& h : handles_)
    if (h.kind == Handle::Kind::file) ::close(h.fd);
}

size_t Semihosting::open_handles() const {
  return static_cast<size_t>(std::count_if(handles_.begin(), handles_.end(), [](const Handle& h) {
    return h.kind != Handle::Kind::closed;
  }));
}

uint64_t Semihosting::semihosting_call(uint64_t operation, uint64_t parameter) {
  int64_t result = 0;
  switch (operation) {
    case sys_open: result = open(parameter); break;
    case sys_close: result = close(parameter); break;
    case sys_writec: {
      char c = 0;
      if (port_.read_memory(parameter, &c, 1))
        port_.console_put(c);
      else
        port_.warning("semihosting: SYS_WRITEC: cannot read the character at " + hex(parameter));
      break;
    }
    case sys_write0: write0(parameter); break;
    case sys_write: result = write(parameter); break;
    case sys_read: result = read(parameter); break;
    case sys_readc: result = -1; break;  // the console has no input
    case sys_iserror: {
      uint64_t status = 0;
      result = fields(parameter, &status, 1, "SYS_ISERROR") ? static_cast<int64_t>(status) < 0 : -1;
      break;
    }
    case sys_istty: result = istty(parameter); break;
    case sys_seek: result = seek(parameter); break;
    case sys_flen: result = flen(parameter); break;
    case sys_remove: result = remove(parameter); break;
    case sys_rename: result = rename(parameter); break;
    case sys_clock: result = static_cast<int64_t>(port_.now_ps() / 10'000'000'000); break;
    case sys_time:
      result = static_cast<int64_t>(port_.now_ps() / kPicosecondsPerSecond);
      break;
    case sys_system:
      port_.warning("semihosting: SYS_SYSTEM refused: the platform runs no host commands");
      result = fail(kEnosys);
      break;
    case sys_errno: result = errno_; break;
    case sys_get_cmdline: result = get_cmdline(parameter); break;
    case sys_heapinfo: result = heapinfo(parameter); break;
    case sys_exit:
    case sys_exit_extended: result = exit(parameter); break;
    case sys_elapsed: result = elapsed(parameter); break;
    case sys_tickfreq: result = static_cast<int64_t>(params_.tick_hz); break;
    default:
      port_.warning("semihosting: operation " + hex(operation) + " is not supported");
      result = fail(kEnosys);
  }
  return static_cast<uint64_t>(result);
}

int64_t Semihosting::fail(int error) {
  errno_ = error;
  return -1;
}

int64_t Semihosting::fail_host(int negative_errno, const char* operation, const std::string& name) {
  if (negative_errno == -EXDEV)
    port_.warning(std::string("semihosting: ") + operation + " '" + name +
                  "' refused: the path leaves the semihosting root " + params_.root->path());
  return fail(firmware_errno(-negative_errno));
}

bool Semihosting::fields(uint64_t block, uint64_t* values, unsigned count, const char* operation) {
  if (port_.read_memory(block, values, uint64_t{count} * 8)) return true;
  port_.warning(std::string("semihosting: ") + operation + ": cannot read its parameter block at " +
                hex(block));
  errno_ = kEfault;
  return false;
}

bool Semihosting::name_at(uint64_t address, uint64_t length, const char* operation,
                          std::string& name) {
  if (length > kMaxNameBytes) {
    errno_ = kEnametoolong;
    return false;
  }
  name.assign(length, '\0');
  if (!port_.read_memory(address, name.data(), length)) {
    port_.warning(std::string("semihosting: ") + operation + ": cannot read the file name at " +
                  hex(address));
    errno_ = kEfault;
    return false;
  }
  if (name.find('\0') != std::string::npos) {
    errno_ = kEinval;
    return false;
  }
  return true;
}

Semihosting::Handle* Semihosting::handle(uint64_t number) {
  if (number == 0 || number > handles_.size() || handles_[number - 1].kind == Handle::Kind::closed) {
    errno_ = kEbadf;
    return nullptr;
  }
  return &handles_[number - 1];
}

int64_t Semihosting::open(uint64_t block) {
  uint64_t f[3];  // name, mode, name length
  std::string name;
  if (!fields(block, f, 3, "SYS_OPEN") || !name_at(f[0], f[2], "SYS_OPEN", name)) return -1;
  const uint64_t mode = f[1];
  if (mode > 11) return fail(kEinval);
  Handle opened;
  if (name == kConsoleName) {
    opened.kind = mode < 4 ? Handle::Kind::console_in : Handle::Kind::console_out;
  } else if (name == kFeaturesName) {
    if (mode >= 4) return fail(kEacces);
    opened.kind = Handle::Kind::features;
  } else {
    // Modes in pairs (text, binary) as fopen's r, r+, w, w+, a, a+.
    static constexpr int kFlags[] = {O_RDONLY,
                                     O_RDWR,
                                     O_WRONLY | O_CREAT | O_TRUNC,
                                     O_RDWR | O_CREAT | O_TRUNC,
                                     O_WRONLY | O_CREAT | O_APPEND,
                                     O_RDWR | O_CREAT | O_APPEND};
    const int fd = params_.root->open(name, kFlags[mode / 2]);
    if (fd < 0) return fail_host(fd, "SYS_OPEN", name);
    opened.kind = Handle::Kind::file;
    opened.fd = fd;
  }
  const auto free_slot = std::find_if(handles_.begin(), handles_.end(), [](const Handle& h) {
    return h.kind == Handle::Kind::closed;
  });
  if (free_slot != handles_.end()) {
    *free_slot = opened;
    return free_slot - handles_.begin() + 1;
  }
  handles_.push_back(opened);
  return static_cast<int64_t>(handles_.size());
}

int64_t Semihosting::close(uint64_t block) {
  uint64_t number = 0;
  if (!fields(block, &number, 1, "SYS_CLOSE")) return -1;
  Handle* h = handle(number);
  if (!h) return -1;
  const bool failed = h->kind == Handle::Kind::file && ::close(h->fd) != 0;
  *h = Handle{};
  return failed ? fail(firmware_errno(errno)) : 0;
}

void Semihosting::write0(uint64_t address) {
  for (;; ++address) {
    char c = 0;
    if (!port_.read_memory(address, &c, 1)) {
      port_.warning("semihosting: SYS_WRITE0: cannot read the string at " + hex(address));
      return;
    }
    if (c == '\0') return;
    port_.console_put(c);
  }
}

int64_t Semihosting::write(uint64_t block) {
  uint64_t f[3];  // handle, buffer, length
  if (!fields(block, f, 3, "SYS_WRITE")) return -1;
  // Failures return the bytes not written (all of them here), as the specification asks.
  const uint64_t length = f[2];
  Handle* h = handle(f[0]);
  if (!h) return static_cast<int64_t>(length);
  if (h->kind == Handle::Kind::console_in || h->kind == Handle::Kind::features) {
    errno_ = kEbadf;
    return static_cast<int64_t>(length);
  }
  std::vector<char> buffer(std::min(length, kChunkBytes));
  uint64_t done = 0;
  while (done < length) {
    const uint64_t chunk = std::min<uint64_t>(length - done, buffer.size());
    if (!port_.read_memory(f[1] + done, buffer.data(), chunk)) {
      port_.warning("semihosting: SYS_WRITE: cannot read the buffer at " + hex(f[1] + done));
      errno_ = kEfault;
      break;
    }
    if (h->kind == Handle::Kind::console_out) {
      for (uint64_t i = 0; i < chunk; ++i) port_.console_put(buffer[i]);
      done += chunk;
      continue;
    }
    const ssize_t written = ::write(h->fd, buffer.data(), chunk);
    if (written < 0) {
      errno_ = firmware_errno(errno);
      break;
    }
    done += static_cast<uint64_t>(written);
    if (static_cast<uint64_t>(written) < chunk) break;
  }
  return static_cast<int64_t>(length - done);
}

int64_t Semihosting::read(uint64_t block) {
  uint64_t f[3];  // handle, buffer, length
  if (!fields(block, f, 3, "SYS_READ")) return -1;
  // Failures return the bytes not read, as the specification asks (picolibc's read() takes the
  // result from the length: -1 would read as one byte more than asked for).
  const uint64_t length = f[2];
  Handle* h = handle(f[0]);
  if (!h) return static_cast<int64_t>(length);
  if (h->kind == Handle::Kind::console_in) return static_cast<int64_t>(length);  // no input
  if (h->kind == Handle::Kind::console_out) {
    errno_ = kEbadf;
    return static_cast<int64_t>(length);
  }
  if (h->kind == Handle::Kind::features) {
    const uint64_t left = sizeof kFeatures - std::min<uint64_t>(h->position, sizeof kFeatures);
    const uint64_t count = std::min(left, length);
    if (!port_.write_memory(f[1], kFeatures + (sizeof kFeatures - left), count)) {
      port_.warning("semihosting: SYS_READ: cannot write the buffer at " + hex(f[1]));
      errno_ = kEfault;
      return static_cast<int64_t>(length);
    }
    h->position += count;
    return static_cast<int64_t>(length - count);
  }
  std::vector<char> buffer(std::min(length, kChunkBytes));
  uint64_t done = 0;
  while (done < length) {
    const ssize_t got = ::read(h->fd, buffer.data(), std::min<uint64_t>(length - done, buffer.size()));
    if (got < 0) {
      errno_ = firmware_errno(errno);
      break;
    }
    if (got == 0) break;
    if (!port_.write_memory(f[1] + done, buffer.data(), static_cast<uint64_t>(got))) {
      port_.warning("semihosting: SYS_READ: cannot write the buffer at " + hex(f[1] + done));
      errno_ = kEfault;
      break;
    }
    done += static_cast<uint64_t>(got);
  }
  return static_cast<int64_t>(length - done);
}

int64_t Semihosting::istty(uint64_t block) {
  uint64_t number = 0;
  if (!fields(block, &number, 1, "SYS_ISTTY")) return -1;
  const Handle* h = handle(number);
  if (!h) return -1;
  return h->kind == Handle::Kind::console_in || h->kind == Handle::Kind::console_out;
}

int64_t Semihosting::seek(uint64_t block) {
  uint64_t f[2];  // handle, position
  if (!fields(block, f, 2, "SYS_SEEK")) return -1;
  Handle* h = handle(f[0]);
  if (!h) return -1;
  if (static_cast<int64_t>(f[1]) < 0) return fail(kEinval);
  switch (h->kind) {
    case Handle::Kind::file:
      return ::lseek(h->fd, static_cast<off_t>(f[1]), SEEK_SET) < 0 ? fail(firmware_errno(errno)) : 0;
    case Handle::Kind::features: h->position = f[1]; return 0;
    default: return fail(kEspipe);
  }
}

int64_t Semihosting::flen(uint64_t block) {
  uint64_t number = 0;
  if (!fields(block, &number, 1, "SYS_FLEN")) return -1;
  const Handle* h = handle(number);
  if (!h) return -1;
  if (h->kind == Handle::Kind::features) return sizeof kFeatures;
  if (h->kind != Handle::Kind::file) return fail(kEinval);
  struct stat status {};
  if (::fstat(h->fd, &status) != 0) return fail(firmware_errno(errno));
  return status.st_size;
}

int64_t Semihosting::remove(uint64_t block) {
  uint64_t f[2];  // name, name length
  std::string name;
  if (!fields(block, f, 2, "SYS_REMOVE") || !name_at(f[0], f[1], "SYS_REMOVE", name)) return -1;
  const int result = params_.root->remove(name);
  return result == 0 ? 0 : fail_host(result, "SYS_REMOVE", name);
}

int64_t Semihosting::rename(uint64_t block) {
  uint64_t f[4];  // old name, its length, new name, its length
  std::string from, to;
  if (!fields(block, f, 4, "SYS_RENAME") || !name_at(f[0], f[1], "SYS_RENAME", from) ||
      !name_at(f[2], f[3], "SYS_RENAME", to))
    return -1;
  const int result = params_.root->rename(from, to);
  if (result == 0) return 0;
  return fail_host(result, "SYS_RENAME", result == -EXDEV ? from + "' -> '" + to : from);
}

int64_t Semihosting::get_cmdline(uint64_t block) {
  uint64_t f[2];  // buffer, its size
  if (!fields(block, f, 2, "SYS_GET_CMDLINE")) return -1;
  const std::string& line = params_.command_line;
  if (f[1] < line.size() + 1) return fail(kEinval);
  const uint64_t length = line.size();
  if (!port_.write_memory(f[0], line.c_str(), line.size() + 1) ||
      !port_.write_memory(block + 8, &length, 8)) {
    port_.warning("semihosting: SYS_GET_CMDLINE: cannot write the command line at " + hex(f[0]));
    return fail(kEfault);
  }
  return 0;
}

int64_t Semihosting::heapinfo(uint64_t block) {
  // The firmware's own linker script knows its heap and stack: every field is 0 ("unknown").
  uint64_t info = 0;
  const uint64_t unknown[4] = {};
  if (!fields(block, &info, 1, "SYS_HEAPINFO")) return -1;
  if (!port_.write_memory(info, unknown, sizeof unknown)) {
    port_.warning("semihosting: SYS_HEAPINFO: cannot write its block at " + hex(info));
    return fail(kEfault);
  }
  return 0;
}

int64_t Semihosting::exit(uint64_t block) {
  uint64_t f[2];  // reason, exit code
  if (!fields(block, f, 2, "SYS_EXIT")) return -1;
  // The exit device's 16 bits; any reason but a normal exit is a failure.
  const int code = static_cast<int>(f[1] & 0xffff);
  port_.exit(f[0] == adp_stopped_application_exit || code != 0 ? code : 1);
  return 0;
}

int64_t Semihosting::elapsed(uint64_t block) {
  const unsigned __int128 ticks =
      static_cast<unsigned __int128>(port_.now_ps()) * params_.tick_hz / kPicosecondsPerSecond;
  const uint64_t value = static_cast<uint64_t>(ticks);
  if (!port_.write_memory(block, &value, 8)) {
    port_.warning("semihosting: SYS_ELAPSED: cannot write the tick count at " + hex(block));
    return fail(kEfault);
  }
  return 0;
}

}  // namespace dojo::semihosting
