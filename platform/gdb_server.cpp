#include "gdb_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <utility>

#include "config.h"
#include "core/csr_table.h"
#include "core/disassembler.h"
#include "gdb_protocol.h"
#include "tile.h"

namespace dojo::platform {
namespace {

using gdb::decode_hex;
using gdb::encode_hex;
using gdb::hex_byte;
using gdb::hex_number;
using gdb::hex_register;
using gdb::kPacketSize;
using gdb::parse_address_length;
using gdb::parse_hex;
using gdb::parse_register_value;

constexpr unsigned kThreadsPerReply = 256;
constexpr int kHangUpMilliseconds = 2000;  // how long finish() waits for the debugger to hang up
constexpr unsigned kMaxResends = 3;        // of one packet the debugger did not get intact

// GDB register numbers (gdb/riscv-tdep.h): x0-x31, pc, then f0-f31 (absent here), then the CSRs
// at 65 + CSR number, then the virtual `priv` register; then, ours, the vector unit's v0-v31.
constexpr unsigned kPcRegister = 32;
constexpr unsigned kFirstCsrRegister = 65;
constexpr unsigned kPrivRegister = kFirstCsrRegister + 4096;
constexpr unsigned kFirstVectorRegister = kPrivRegister + 1;


// GDB's signal numbers for stop replies.
constexpr unsigned kSigInt = 2, kSigTrap = 5;

const char* state_text(core::Core::State state) {
  switch (state) {
    case core::Core::State::reset: return "in reset";
    case core::Core::State::running: return "running";
    case core::Core::State::waiting: return "asleep in wfi";
    case core::Core::State::halted: return "halted";
    case core::Core::State::watchdog: return "stopped by the watchdog";
    case core::Core::State::fatal: return "stopped by a fatal error";
  }
  return "?";
}

// Is `address` on this machine only (127.0.0.0/8, ::1, or 127.x mapped into IPv6)?
bool is_loopback(const sockaddr& address) {
  if (address.sa_family == AF_INET) {
    return ntohl(reinterpret_cast<const sockaddr_in&>(address).sin_addr.s_addr) >> 24 == 127;
  }
  if (address.sa_family != AF_INET6) return false;
  const in6_addr& ipv6 = reinterpret_cast<const sockaddr_in6&>(address).sin6_addr;
  return IN6_IS_ADDR_LOOPBACK(&ipv6) || (IN6_IS_ADDR_V4MAPPED(&ipv6) && ipv6.s6_addr[12] == 127);
}

}  // namespace

// The socket to the debugger: its bytes through a gdb::PacketReader, acknowledgements, bounded
// resends and the out-of-band Ctrl-C (0x03). No more than one packet (kPacketSize) and one read
// are held, so a debugger cannot make the server buffer or rescan without bound.
class GdbServer::Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}
  ~Connection() { ::close(fd_); }

  bool closed() const { return closed_; }
  void stop_acknowledging() { acknowledge_ = false; }

  // Waits for the next packet and returns its payload; false once the debugger has gone. Ctrl-C
  // bytes that come while the target is already halted mean nothing and are dropped.
  bool receive(std::string& payload) {
    if (has_pending_) {
      has_pending_ = false;
      payload = std::move(pending_);
      return true;
    }
    for (;;) {
      if (parse(payload)) {
        interrupt_ = false;
        return true;
      }
      if (!fill(true)) return false;
    }
  }

  void send(const std::string& payload) {
    last_sent_ = gdb::frame_packet(payload);
    resends_ = 0;
    write_all(last_sent_);
  }

  // Without blocking: did the debugger send Ctrl-C? A packet that comes meanwhile (GDB sends none
  // while the target runs) waits for the next receive(), and nothing more is read until then.
  bool interrupted() {
    while (!has_pending_) {
      if (parse(pending_)) {
        has_pending_ = true;
      } else if (!fill(false)) {
        break;
      }
    }
    return std::exchange(interrupt_, false);
  }

  // Hangs up after the last packet: the debugger reads it before it sees the end of the stream.
  // Waits at most kHangUpMilliseconds in all for the debugger to close its side.
  void hang_up() {
    ::shutdown(fd_, SHUT_WR);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kHangUpMilliseconds);
    char scratch[256];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd pending{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&pending, 1, static_cast<int>(left.count())) <= 0 ||
          ::recv(fd_, scratch, sizeof scratch, 0) <= 0) {
        break;
      }
    }
    closed_ = true;
  }

 private:
  // Goes on through the bytes read, up to the end of the next valid packet (true, its payload in
  // `payload`; the bytes after it stay for the next call) or the end of what was read (false).
  bool parse(std::string& payload) {
    while (parsed_ < received_ && !closed_) {
      switch (reader_.consume(chunk_[parsed_++])) {
        case gdb::PacketReader::Event::none: break;
        case gdb::PacketReader::Event::packet:
          if (acknowledge_) write_all("+");
          payload = reader_.take_payload();
          return true;
        case gdb::PacketReader::Event::corrupt:
          if (acknowledge_) write_all("-");
          break;
        case gdb::PacketReader::Event::nak: resend(); break;
        case gdb::PacketReader::Event::interrupt: interrupt_ = true; break;
        case gdb::PacketReader::Event::oversized: refuse_oversized_packet(); break;
      }
    }
    return false;
  }

  // A '-': the debugger did not get the last packet intact. It is sent again at most
  // kMaxResends times, as GDB itself asks at most that often.
  void resend() {
    if (!acknowledge_ || last_sent_.empty() || resends_ == kMaxResends) return;
    ++resends_;
    write_all(last_sent_);
  }

  // A packet longer than the PacketSize we offered: says so to the debugger and to the user, and
  // hangs up (reading the rest for a moment, so that the reply is not lost in a reset).
  void refuse_oversized_packet() {
    const std::string limit = std::to_string(kPacketSize);
    std::cerr << "dojo-vp: gdb: the debugger sent a packet longer than " << limit
              << " bytes (the PacketSize offered); closing the connection\n";
    send("E.packet longer than PacketSize (" + limit + " bytes): connection closed");
    hang_up();
  }

  // Reads what has arrived (waiting for something if `block`) once every byte read before has been
  // parsed; false if nothing was read.
  bool fill(bool block) {
    if (closed_ || parsed_ < received_) return false;
    for (;;) {
      const ssize_t got = ::recv(fd_, chunk_, sizeof chunk_, block ? 0 : MSG_DONTWAIT);
      if (got > 0) {
        received_ = static_cast<size_t>(got);
        parsed_ = 0;
        return true;
      }
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
      closed_ = true;
      return false;
    }
  }

  void write_all(const std::string& data) {
    size_t done = 0;
    while (!closed_ && done < data.size()) {
      const ssize_t sent = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) {
        closed_ = true;
        return;
      }
      done += static_cast<size_t>(sent);
    }
  }

  int fd_;
  char chunk_[4096];     // the last read
  size_t received_ = 0;  // bytes in chunk_
  size_t parsed_ = 0;    // of those, looked at
  gdb::PacketReader reader_;
  bool interrupt_ = false;
  bool has_pending_ = false;
  std::string pending_;  // a packet that came while the target ran
  std::string last_sent_;
  unsigned resends_ = 0;  // of last_sent_
  bool acknowledge_ = true;
  bool closed_ = false;
};

