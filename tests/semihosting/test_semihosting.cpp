// The semihosting model alone: every operation against a mock core (memory, console, time, exit),
// the confinement of files to the root (`..`, absolute paths, symbolic links) and parameter
// blocks at addresses the core cannot reach.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "semihosting/semihosting.h"
#include "temp_dir.h"

using namespace dojo::semihosting;

namespace {

// A core with memory at [kBase, kBase + kSize) and nothing else.
class PortMock : public SemihostingPort {
 public:
  static constexpr uint64_t kBase = 0x80000000;
  static constexpr uint64_t kSize = 0x10000;

  bool read_memory(uint64_t addr, void* data, uint64_t len) override {
    if (!inside(addr, len)) return false;
    std::memcpy(data, memory.data() + (addr - kBase), len);
    return true;
  }
  bool write_memory(uint64_t addr, const void* data, uint64_t len) override {
    if (!inside(addr, len)) return false;
    std::memcpy(memory.data() + (addr - kBase), data, len);
    return true;
  }
  void console_put(char c) override { console += c; }
  uint64_t now_ps() override { return now; }
  void exit(int status) override { exits.push_back(status); }
  void warning(const std::string& message) override { warnings.push_back(message); }

  std::vector<uint8_t> memory = std::vector<uint8_t>(kSize);
  std::string console;
  uint64_t now = 0;
  std::vector<int> exits;
  std::vector<std::string> warnings;

