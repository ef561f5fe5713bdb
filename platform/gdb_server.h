// A GDB remote serial protocol server for the tile (docs/debugging.md): every core is a GDB
// thread; breakpoints and watchpoints live in the harts; memory goes through each core's own view
// by TLM debug transport.
//
// The server runs inside the simulation: a core that stops (breakpoint, watchpoint, finished step)
// serves the debugger from its own SystemC thread, and a poller thread looks for Ctrl-C every
// poll_interval of simulated time and serves from there. A write by another core or a DMA engine
// into watched memory is reported as a stop of the core whose memory it is, at the next
// instruction boundary of the writer (or at once, from the poller, for a DMA engine). SystemC schedules cooperatively, so while
// the server waits for the debugger nothing else in the simulation runs: the whole platform holds
// still.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <unordered_map>
#include <vector>

#include "core/core.h"

namespace dojo::platform {

class Tile;

struct GdbServerParams {
  std::string address = "127.0.0.1";  // the interface to listen on: loopback unless asked
  uint16_t port = 0;                   // 0: any free port (see GdbServer::port())
  // How often, in simulated time, a running simulation looks for the debugger's Ctrl-C.
  sc_core::sc_time poll_interval = sc_core::sc_time(10, sc_core::SC_US);
};

class GdbServer : public sc_core::sc_module, private core::CoreDebugger {
 public:
  // Listens on params.address:params.port and attaches to every core of `tile`, which starts
  // halted. Throws ConfigError if it cannot listen there.
  GdbServer(sc_core::sc_module_name name, Tile& tile, const GdbServerParams& params);
  ~GdbServer() override;

  uint16_t port() const { return port_; }
  // Blocks until a debugger connects. Call before the simulation starts.
  void accept_debugger();
  // The run is over: tells the debugger (`message` as console output if not empty, then the
  // process's exit status) and hangs up.
  void finish(int exit_status, const std::string& message);
  // The debugger ended the run (k); the simulation was stopped at once.
  bool killed() const { return killed_; }

 private:
  class Connection;
  enum class Action { stay, run, step };
  struct Watch {
    char type;  // '2' write, '3' read, '4' access, as in Z2/Z3/Z4
    uint64_t addr;
    uint64_t len;
  };

  // CoreDebugger
  Resume before_slice(core::Core& core, Event event) override;
  void core_finished(core::Core& core) override;
  void watched_write(core::Core& core) override;

  void poll_thread();
  // Halts the simulation with `reply` for the debugger, and serves it until it resumes.
  void report_stop(unsigned rank, const std::string& reply);
  // Reports the write another initiator made to watched memory (watched_write), if one is due.
  void report_watched_write();
  void serve();
  void handle(const std::string& packet);
  void resume(const std::vector<Action>& actions);
  void end_session(const char* why);

  // Packet handlers; each returns the reply (resuming ones return nothing and resume).
  std::string read_registers();
  std::string write_registers(const std::string& hex);
  std::string read_register(const std::string& args);
  std::string write_register(const std::string& args);
  std::string read_memory(const std::string& args);
  std::string write_memory(const std::string& args, bool binary);
  std::string breakpoint_packet(const std::string& packet);
  std::string query(const std::string& packet);
  std::string monitor(const std::string& command);
  std::string thread_list(bool first);
  std::string set_thread(const std::string& args);
  void vcont(const std::string& args);
  void continue_or_step(const std::string& packet);

  std::string stop_reply(unsigned rank, Event event) const;
  std::string thread_description(unsigned rank) const;
  std::string target_xml() const;
  void push_watchpoints();
  core::Core& general_core() { return *cores_[general_thread_]; }
  // A GDB thread id (rank + 1, hex; "-1" all, "0" any) as a rank; false if there is no such core.
  bool parse_thread(const std::string& text, unsigned& rank, bool& all) const;

  Tile& tile_;
  GdbServerParams params_;
  std::vector<core::Core*> cores_;  // by rank
  std::unordered_map<const core::Core*, unsigned> rank_of_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::unique_ptr<Connection> connection_;

  bool stopped_ = true;  // the debugger holds the simulation (it starts halted)
  bool detached_ = false;
  bool killed_ = false;
  std::vector<Action> actions_;       // by rank, set by each resume
  std::vector<uint64_t> step_since_;  // by rank: the resume whose step the core is doing
  uint64_t resumes_ = 0;
  sc_core::sc_event resume_event_;

  unsigned stop_thread_ = 0;     // rank of the last stop reported
  unsigned general_thread_ = 0;  // rank for g/G/p/P/m/M (Hg)
  int continue_thread_ = -1;     // rank for c/s (Hc), -1 for all
  unsigned thread_list_next_ = 0;
  std::string last_stop_reply_;

  std::map<uint64_t, unsigned> breakpoints_;  // by address: bit 0 set by Z0, bit 1 by Z1
  std::vector<Watch> watches_;
  // A core whose watchpoint another initiator's write touched, reported at the next occasion (a
  // core's next slice, or the poller when no core runs), with who wrote.
  std::optional<unsigned> watched_rank_;
  std::string watched_writer_;
  sc_core::sc_event watched_event_;
};

}  // namespace dojo::platform