GdbServer::GdbServer(sc_core::sc_module_name name, Tile& tile, const GdbServerParams& params)
    : sc_module(name), tile_(tile), params_(params) {
  const std::string where = params.address + ":" + std::to_string(params.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(params.address.c_str(), std::to_string(params.port).c_str(),
                                      &hints, &found)) {
    throw ConfigError("--gdb-address: cannot use '" + params.address + "': " + gai_strerror(error));
  }
  listen_fd_ = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  const int yes = 1;
  const bool listening =
      listen_fd_ >= 0 && ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0 &&
      ::bind(listen_fd_, found->ai_addr, found->ai_addrlen) == 0 && ::listen(listen_fd_, 1) == 0;
  const int error = errno;
  const bool loopback = is_loopback(*found->ai_addr);
  ::freeaddrinfo(found);
  if (!listening) {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    throw ConfigError("--gdb: cannot listen on " + where + ": " + std::strerror(error));
  }
  sockaddr_storage bound{};
  socklen_t bound_length = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &bound_length);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                            : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  if (!loopback) {
    std::cerr << "dojo-vp: warning: --gdb-address " << params.address
              << " is not loopback: anyone who can reach port " << port_
              << " gets unauthenticated control of the simulation (memory, registers, run, kill); "
                 "prefer 127.0.0.1 and an SSH tunnel (ssh -L) from another machine\n";
  }

  for (unsigned rank = 0; rank < tile.core_count(); ++rank) {
    cores_.push_back(&tile.core(rank));
    rank_of_[cores_.back()] = rank;
    cores_.back()->set_debugger(this);
  }
  actions_.assign(cores_.size(), Action::stay);
  step_since_.assign(cores_.size(), 0);
  last_stop_reply_ = stop_reply(0, Event::none);
  SC_HAS_PROCESS(GdbServer);
  SC_THREAD(poll_thread);
}