 private:
  static bool inside(uint64_t addr, uint64_t len) {
    return addr >= kBase && addr - kBase <= kSize && len <= kSize - (addr - kBase);
  }
};

constexpr uint64_t kBlock = PortMock::kBase + 0x100;   // parameter blocks
constexpr uint64_t kName = PortMock::kBase + 0x200;    // file names
constexpr uint64_t kName2 = PortMock::kBase + 0x300;
constexpr uint64_t kBuffer = PortMock::kBase + 0x1000;  // data
constexpr uint64_t kUnmapped = 0x10;
constexpr uint64_t kFailed = ~uint64_t{0};  // -1
constexpr uint64_t kModeRead = 1, kModeWrite = 5, kModeAppend = 9, kModeReadWrite = 3;
constexpr int64_t kEbadf = 9, kEacces = 13, kEfault = 14, kEnosys = 88;

struct Fixture {
  Fixture(const std::string& command_line = "fw.elf")
      : semihosting({std::make_shared<HostDirectory>(root.path().string()), command_line,
                     1'000'000'000},
                    port) {}

  void put_block(std::initializer_list<uint64_t> values, uint64_t at = kBlock) {
    uint64_t offset = 0;
    for (uint64_t value : values) {
      REQUIRE(port.write_memory(at + offset, &value, 8));
      offset += 8;
    }
  }
  void put_bytes(uint64_t at, const std::string& bytes) {
    REQUIRE(port.write_memory(at, bytes.data(), bytes.size()));
  }
  std::string bytes_at(uint64_t at, uint64_t len) {
    std::string bytes(len, '\0');
    REQUIRE(port.read_memory(at, bytes.data(), len));
    return bytes;
  }
  uint64_t call(uint64_t operation, uint64_t parameter = kBlock) {
    return semihosting.semihosting_call(operation, parameter);
  }
  uint64_t error() { return call(sys_errno, 0); }

  uint64_t open(const std::string& name, uint64_t mode) {
    put_bytes(kName, name + '\0');
    put_block({kName, mode, name.size()});
    return call(sys_open);
  }
  uint64_t write(uint64_t handle, const std::string& data) {
    put_bytes(kBuffer, data);
    put_block({handle, kBuffer, data.size()});
    return call(sys_write);
  }
  // Reads up to `len` bytes; returns what arrived.
  std::string read(uint64_t handle, uint64_t len, uint64_t* not_read = nullptr) {
    put_block({handle, kBuffer, len});
    const uint64_t left = call(sys_read);
    if (not_read) *not_read = left;
    REQUIRE(left <= len);
    return bytes_at(kBuffer, len - left);
  }
  uint64_t close(uint64_t handle) {
    put_block({handle});
    return call(sys_close);
  }
  std::string host_file(const std::string& name) {
    std::ifstream in(root.path() / name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  TempDir root;
  PortMock port;
  Semihosting semihosting;
};

}  // namespace

TEST_CASE("open, write, close, then open, read and flen a host file") {
  Fixture f;
  const uint64_t out = f.open("result.txt", kModeWrite);
  REQUIRE(out != kFailed);
  CHECK(out != 0);
  CHECK(f.write(out, "hello, host") == 0);
  CHECK(f.close(out) == 0);
  CHECK(f.host_file("result.txt") == "hello, host");

  const uint64_t in = f.open("result.txt", kModeRead);
  REQUIRE(in != kFailed);
  f.put_block({in});
  CHECK(f.call(sys_flen) == 11);
  uint64_t not_read = 0;
  CHECK(f.read(in, 5, &not_read) == "hello");
  CHECK(not_read == 0);
  CHECK(f.read(in, 100, &not_read) == ", host");
  CHECK(not_read == 94);
  CHECK(f.read(in, 10, &not_read).empty());  // end of file: nothing read
  CHECK(not_read == 10);
  CHECK(f.close(in) == 0);
  CHECK(f.semihosting.open_handles() == 0);
}

TEST_CASE("seek moves the position, append mode writes at the end, r+ writes in place") {
  Fixture f;
  f.root.write("data.bin", "0123456789");
  const uint64_t h = f.open("data.bin", kModeReadWrite);
  REQUIRE(h != kFailed);
  f.put_block({h, 4});
  CHECK(f.call(sys_seek) == 0);
  CHECK(f.read(h, 3) == "456");
  f.put_block({h, 0});
  CHECK(f.call(sys_seek) == 0);
  CHECK(f.write(h, "ab") == 0);
  CHECK(f.close(h) == 0);
  CHECK(f.host_file("data.bin") == "ab23456789");

  const uint64_t a = f.open("data.bin", kModeAppend);
  CHECK(f.write(a, "!") == 0);
  CHECK(f.close(a) == 0);
  CHECK(f.host_file("data.bin") == "ab23456789!");
}

TEST_CASE("opening a file that does not exist fails with the host's ENOENT") {
  Fixture f;
  CHECK(f.open("missing.txt", kModeRead) == kFailed);
  CHECK(f.error() == 2);
  f.put_block({kFailed});
  CHECK(f.call(sys_iserror) == 1);
  f.put_block({3});
  CHECK(f.call(sys_iserror) == 0);
}

TEST_CASE(":tt is the console: writes reach it, istty says so, reads see no input") {
  Fixture f;
  const uint64_t out = f.open(":tt", 4);
  const uint64_t in = f.open(":tt", 0);
  REQUIRE(out != kFailed);
  REQUIRE(in != kFailed);
  CHECK(f.write(out, "line\n") == 0);
  CHECK(f.port.console == "line\n");
  f.put_block({out});
  CHECK(f.call(sys_istty) == 1);
  uint64_t not_read = 0;
  CHECK(f.read(in, 8, &not_read).empty());
  CHECK(not_read == 8);
  CHECK(f.call(sys_readc, 0) == kFailed);

  const uint64_t file = f.open("plain.txt", kModeWrite);
  f.put_block({file});
  CHECK(f.call(sys_istty) == 0);
}

TEST_CASE("writec and write0 print to the console") {
  Fixture f;
  f.put_bytes(kBuffer, "X");
  f.call(sys_writec, kBuffer);
  f.put_bytes(kBuffer, std::string("text\n") + '\0');
  f.call(sys_write0, kBuffer);
  CHECK(f.port.console == "Xtext\n");
}

TEST_CASE("remove and rename act on files beneath the root") {
  Fixture f;
  f.root.write("old.txt", "content");
  f.put_bytes(kName, "old.txt");
  f.put_bytes(kName2, "sub/new.txt");
  std::filesystem::create_directory(f.root.path() / "sub");
  f.put_block({kName, 7, kName2, 11});
  CHECK(f.call(sys_rename) == 0);
  CHECK(f.host_file("sub/new.txt") == "content");
  CHECK_FALSE(std::filesystem::exists(f.root.path() / "old.txt"));

  f.put_block({kName2, 11});
  CHECK(f.call(sys_remove) == 0);
  CHECK_FALSE(std::filesystem::exists(f.root.path() / "sub/new.txt"));
  f.put_block({kName2, 11});
  CHECK(f.call(sys_remove) == kFailed);
  CHECK(f.error() == 2);
}

TEST_CASE("clock, time, elapsed and tickfreq count simulated time") {
  Fixture f;
  f.port.now = 2'345'000'000'000;  // 2.345 s
  CHECK(f.call(sys_clock, 0) == 234);
  CHECK(f.call(sys_time, 0) == 2);
  CHECK(f.call(sys_tickfreq, 0) == 1'000'000'000);
  CHECK(f.call(sys_elapsed, kBuffer) == 0);
  uint64_t ticks = 0;
  REQUIRE(f.port.read_memory(kBuffer, &ticks, 8));
  CHECK(ticks == 2'345'000'000);
}

TEST_CASE("get_cmdline writes the command line and its length, a short buffer fails") {
  Fixture f(command_line({"fw.elf", "10", "out put.txt", ""}));
  const std::string expected = "fw.elf 10 \"out put.txt\" \"\"";
  f.put_block({kBuffer, 256});
  CHECK(f.call(sys_get_cmdline) == 0);
  CHECK(f.bytes_at(kBuffer, expected.size() + 1) == expected + '\0');
  uint64_t length = 0;
  REQUIRE(f.port.read_memory(kBlock + 8, &length, 8));
  CHECK(length == expected.size());

  f.put_block({kBuffer, expected.size()});  // no room for the NUL
  CHECK(f.call(sys_get_cmdline) == kFailed);
}

TEST_CASE("command_line quotes arguments with spaces, quotes and backslashes") {
  CHECK(command_line({"a.elf", "x"}) == "a.elf x");
  CHECK(command_line({"a.elf", "say \"hi\"", "c:\\d"}) == "a.elf \"say \\\"hi\\\"\" \"c:\\\\d\"");
}

TEST_CASE("exit and exit_extended end the run with the status of a normal exit") {
  Fixture f;
  f.put_block({adp_stopped_application_exit, 0});
  f.call(sys_exit_extended);
  f.put_block({adp_stopped_application_exit, 7});
  f.call(sys_exit);
  f.put_block({0x20023, 0});  // a run-time error without a code is still a failure
  f.call(sys_exit);
  f.put_block({adp_stopped_application_exit, 0x12345});  // 16 bits, as the exit device keeps
  f.call(sys_exit);
  CHECK(f.port.exits == std::vector<int>{0, 7, 1, 0x2345});
}

TEST_CASE("the features file announces exit_extended") {
  Fixture f;
  const uint64_t h = f.open(":semihosting-features", kModeRead);
  REQUIRE(h != kFailed);
  f.put_block({h});
  CHECK(f.call(sys_flen) == 5);
  CHECK(f.read(h, 5) == std::string("SHFB\x01", 5));
  CHECK(f.open(":semihosting-features", kModeWrite) == kFailed);
}

TEST_CASE("heapinfo reports every field as unknown (0)") {
  Fixture f;
  f.put_block({~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}}, kBuffer);
  f.put_block({kBuffer});
  CHECK(f.call(sys_heapinfo) == 0);
  CHECK(f.bytes_at(kBuffer, 32) == std::string(32, '\0'));
}

TEST_CASE("system and unknown operations fail with ENOSYS and a warning") {
  Fixture f;
  CHECK(f.call(sys_system) == kFailed);
  CHECK(f.error() == kEnosys);
  CHECK(f.call(0x99, 0) == kFailed);
  CHECK(f.error() == kEnosys);
  CHECK(f.port.warnings.size() == 2);
}

TEST_CASE("paths that leave the root are refused with EACCES and a warning") {
  Fixture f;
  TempDir outside;
  outside.write("secret.txt", "secret");
  std::filesystem::create_symlink(outside.path(), f.root.path() / "link");
  std::filesystem::create_symlink(outside.path() / "secret.txt", f.root.path() / "file_link");
  std::filesystem::create_directory(f.root.path() / "sub");
  const std::string escape = "../" + outside.path().filename().string() + "/secret.txt";

  for (const std::string& name :
       {escape, "sub/../" + escape, (outside.path() / "secret.txt").string(),
        std::string("link/secret.txt"), std::string("file_link")}) {
    INFO(name);
    f.port.warnings.clear();
    CHECK(f.open(name, kModeRead) == kFailed);
    CHECK(f.error() == kEacces);
    REQUIRE(f.port.warnings.size() == 1);
    CHECK(f.port.warnings[0].find("leaves the semihosting root") != std::string::npos);
  }
  // Writing out through a link or `..` creates nothing outside.
  CHECK(f.open("link/new.txt", kModeWrite) == kFailed);
  CHECK(f.open("../new.txt", kModeWrite) == kFailed);
  CHECK_FALSE(std::filesystem::exists(outside.path() / "new.txt"));
  CHECK_FALSE(std::filesystem::exists(f.root.path().parent_path() / "new.txt"));

  // remove and rename too.
  f.put_bytes(kName, "link/secret.txt");
  f.put_block({kName, 15});
  CHECK(f.call(sys_remove) == kFailed);
  CHECK(f.error() == kEacces);
  f.root.write("mine.txt", "x");
  f.put_bytes(kName, "mine.txt");
  f.put_bytes(kName2, "../stolen.txt");
  f.put_block({kName, 8, kName2, 13});
  CHECK(f.call(sys_rename) == kFailed);
  CHECK(f.error() == kEacces);
  f.put_bytes(kName, "..");
  f.put_block({kName, 2});
  CHECK(f.call(sys_remove) == kFailed);
  CHECK(std::filesystem::exists(outside.path() / "secret.txt"));
  CHECK(std::filesystem::exists(f.root.path() / "mine.txt"));

  // `..` that stays beneath the root is an ordinary path.
  f.root.write("sub/inner.txt", "in");
  const uint64_t h = f.open("sub/../sub/inner.txt", kModeRead);
  REQUIRE(h != kFailed);
  CHECK(f.read(h, 2) == "in");
}

TEST_CASE("parameter blocks and buffers the core cannot reach fail with EFAULT, never a crash") {
  Fixture f;
  for (uint64_t operation : {sys_open, sys_close, sys_write, sys_read, sys_istty, sys_seek, sys_flen,
                             sys_remove, sys_rename, sys_get_cmdline, sys_heapinfo, sys_exit,
                             sys_elapsed, sys_iserror}) {
    INFO("operation " << operation);
    CHECK(f.call(operation, kUnmapped) == kFailed);
    CHECK(f.error() == kEfault);
  }
  CHECK(f.port.exits.empty());
  // A block that starts inside memory and runs off its end.
  CHECK(f.call(sys_open, PortMock::kBase + PortMock::kSize - 8) == kFailed);
  // Names, buffers and strings out of reach.
  f.put_block({kUnmapped, kModeRead, 4});
  CHECK(f.call(sys_open) == kFailed);
  CHECK(f.error() == kEfault);
  const uint64_t h = f.open("file.txt", kModeWrite);
  f.put_block({h, kUnmapped, 16});
  CHECK(f.call(sys_write) == 16);  // nothing written
  CHECK(f.error() == kEfault);
  f.put_block({h, PortMock::kBase + PortMock::kSize - 4, 1u << 20});
  CHECK(f.call(sys_write) == 1u << 20);
  f.root.write("in.txt", "data");
  const uint64_t in = f.open("in.txt", kModeRead);
  f.put_block({in, kUnmapped, 4});
  CHECK(f.call(sys_read) == 4);
  CHECK(f.error() == kEfault);
  f.call(sys_write0, kUnmapped);
  f.call(sys_writec, kUnmapped);
  f.put_block({kUnmapped, 100});
  CHECK(f.call(sys_get_cmdline) == kFailed);
  CHECK(f.port.console.empty());
  CHECK_FALSE(f.port.warnings.empty());
}

TEST_CASE("handles: bad or closed ones fail with EBADF, each instance has its own") {
  Fixture f;
  CHECK(f.close(7) == kFailed);
  CHECK(f.error() == kEbadf);
  const uint64_t h = f.open("a.txt", kModeWrite);
  CHECK(f.close(h) == 0);
  CHECK(f.close(h) == kFailed);
  CHECK(f.write(h, "x") == 1);  // nothing written
  CHECK(f.error() == kEbadf);
  CHECK(f.write(0, "x") == 1);

  // A second core (its own instance) does not see the first one's handles.
  const uint64_t mine = f.open("b.txt", kModeWrite);
  PortMock other_port;
  Semihosting other({std::make_shared<HostDirectory>(f.root.path().string()), "", 1}, other_port);
  uint64_t block[1] = {mine};
  REQUIRE(other_port.write_memory(kBlock, block, 8));
  CHECK(other.semihosting_call(sys_close, kBlock) == kFailed);
  CHECK(f.close(mine) == 0);
  // A freed handle number is used again.
  CHECK(f.open("c.txt", kModeWrite) == h);
}

TEST_CASE("a root that is not a directory is refused, naming it") {
  TempDir dir;
  const std::string file = dir.write("file", "x");
  CHECK_THROWS_WITH(HostDirectory(file), Catch::Contains(file));
  CHECK_THROWS_WITH(HostDirectory(file + "/missing"), Catch::Contains("missing"));
}
