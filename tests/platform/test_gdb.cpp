// The GDB server (dojo-vp run --gdb): the real gdb-multiarch in batch mode against real firmware,
// and a small protocol client for what batch mode cannot do (Ctrl-C, kill, detach). Every wait has
// a timeout, so a broken server fails the test instead of hanging it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;

constexpr auto kStartTimeout = 30s;
constexpr auto kRunTimeout = 120s;
constexpr int kPacketTimeoutMs = 20000;
constexpr int kKilledStatus = 137;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto path = std::filesystem::temp_directory_path() / ("dojo-vp-gdb-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

std::string firmware(const std::string& name) {
  return std::string(DOJO_FIRMWARE_DIR) + "/" + name + ".elf";
}

// dojo-vp running in the background with --gdb 0, its output in files. With several host threads
// (more than CI has cores): debugging behaves as with one (docs/performance.md).
class Simulator {
 public:
  explicit Simulator(const std::string& arguments) {
    // A test binary run by hand runs every case in one process: no file from an earlier one.
    std::filesystem::remove(err_);
    const std::string command = "exec " + std::string(DOJO_VP_BINARY) +
                                " run --threads 4 --gdb 0 " + arguments +
                                " >" + out_.string() + " 2>" + err_.string() + " </dev/null";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    REQUIRE(pid_ > 0);
    // The server prints its address and port, then waits for the debugger.
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    const std::string marker = "waiting for GDB on ";
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = read_file(err_);
      const auto at = text.find(marker);
      const auto end = at == std::string::npos ? at : text.find('\n', at);
      if (end != std::string::npos) {
        port_ = std::stoi(text.substr(text.rfind(':', end) + 1));
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
    FAIL("dojo-vp did not start its GDB server: " << read_file(err_));
  }

  ~Simulator() {
    if (pid_ > 0 && status_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  int port() const { return port_; }

  // The exit status, once it has ended (killed and -1 if it does not end in time).
  int wait() {
    const auto deadline = std::chrono::steady_clock::now() + kRunTimeout;
    while (status_ < 0 && std::chrono::steady_clock::now() < deadline) {
      int raw = 0;
      if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
        status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 256 + WTERMSIG(raw);
        return status_;
      }
      std::this_thread::sleep_for(20ms);
    }
    return status_;
  }

  std::string out() const { return read_file(out_); }
  std::string err() const { return read_file(err_); }

 private:
  std::filesystem::path out_ = scratch_dir() / "dojo-vp.out";
  std::filesystem::path err_ = scratch_dir() / "dojo-vp.err";
  pid_t pid_ = -1;
  int port_ = 0;
  int status_ = -1;
};

// Runs gdb-multiarch in batch mode on `elf` connected to `port`, with `commands` after the
// connection; returns everything it printed.
std::string run_gdb(int port, const std::string& elf, const std::string& commands) {
  const auto script = scratch_dir() / "commands.gdb";
  const auto output = scratch_dir() / "gdb.out";
  std::ofstream(script) << "set architecture riscv:rv64\nset pagination off\nset confirm off\n"
                        << "file " << elf << "\ntarget remote 127.0.0.1:" << port << "\n"
                        << commands;
  const std::string command = "timeout 120 gdb-multiarch -batch -nx -x " + script.string() + " >" +
                              output.string() + " 2>&1 </dev/null";
  std::system(command.c_str());
  return read_file(output);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string hex(const std::string& bytes) {
  std::string text;
  char pair[3];
  for (unsigned char c : bytes) {
    std::snprintf(pair, sizeof pair, "%02x", c);
    text += pair;
  }
  return text;
}

std::string unhex(const std::string& text) {
  std::string bytes;
  for (size_t i = 0; i + 1 < text.size(); i += 2) bytes += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  return bytes;
}

// A minimal remote-protocol client (acknowledgement mode, as GDB starts).
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~Client() { ::close(fd_); }

  void send_raw(const std::string& bytes) {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  }

  void send(const std::string& payload) {
    unsigned sum = 0;
    for (unsigned char c : payload) sum += c;
    char checksum[3];
    std::snprintf(checksum, sizeof checksum, "%02x", sum & 0xff);
    send_raw("$" + payload + "#" + checksum);
  }

  // The next packet's payload ("" and a failed check on timeout).
  std::string receive() {
    for (;;) {
      const auto start = buffer_.find('$');
      const auto hash = start == std::string::npos ? start : buffer_.find('#', start);
      if (hash != std::string::npos && buffer_.size() >= hash + 3) {
        const std::string payload = buffer_.substr(start + 1, hash - start - 1);
        buffer_.erase(0, hash + 3);
        send_raw("+");
        return payload;
      }
      pollfd pending{fd_, POLLIN, 0};
      if (::poll(&pending, 1, kPacketTimeoutMs) <= 0) {
        FAIL_CHECK("no packet from the server in time");
        return "";
      }
      char chunk[4096];
      const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got <= 0) {
        FAIL_CHECK("the server closed the connection");
        return "";
      }
      buffer_.append(chunk, static_cast<size_t>(got));
    }
  }

  std::string request(const std::string& payload) {
    send(payload);
    return receive();
  }

  // Does the server close the connection, with nothing more to read? (False on timeout.)
  bool hung_up() {
    if (!buffer_.empty()) return false;
    pollfd pending{fd_, POLLIN, 0};
    char byte;
    return ::poll(&pending, 1, kPacketTimeoutMs) > 0 && ::recv(fd_, &byte, 1, 0) <= 0;
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

// Is a socket listening on 127.0.0.1:port (and not on every interface)?
bool listens_on_loopback_only(int port) {
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", port);
  const std::string text = read_file("/proc/net/tcp") + read_file("/proc/net/tcp6");
  const bool loopback = contains(text, std::string("0100007F:") + port_hex + " 00000000:0000 0A");
  const bool any = contains(text, std::string("00000000:") + port_hex + " 00000000:0000 0A");
  return loopback && !any;
}

}  // namespace

TEST_CASE("gdb: break in a function, read arguments, registers and CSRs, step, finish, exit status") {
  Simulator sim("--config core " + firmware("gdb_target"));
  const std::string out = run_gdb(sim.port(), firmware("gdb_target"),
                                  "break gdb_add\n"
                                  "continue\n"
                                  "print a\n"
                                  "print b\n"
                                  "info registers pc\n"
                                  "print $mhartid\n"
                                  "print/x $misa\n"
                                  "print $priv\n"
                                  "stepi\n"
                                  "info registers pc\n"
                                  "finish\n"
                                  "continue\n"
                                  "print gdb_counter\n"
                                  "delete\n"
                                  "continue\n");
  INFO(out);
  CHECK(contains(out, "Breakpoint 1, gdb_add (a=0, b="));
  CHECK(contains(out, "$1 = 0\n$2 = 1\n"));
  CHECK(contains(out, "<gdb_add>\n"));
  CHECK(contains(out, "$3 = 0\n"));                   // mhartid
  CHECK(contains(out, "$4 = 0x8000000000901105\n"));  // misa: RV64 A C I M U X
  CHECK(contains(out, "$5 = 3\n"));                   // machine mode
  CHECK(contains(out, "<gdb_add+"));                  // one instruction further
  CHECK(contains(out, "Value returned is $6 = 1\n"));
  // The breakpoint is stepped over and hit again on the next call.
  CHECK(contains(out, "Breakpoint 1, gdb_add (a=1, b="));
  CHECK(contains(out, "$7 = 1\n"));
  CHECK(contains(out, "[Inferior 1 (Remote target) exited with code 07]"));
  CHECK(sim.wait() == 7);
}

TEST_CASE("gdb: read and write watchpoints stop at the access, with the old and new values") {
  Simulator sim("--config core " + firmware("gdb_target"));
  const std::string out = run_gdb(sim.port(), firmware("gdb_target"),
                                  "break main\n"
                                  "continue\n"
                                  "rwatch gdb_counter\n"
                                  "continue\n"
                                  "delete\n"
                                  "watch gdb_watched\n"
                                  "continue\n"
                                  "print gdb_counter\n"
                                  "delete\n"
                                  "continue\n");
  INFO(out);
  CHECK(contains(out, "Hardware read watchpoint 2: gdb_counter\n\nValue = 0\n"));
  CHECK(contains(out, "Hardware watchpoint 3: gdb_watched\n\nOld value = 0\nNew value = 42\n"));
  CHECK(contains(out, "$1 = 15\n"));
  CHECK(contains(out, "exited with code 07]"));
  CHECK(sim.wait() == 7);
}

TEST_CASE("gdb: watchpoints see writes by other cores through the window and by DMA") {
  // mini: rank 0 stores into rank 1's gdb_mailbox through the global window, then rank 1's DMA
  // engine fills gdb_landing, watched here through rank 1's slot in the window (core 1,0: x = 1).
  Simulator sim(firmware("gdb_watch_others"));
  const std::string out = run_gdb(
      sim.port(), firmware("gdb_watch_others"),
      "break main\n"
      "continue\n"
      "delete\n"
      "watch gdb_mailbox\n"
      "continue\n"
      "delete\n"
      "watch *(unsigned long *)(0x10000000000 + (1 << 24) + ((unsigned long)&gdb_landing[3] - "
      "0x80000000))\n"
      "continue\n"
      "print gdb_landing\n"
      "delete\n"
      "continue\n");
  INFO(out);
  CHECK(contains(out, "dojo-vp: thread 1 (core 0,0 of chip 0,0) wrote 8 byte(s) at "));
  CHECK(contains(out, "of thread 2 (core 1,0 of chip 0,0)\n"));
  CHECK(contains(out, "Thread 2 hit Hardware watchpoint 2: gdb_mailbox\n\nOld value = 0\nNew value = 42\n"));
  CHECK(contains(out, "dojo-vp: a DMA engine or the host interface wrote 64 byte(s) at 0x10001"));
  CHECK(contains(out, "\n\nOld value = 0\nNew value = 103\n"));
  CHECK(contains(out, "in dojo_dma_wait ()"));
  CHECK(contains(out, "$1 = {100, 101, 102, 103, 104, 105, 106, 107}\n"));
  CHECK(contains(out, "exited with code 07]"));
  CHECK(sim.wait() == 7);
}

// What GDB printed as $N ("" if nothing).
std::string printed(const std::string& out, int n) {
  const std::string marker = "$" + std::to_string(n) + " = ";
  const auto at = out.find(marker);
  if (at == std::string::npos) return "";
  return out.substr(at + marker.size(), out.find('\n', at) - at - marker.size());
}

TEST_CASE("gdb: the vector registers, as dojo_vec_t, read the same under the model and the RTL") {
  // At printf, v0..v3 have just been stored to `accumulator` and v8 holds a_tiles[0].
  for (const std::string model : {"model", "rtl"}) {
    INFO("vector.model=" << model);
    Simulator sim("--config core --set vector.model=" + model + " " + firmware("vec_throughput"));
    const std::string out = run_gdb(sim.port(), firmware("vec_throughput"),
                                    "set width 0\n"
                                    "break printf\n"
                                    "continue\n"
                                    "print/x $v0.u32\n"
                                    "print/x accumulator[0].u32\n"
                                    "print/x $v3.u8\n"
                                    "print/x accumulator[3].u8\n"
                                    "print $v8.bf16[0]\n"
                                    "print/x a_tiles[0].bf16[0]\n"
                                    "print $v31.i32\n"
                                    "delete\n"
                                    "continue\n");
    INFO(out);
    CHECK(printed(out, 1).size() > 16 * 4);
    CHECK(printed(out, 1) == printed(out, 2));
    CHECK(printed(out, 3) == printed(out, 4));
    CHECK(printed(out, 5) == "-0.03125");  // as GDB shows a bfloat16
    CHECK(printed(out, 6) == "0xbd00");
    CHECK(printed(out, 7) == "{0 <repeats 16 times>}");
    CHECK(contains(out, "exited normally]"));
    CHECK(sim.wait() == 0);
  }
}

TEST_CASE("gdb: every core is a thread, threads switch, monitor commands report every core") {
  Simulator sim(firmware("gdb_target"));  // mini: four cores
  const std::string out = run_gdb(sim.port(), firmware("gdb_target"),
                                  "info threads\n"
                                  "break gdb_add\n"
                                  "continue\n"
                                  "thread 2\n"
                                  "print $mhartid\n"
                                  "thread 4\n"
                                  "print $mhartid\n"
                                  "monitor stats\n"
                                  "monitor time\n"
                                  "delete\n"
                                  "continue\n");
  INFO(out);
  CHECK(contains(out, "Thread 1 (core 0,0 of chip 0,0 (hartid 0)"));
  CHECK(contains(out, "Thread 2 (core 1,0 of chip 0,0 (hartid 1)"));
  CHECK(contains(out, "Thread 3 (core 0,1 of chip 0,0 (hartid 32)"));
  CHECK(contains(out, "Thread 4 (core 1,1 of chip 0,0 (hartid 33)"));
  CHECK(contains(out, "hit Breakpoint 1, gdb_add"));
  CHECK(contains(out, "[Switching to thread 2 (Thread 2)]"));
  CHECK(contains(out, "$1 = 1\n"));
  CHECK(contains(out, "$2 = 33\n"));
  CHECK(contains(out, "cores[3]: hartid 33, core 1,1 of chip 0,0, "));
  CHECK(contains(out, "outcome: running\n"));
  CHECK(contains(out, "instructions: "));
  CHECK(contains(out, "simulated time: "));
  CHECK(contains(out, "exited with code 07]"));
  CHECK(sim.wait() == 7);
}

TEST_CASE("gdb server: loopback only, target description, memory, Ctrl-C and kill") {
  Simulator sim("--config core " + firmware("loop"));
  CHECK(listens_on_loopback_only(sim.port()));
  Client gdb(sim.port());
  CHECK(contains(gdb.request("qSupported:multiprocess+;swbreak+;hwbreak+"), "PacketSize="));
  CHECK(gdb.request("?") == "T05thread:1;");
  // The description comes in pieces ('m' and more to come, 'l' the last), as GDB reads it.
  std::string xml, piece;
  do {
    std::ostringstream request;
    request << "qXfer:features:read:target.xml:" << std::hex << xml.size() << ",800";
    piece = gdb.request(request.str());
    REQUIRE((piece.rfind("m", 0) == 0 || piece.rfind("l", 0) == 0));
    xml += piece.substr(1);
  } while (piece[0] == 'm' && xml.size() < 1'000'000);
  CHECK(xml.rfind("<?xml", 0) == 0);
  CHECK(contains(xml, "org.gnu.gdb.riscv.cpu"));
  // Every CSR of the hart's table, the numbered families and mconfigptr included.
  CHECK(contains(xml, "<reg name=\"mhartid\" bitsize=\"64\" regnum=\"3925\""));
  CHECK(contains(xml, "<reg name=\"mconfigptr\""));
  CHECK(contains(xml, "<reg name=\"pmpaddr63\""));
  CHECK(!contains(xml, "<reg name=\"pmpcfg1\""));  // RV32 only
  CHECK(xml.rfind("</target>\n") == xml.size() - 10);
  CHECK(gdb.request("qfThreadInfo") == "m1");
  CHECK(gdb.request("qsThreadInfo") == "l");
  // Memory through the core's view, with no simulated time: write, then read back.
  CHECK(gdb.request("M80100000,4:deadbeef") == "OK");
  CHECK(gdb.request("m80100000,4") == "deadbeef");
  CHECK(gdb.request("m0,4").rfind("E", 0) == 0);  // nothing is mapped at 0

  gdb.send("vCont;c");
  std::this_thread::sleep_for(20ms);
  gdb.send_raw("\x03");
  CHECK(gdb.receive() == "T02thread:1;");
  const std::string pc = gdb.request("p20");  // the pc, inside the loop
  CHECK(pc.size() == 16);
  CHECK(pc.substr(8) == "00000000");
  const std::string output = gdb.request("qRcmd," + hex("time"));
  REQUIRE(output.rfind("O", 0) == 0);
  CHECK(contains(unhex(output.substr(1)), "simulated time: "));
  CHECK(gdb.receive() == "OK");
  gdb.send("k");
  CHECK(sim.wait() == kKilledStatus);
  CHECK(contains(sim.err(), "the debugger ended the run"));
}

TEST_CASE("gdb server: after detach the run goes on to its end") {
  Simulator sim("--config core " + firmware("exit_code"));
  Client gdb(sim.port());
  CHECK(gdb.request("?") == "T05thread:1;");
  CHECK(gdb.request("D") == "OK");
  CHECK(sim.wait() == 3);
  CHECK(contains(sim.out(), "calling exit(3)"));
}

TEST_CASE("gdb server: an address it cannot listen on is a clear error, not a hang") {
  const auto err = scratch_dir() / "bad-address.err";
  const std::string command = "timeout 60 " + std::string(DOJO_VP_BINARY) +
                              " run --gdb 0 --gdb-address 203.0.113.1 " + firmware("exit_code") +
                              " >/dev/null 2>" + err.string() + " </dev/null";
  const int raw = std::system(command.c_str());
  CHECK(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 2);
  CHECK(contains(read_file(err), "cannot listen on 203.0.113.1:0"));
}

TEST_CASE("gdb server: a packet longer than PacketSize is refused, the connection dropped, the run goes on") {
  Simulator sim("--config core " + firmware("exit_code"));
  {
    Client gdb(sim.port());
    CHECK(contains(gdb.request("qSupported"), "PacketSize=4000"));
    // Twice as long, and no end in sight: the server must not wait for one.
    gdb.send_raw("$" + std::string(2 * 0x4000, 'm'));
    const std::string reply = gdb.receive();
    CHECK(reply.rfind("E.", 0) == 0);
    CHECK(contains(reply, "PacketSize"));
    CHECK(gdb.hung_up());
  }
  CHECK(sim.wait() == 3);  // the firmware's own end, without the debugger
  CHECK(contains(sim.out(), "calling exit(3)"));
  CHECK(contains(sim.err(), "a packet longer than 16384 bytes"));
  CHECK(contains(sim.err(), "the run goes on without it"));
}

TEST_CASE("gdb server: NAKs get a reply resent at most 3 times, however many come") {
  Simulator sim("--config core " + firmware("exit_code"));
  {
    Client gdb(sim.port());
    const std::string memory = gdb.request("m80000000,2000");  // as long as a reply gets
    REQUIRE(memory.size() > 16000);
    gdb.send_raw(std::string(1000, '-'));
    gdb.send("?");
    unsigned copies = 0;
    std::string reply;
    while ((reply = gdb.receive()) == memory) ++copies;
    CHECK(copies == 3);
    CHECK(reply == "T05thread:1;");
    CHECK(gdb.request("D") == "OK");
  }
  CHECK(sim.wait() == 3);
}

TEST_CASE("gdb server: any amount of junk between packets is skipped") {
  Simulator sim("--config core " + firmware("exit_code"));
  {
    Client gdb(sim.port());
    const std::string memory = gdb.request("m80000000,10");
    // 16 MiB of bytes that start no packet ('#' and '+' among them): each is looked at once.
    std::string junk(1 << 16, 'x');
    for (size_t i = 0; i < junk.size(); i += 7) junk[i] = i % 2 ? '#' : '+';
    for (int i = 0; i < 256; ++i) gdb.send_raw(junk);
    CHECK(gdb.request("?") == "T05thread:1;");
    CHECK(gdb.request("m80000000,10") == memory);
    CHECK(gdb.request("D") == "OK");
  }
  CHECK(sim.wait() == 3);
}

TEST_CASE("gdb server: an address other than loopback is served, with a warning") {
  {
    Simulator sim("--config core " + firmware("exit_code"));
    CHECK(Client(sim.port()).request("D") == "OK");
    CHECK(sim.wait() == 3);
    CHECK_FALSE(contains(sim.err(), "warning"));
  }
  Simulator sim("--config core --gdb-address 0.0.0.0 " + firmware("exit_code"));
  INFO(sim.err());
  CHECK(contains(sim.err(), "warning: --gdb-address 0.0.0.0 is not loopback"));
  CHECK(contains(sim.err(), "unauthenticated control of the simulation"));
  CHECK(Client(sim.port()).request("D") == "OK");  // every interface, loopback among them
  CHECK(sim.wait() == 3);
}

TEST_CASE("gdb server: a deadlock under the debugger is reported as one, also with a timeout") {
  Simulator sim("--config core --timeout 1s " + firmware("wfi_forever"));
  {
    Client gdb(sim.port());
    gdb.send("c");
    const std::string output = gdb.receive();
    REQUIRE(output.rfind("O", 0) == 0);
    CHECK(contains(unhex(output.substr(1)), "deadlock"));
    CHECK(gdb.receive() == "W7d");  // 125
  }
  CHECK(sim.wait() == 125);
  CHECK(contains(sim.err(), "deadlock"));
  CHECK_FALSE(contains(sim.err(), "timeout"));
}