GdbServer::~GdbServer() {
  for (core::Core* core : cores_) core->set_debugger(nullptr);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void GdbServer::accept_debugger() {
  int fd;
  do {
    fd = ::accept(listen_fd_, nullptr, nullptr);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw std::runtime_error(std::string("--gdb: accept failed: ") + std::strerror(errno));
  ::close(listen_fd_);
  listen_fd_ = -1;
  const int yes = 1;
  // Packets are small and each waits for an answer: send them at once.
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  connection_ = std::make_unique<Connection>(fd);
}

void GdbServer::finish(int exit_status, const std::string& message) {
  if (!connection_ || connection_->closed() || killed_ || detached_) return;
  if (!message.empty()) connection_->send("O" + encode_hex(message + "\n"));
  connection_->send("W" + hex_byte(static_cast<unsigned>(exit_status)));
  connection_->hang_up();
}

// --- Running and stopping ---------------------------------------------------------------------

core::CoreDebugger::Resume GdbServer::before_slice(core::Core& core, Event event) {
  const unsigned rank = rank_of_.at(&core);
  if (detached_) return Resume::run;
  report_watched_write();
  // A step done for an earlier resume is old news: the debugger has stopped since.
  const bool current = event != Event::stepped ||
                       (actions_[rank] == Action::step && step_since_[rank] == resumes_);
  if (event != Event::none && current && !stopped_ && !killed_) report_stop(rank, stop_reply(rank, event));
  while (!detached_ && (stopped_ || killed_ || actions_[rank] == Action::stay)) {
    sc_core::wait(resume_event_);
  }
  if (!detached_ && actions_[rank] == Action::step) {
    step_since_[rank] = resumes_;
    return Resume::step;
  }
  return Resume::run;
}

void GdbServer::core_finished(core::Core& core) {
  const unsigned rank = rank_of_.at(&core);
  // A core that ends during its step (e.g. stepping over exit) ends the step.
  if (!detached_ && !killed_ && !stopped_ && actions_[rank] == Action::step &&
      step_since_[rank] == resumes_) {
    report_stop(rank, stop_reply(rank, Event::stepped));
  }
}

void GdbServer::watched_write(core::Core& core) {
  // While the debugger holds the simulation the writes are its own; one report at a time.
  if (!connection_ || detached_ || killed_ || stopped_ || watched_rank_) return;
  const unsigned rank = rank_of_.at(&core);
  watched_rank_ = rank;
  // Only one core executes at a time; none does when a DMA engine or the host writes.
  std::string writer = "a DMA engine or the host interface";
  for (unsigned other = 0; other < cores_.size(); ++other) {
    if (cores_[other]->executing())
      writer = "thread " + std::to_string(other + 1) + " (" + tile_.core_name(other) + ")";
  }
  const core::WatchHit& hit = core.hart().watch_hit();
  watched_writer_ = "dojo-vp: " + writer + " wrote " + std::to_string(hit.len) +
                    " byte(s) at 0x" + hex_number(hit.addr) + " of thread " +
                    std::to_string(rank + 1) + " (" + tile_.core_name(rank) + ")\n";
  // Whoever is executing stops at its next instruction boundary and reports from there.
  for (core::Core* each : cores_) each->pause();
  watched_event_.notify(sc_core::SC_ZERO_TIME);
}

void GdbServer::report_watched_write() {
  if (!watched_rank_ || stopped_ || killed_ || detached_) return;
  const unsigned rank = *std::exchange(watched_rank_, std::nullopt);
  connection_->send("O" + encode_hex(watched_writer_));
  report_stop(rank, stop_reply(rank, Event::watchpoint));
}

void GdbServer::poll_thread() {
  // The initial halt: the cores wait in before_slice until the debugger resumes them.
  if (connection_) serve();
  while (connection_ && !detached_ && !killed_) {
    // Nothing else can happen any more (every core waits for something that never comes): stop
    // polling, so the simulation ends and reports the deadlock.
    if (!sc_core::sc_pending_activity()) return;
    sc_core::wait(params_.poll_interval, watched_event_);
    if (watched_rank_) {
      report_watched_write();
    } else if (connection_->interrupted()) {
      report_stop(stop_thread_, "T" + hex_byte(kSigInt) + "thread:" + hex_number(stop_thread_ + 1) + ";");
    } else if (connection_->closed()) {
      end_session("the debugger has gone");
    }
  }
}

void GdbServer::report_stop(unsigned rank, const std::string& reply) {
  stopped_ = true;
  stop_thread_ = general_thread_ = rank;
  continue_thread_ = -1;
  last_stop_reply_ = reply;
  connection_->send(reply);
  serve();
}

void GdbServer::serve() {
  while (stopped_ && !detached_ && !killed_) {
    std::string packet;
    if (!connection_->receive(packet)) {
      end_session("the debugger has gone");
      return;
    }
    handle(packet);
  }
}

void GdbServer::resume(const std::vector<Action>& actions) {
  actions_ = actions;
  // A core asleep in WFI steps by waking (as a hart's WFI may complete at any time).
  for (unsigned rank = 0; rank < cores_.size(); ++rank) {
    if (actions[rank] == Action::step) cores_[rank]->wake_for_debugger();
  }
  ++resumes_;
  stopped_ = false;
  resume_event_.notify(sc_core::SC_ZERO_TIME);
}

void GdbServer::end_session(const char* why) {
  std::cerr << "dojo-vp: gdb: " << why << "; the run goes on without it\n";
  for (core::Core* core : cores_) {
    for (const auto& [addr, kinds] : breakpoints_) core->hart().remove_breakpoint(addr);
    core->hart().set_watchpoints({});
  }
  breakpoints_.clear();
  watches_.clear();
  detached_ = true;
  stopped_ = false;
  resume_event_.notify(sc_core::SC_ZERO_TIME);
}

std::string GdbServer::stop_reply(unsigned rank, Event event) const {
  std::string reply = "T" + hex_byte(kSigTrap) + "thread:" + hex_number(rank + 1) + ";";
  if (event == Event::breakpoint) {
    const auto found = breakpoints_.find(cores_[rank]->hart().pc());
    const bool software = found != breakpoints_.end() && (found->second & 1);
    reply += software ? "swbreak:;" : "hwbreak:;";
  } else if (event == Event::watchpoint) {
    const core::WatchHit& hit = cores_[rank]->hart().watch_hit();
    for (const Watch& watch : watches_) {
      const bool overlaps = hit.addr - watch.addr < watch.len || watch.addr - hit.addr < hit.len;
      const bool kind = watch.type == '4' || (watch.type == '2') == hit.write;
      if (!overlaps || !kind) continue;
      const char* name = watch.type == '2' ? "watch" : watch.type == '3' ? "rwatch" : "awatch";
      // GDB finds the watchpoint by an address inside it.
      reply += std::string(name) + ":" + hex_number(std::max(hit.addr, watch.addr)) + ";";
      break;
    }
  }
  return reply;
}

// --- Packets ----------------------------------------------------------------------------------

void GdbServer::handle(const std::string& packet) {
  if (packet.empty()) return connection_->send("");
  const std::string args = packet.substr(1);
  switch (packet[0]) {
    case '?': return connection_->send(last_stop_reply_);
    case 'g': return connection_->send(read_registers());
    case 'G': return connection_->send(write_registers(args));
    case 'p': return connection_->send(read_register(args));
    case 'P': return connection_->send(write_register(args));
    case 'm': return connection_->send(read_memory(args));
    case 'M': return connection_->send(write_memory(args, false));
    case 'X': return connection_->send(write_memory(args, true));
    case 'Z': case 'z': return connection_->send(breakpoint_packet(packet));
    case 'H': return connection_->send(set_thread(args));
    case 'T': {
      unsigned rank;
      bool all;
      return connection_->send(parse_thread(args, rank, all) ? "OK" : "E01");
    }
    case 'c': case 'C': case 's': case 'S': return continue_or_step(packet);
    case 'D':
      connection_->send("OK");
      connection_->hang_up();
      return end_session("detached");
    case 'k':
      killed_ = true;
      sc_core::sc_stop();
      return;
    case 'q': case 'Q':
      connection_->send(query(packet));
      // The OK above was the last packet acknowledged.
      if (packet == "QStartNoAckMode") connection_->stop_acknowledging();
      return;
    case 'v':
      if (packet == "vCont?") return connection_->send("vCont;c;C;s;S");
      if (packet.rfind("vCont;", 0) == 0) return vcont(packet.substr(6));
      if (packet.rfind("vKill", 0) == 0) {
        connection_->send("OK");
        killed_ = true;
        sc_core::sc_stop();
        return;
      }
      return connection_->send("");
    default: return connection_->send("");
  }
}

std::string GdbServer::read_registers() {
  const core::Hart& hart = general_core().hart();
  std::string reply;
  for (unsigned i = 0; i < 32; ++i) reply += hex_register(hart.x(i));
  return reply + hex_register(hart.pc());
}

std::string GdbServer::write_registers(const std::string& hex) {
  if (hex.size() < 33 * 16) return "E01";
  core::Hart& hart = general_core().hart();
  uint64_t values[33];
  for (unsigned i = 0; i < 33; ++i) {
    if (!parse_register_value(hex.substr(i * 16, 16), values[i])) return "E01";
  }
  for (unsigned i = 1; i < 32; ++i) hart.set_x(i, values[i]);
  hart.set_pc(values[kPcRegister]);
  return "OK";
}

std::string GdbServer::read_register(const std::string& args) {
  uint64_t number;
  if (!parse_hex(args, number)) return "E01";
  const core::Hart& hart = general_core().hart();
  if (number < 32) return hex_register(hart.x(static_cast<unsigned>(number)));
  if (number == kPcRegister) return hex_register(hart.pc());
  if (number == kPrivRegister) return hex_register(static_cast<uint64_t>(hart.priv()));
  vector::VectorEngine* const unit = hart.vector_engine();
  if (unit && number >= kFirstVectorRegister &&
      number < kFirstVectorRegister + vector::register_count) {
    const unsigned index = static_cast<unsigned>(number - kFirstVectorRegister);
    const vector::Register v = unit->read_register(index);
    return encode_hex(std::string(v.begin(), v.end()));  // lane 0 first, as in memory
  }
  uint64_t value;
  if (number >= kFirstCsrRegister && number < kPrivRegister &&
      hart.read_csr(static_cast<unsigned>(number - kFirstCsrRegister), value)) {
    return hex_register(value);
  }
  return "E02";
}

std::string GdbServer::write_register(const std::string& args) {
  const auto equals = args.find('=');
  uint64_t number, value;
  if (equals == std::string::npos || !parse_hex(args.substr(0, equals), number) ||
      !parse_register_value(args.substr(equals + 1), value)) {
    return "E01";
  }
  core::Hart& hart = general_core().hart();
  if (number < 32) {
    hart.set_x(static_cast<unsigned>(number), value);
  } else if (number == kPcRegister) {
    hart.set_pc(value);
  } else if (number < kFirstCsrRegister || number >= kPrivRegister ||
             !hart.write_csr(static_cast<unsigned>(number - kFirstCsrRegister), value)) {
    return "E02";
  }
  return "OK";
}

std::string GdbServer::read_memory(const std::string& args) {
  uint64_t addr, len;
  if (!parse_address_length(args, addr, len)) return "E01";
  std::string bytes(std::min<uint64_t>(len, kPacketSize / 2 - 8), '\0');
  const unsigned got = general_core().debug_access(tlm::TLM_READ_COMMAND, addr,
                                                   reinterpret_cast<uint8_t*>(bytes.data()),
                                                   static_cast<unsigned>(bytes.size()));
  if (got == 0 && !bytes.empty()) return "E03";
  return encode_hex(bytes.substr(0, got));
}

std::string GdbServer::write_memory(const std::string& args, bool binary) {
  uint64_t addr, len;
  std::string data;
  if (!parse_address_length(args, addr, len, &data)) return "E01";
  std::string bytes;
  if (binary) {
    bytes = data;
  } else if (!decode_hex(data, bytes)) {
    return "E01";
  }
  if (bytes.size() != len) return "E01";
  if (len == 0) return "OK";
  const unsigned done = general_core().debug_access(tlm::TLM_WRITE_COMMAND, addr,
                                                    reinterpret_cast<uint8_t*>(bytes.data()),
                                                    static_cast<unsigned>(bytes.size()));
  return done == len ? "OK" : "E03";
}

std::string GdbServer::breakpoint_packet(const std::string& packet) {
  const bool insert = packet[0] == 'Z';
  const char type = packet.size() > 1 ? packet[1] : '?';
  uint64_t addr, len;
  if (packet.size() < 3 || packet[2] != ',' || !parse_address_length(packet.substr(3), addr, len)) {
    return "E01";
  }
  if (type == '0' || type == '1') {
    const unsigned bit = type == '0' ? 1 : 2;
    unsigned& kinds = breakpoints_[addr];
    const unsigned before = kinds;
    kinds = insert ? kinds | bit : kinds & ~bit;
    if ((before == 0) != (kinds == 0)) {
      for (core::Core* core : cores_) {
        if (insert) {
          core->hart().add_breakpoint(addr);
        } else {
          core->hart().remove_breakpoint(addr);
        }
      }
    }
    if (kinds == 0) breakpoints_.erase(addr);
    return "OK";
  }
  if (type < '2' || type > '4') return "";
  if (insert) {
    if (len == 0) return "E01";
    watches_.push_back({type, addr, len});
  } else {
    const auto found = std::find_if(watches_.begin(), watches_.end(), [&](const Watch& watch) {
      return watch.type == type && watch.addr == addr && watch.len == len;
    });
    if (found == watches_.end()) return "E01";
    watches_.erase(found);
  }
  push_watchpoints();
  return "OK";
}

void GdbServer::push_watchpoints() {
  std::vector<core::Watchpoint> watchpoints;
  for (const Watch& watch : watches_) {
    watchpoints.push_back({watch.addr, watch.len, watch.type != '2', watch.type != '3'});
  }
  for (core::Core* core : cores_) core->hart().set_watchpoints(watchpoints);
}

bool GdbServer::parse_thread(const std::string& text, unsigned& rank, bool& all) const {
  all = text == "-1";
  if (all || text == "0") {
    rank = stop_thread_;
    return true;
  }
  uint64_t id;
  if (!parse_hex(text, id) || id == 0 || id > cores_.size()) return false;
  rank = static_cast<unsigned>(id - 1);
  return true;
}

std::string GdbServer::set_thread(const std::string& args) {
  if (args.empty()) return "E01";
  unsigned rank;
  bool all;
  if (!parse_thread(args.substr(1), rank, all)) return "E01";
  if (args[0] == 'g') {
    if (args.substr(1) != "0") general_thread_ = rank;
  } else if (args[0] == 'c') {
    continue_thread_ = all || args.substr(1) == "0" ? -1 : static_cast<int>(rank);
  } else {
    return "E01";
  }
  return "OK";
}

void GdbServer::continue_or_step(const std::string& packet) {
  // c [ADDR], s [ADDR], C SIG[;ADDR], S SIG[;ADDR]: signals mean nothing to bare metal.
  std::string address = packet.substr(1);
  if (packet[0] == 'C' || packet[0] == 'S') {
    const auto semicolon = address.find(';');
    address = semicolon == std::string::npos ? "" : address.substr(semicolon + 1);
  }
  const unsigned rank = continue_thread_ < 0 ? stop_thread_ : static_cast<unsigned>(continue_thread_);
  uint64_t pc;
  if (!address.empty()) {
    if (!parse_hex(address, pc)) return connection_->send("E01");
    cores_[rank]->hart().set_pc(pc);
  }
  const bool step = packet[0] == 's' || packet[0] == 'S';
  std::vector<Action> actions(cores_.size(), step ? Action::stay : Action::run);
  if (step) {
    actions[rank] = Action::step;
  } else if (continue_thread_ >= 0) {
    std::fill(actions.begin(), actions.end(), Action::stay);
    actions[rank] = Action::run;
  }
  resume(actions);
}

void GdbServer::vcont(const std::string& args) {
  // ACTION[:THREAD];... : each core takes the leftmost action that names it or every thread.
  std::vector<Action> actions(cores_.size(), Action::stay);
  std::vector<bool> decided(cores_.size(), false);
  std::stringstream list(args);
  for (std::string item; std::getline(list, item, ';');) {
    if (item.empty()) return connection_->send("E01");
    const char kind = item[0];
    Action action;
    if (kind == 'c' || kind == 'C') {
      action = Action::run;
    } else if (kind == 's' || kind == 'S') {
      action = Action::step;
    } else {
      return connection_->send("E01");
    }
    const auto colon = item.find(':');
    unsigned rank = 0;
    bool all = colon == std::string::npos;
    if (!all && !parse_thread(item.substr(colon + 1), rank, all)) return connection_->send("E01");
    for (unsigned r = 0; r < cores_.size(); ++r) {
      if (decided[r] || (!all && r != rank)) continue;
      actions[r] = action;
      decided[r] = true;
    }
  }
  resume(actions);
}

std::string GdbServer::query(const std::string& packet) {
  const auto starts = [&packet](const char* prefix) { return packet.rfind(prefix, 0) == 0; };
  if (starts("qSupported")) {
    return "PacketSize=" + hex_number(kPacketSize) +
           ";qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+";
  }
  if (starts("qXfer:features:read:target.xml:")) {
    uint64_t offset, length;
    if (!parse_address_length(packet.substr(31), offset, length)) return "E01";
    const std::string xml = target_xml();
    if (offset >= xml.size()) return "l";
    const std::string part = xml.substr(offset, std::min<uint64_t>(length, kPacketSize / 2));
    return (offset + part.size() < xml.size() ? "m" : "l") + part;
  }
  if (packet == "qfThreadInfo") return thread_list(true);
  if (packet == "qsThreadInfo") return thread_list(false);
  if (packet == "qC") return "QC" + hex_number(stop_thread_ + 1);
  if (starts("qAttached")) return "1";  // quitting the debugger detaches: the run goes on
  if (starts("qThreadExtraInfo,")) {
    unsigned rank;
    bool all;
    if (!parse_thread(packet.substr(17), rank, all)) return "E01";
    return encode_hex(thread_description(rank));
  }
  if (starts("qRcmd,")) {
    std::string command;
    if (!decode_hex(packet.substr(6), command)) return "E01";
    return monitor(command);
  }
  if (starts("qSymbol") || packet == "QStartNoAckMode") return "OK";
  return "";
}

std::string GdbServer::thread_list(bool first) {
  if (first) thread_list_next_ = 0;
  if (thread_list_next_ >= cores_.size()) return "l";
  std::string reply = "m";
  const unsigned end = std::min<unsigned>(thread_list_next_ + kThreadsPerReply, cores_.size());
  for (unsigned rank = thread_list_next_; rank < end; ++rank) {
    if (rank != thread_list_next_) reply += ",";
    reply += hex_number(rank + 1);
  }
  thread_list_next_ = end;
  return reply;
}

std::string GdbServer::thread_description(unsigned rank) const {
  const core::Core& core = *cores_[rank];
  return tile_.core_name(rank) + " (hartid " + std::to_string(core.hart().hartid()) + "), " +
         state_text(core.state());
}

std::string GdbServer::monitor(const std::string& command) {
  std::ostringstream out;
  if (command == "stats") {
    out << to_text(tile_.statistics(), true);
  } else if (command == "time") {
    out << "simulated time: " << sc_core::sc_time_stamp().to_string() << "\n";
  } else if (command == "help" || command.empty()) {
    out << "monitor stats  the statistics so far (as --stats prints them), and every core's state,\n"
           "               pc, instructions and cycles (cores[R] is GDB's thread R + 1)\n"
           "monitor time   simulated time\n";
  } else {
    out << "unknown monitor command '" << command << "' (try: monitor help)\n";
  }
  // As console output, in pieces that fit a packet.
  const std::string text = out.str();
  for (size_t at = 0; at < text.size(); at += kPacketSize / 4) {
    connection_->send("O" + encode_hex(text.substr(at, kPacketSize / 4)));
  }
  return "OK";
}

std::string GdbServer::target_xml() const {
  std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
      "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n"
      "<feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  for (unsigned i = 0; i < 32; ++i) {
    const char* type = i == 1 ? "code_ptr" : i == 2 ? "data_ptr" : "int";
    xml += "  <reg name=\"" + std::string(core::register_name(i)) + "\" bitsize=\"64\" type=\"" + type +
           "\" regnum=\"" + std::to_string(i) + "\"/>\n";
  }
  xml += "  <reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>\n</feature>\n"
         "<feature name=\"org.gnu.gdb.riscv.csr\">\n";
  const core::Hart& hart = cores_.front()->hart();
  // Every CSR of the hart's table that this hart has (the vector unit's only with one).
  for (const core::CsrInfo& csr : core::all_csrs()) {
    uint64_t value;
    if (!hart.read_csr(csr.number, value)) continue;
    xml += "  <reg name=\"" + csr.name + "\" bitsize=\"64\" regnum=\"" +
           std::to_string(kFirstCsrRegister + csr.number) + "\" group=\"csr\"/>\n";
  }
  xml += "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
         "  <reg name=\"priv\" bitsize=\"64\" regnum=\"" + std::to_string(kPrivRegister) +
         "\"/>\n</feature>\n";
  if (hart.vector_engine()) {
    // The 512-bit registers as the SDK's dojo_vec_t sees them (CFP8 codes in u8), read-only.
    xml += "<feature name=\"org.dojo.vector\">\n"
           "  <vector id=\"v16f32\" type=\"ieee_single\" count=\"16\"/>\n"
           "  <vector id=\"v32bf16\" type=\"bfloat16\" count=\"32\"/>\n"
           "  <vector id=\"v16i32\" type=\"int32\" count=\"16\"/>\n"
           "  <vector id=\"v16u32\" type=\"uint32\" count=\"16\"/>\n"
           "  <vector id=\"v64i8\" type=\"int8\" count=\"64\"/>\n"
           "  <vector id=\"v64u8\" type=\"uint8\" count=\"64\"/>\n"
           "  <union id=\"dojo_vec\">\n"
           "    <field name=\"f32\" type=\"v16f32\"/>\n"
           "    <field name=\"bf16\" type=\"v32bf16\"/>\n"
           "    <field name=\"i32\" type=\"v16i32\"/>\n"
           "    <field name=\"u32\" type=\"v16u32\"/>\n"
           "    <field name=\"i8\" type=\"v64i8\"/>\n"
           "    <field name=\"u8\" type=\"v64u8\"/>\n"
           "  </union>\n";
    for (unsigned i = 0; i < vector::register_count; ++i) {
      xml += "  <reg name=\"v" + std::to_string(i) + "\" bitsize=\"512\" type=\"dojo_vec\"" +
             " regnum=\"" + std::to_string(kFirstVectorRegister + i) + "\" group=\"vector\"/>\n";
    }
    xml += "</feature>\n";
  }
  return xml + "</target>\n";
}

}  // namespace dojo::platform
