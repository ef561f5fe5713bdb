#include "state_dump.h"

#include <pthread.h>

#include <csignal>
#include <sstream>

#include "core/commit_log.h"
#include "core/core.h"
#include "noc/noc.h"
#include "support/hex.h"
#include "tile.h"

namespace dojo::platform {
namespace {

constexpr size_t kListedRecordings = 4;  // cores whose recorded instructions are shown
constexpr size_t kListedLinks = 16;

sigset_t request_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGUSR1);
  return signals;
}

const char* state_name(core::Core::State state) {
  switch (state) {
    case core::Core::State::reset: return "in reset";
    case core::Core::State::running: return "running";
    case core::Core::State::waiting: return "waiting in wfi";
    case core::Core::State::halted: return "halted";
    case core::Core::State::watchdog: return "stopped by the watchdog";
    case core::Core::State::fatal: return "stopped (fatal)";
  }
  return "?";
}

// What a core line of the dump says, less its counters: consecutive cores alike share a line.
std::string summary_of(const core::Core& core) {
  const core::Hart& hart = core.hart();
  std::string text = state_name(core.state());
  if (core.state() == core::Core::State::reset) return text;
  text += hart.priv() == core::Priv::machine ? ", machine mode" : ", user mode";
  text += ", pc " + hex(hart.pc());
  uint64_t mcause = 0, mepc = 0;
  hart.read_csr(core::csr::mcause, mcause);
  hart.read_csr(core::csr::mepc, mepc);
  if (mcause != 0 || mepc != 0) text += ", mcause " + hex(mcause) + ", mepc " + hex(mepc);
  return text;
}

}  // namespace

// Keeps the first instructions a hart retires once attached, then detaches itself.
class StateDump::Recorder : public core::CommitSink {
 public:
  explicit Recorder(core::Hart& hart) : hart_(hart) {
    lines_.reserve(kRecordedInstructions);
    hart_.set_commit_sink(this);
  }
  ~Recorder() override { detach(); }

  void on_commit(const core::CommitRecord& record) override {
    lines_.push_back(core::format_commit(record));
    if (lines_.size() == kRecordedInstructions) detach();
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  void detach() {
    if (hart_.commit_sink() == this) hart_.set_commit_sink(nullptr);
  }
  core::Hart& hart_;
  std::vector<std::string> lines_;
};

void StateDump::block_request_signal() {
  const sigset_t signals = request_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

StateDump::StateDump(sc_core::sc_module_name name, Tile& tile, std::ostream& out)
    : sc_module(name), tile_(tile), out_(out) {
  SC_HAS_PROCESS(StateDump);
  SC_METHOD(start);
  sensitive << channel_.requested;
  dont_initialize();
  SC_METHOD(write);
  sensitive << due_;
  dont_initialize();
  listener_ = std::thread([this] { listen(); });
}

StateDump::~StateDump() {
  closing_ = true;
  pthread_kill(listener_.native_handle(), SIGUSR1);
  listener_.join();
}

void StateDump::listen() {
  const sigset_t signals = request_signals();
  int signal = 0;
  while (sigwait(&signals, &signal) == 0 && !closing_) channel_.async_request_update();
}

void StateDump::start() {
  if (!recorders_.empty()) return;  // a dump is already being taken
  recorders_.resize(tile_.core_count());
  for (unsigned rank = 0; rank < tile_.core_count(); ++rank) {
    core::Core& core = tile_.core(rank);
    // A core under --log-commits keeps its log; its instructions are there.
    if (core.state() == core::Core::State::running && core.hart().commit_sink() == nullptr)
      recorders_[rank] = std::make_unique<Recorder>(core.hart());
  }
  // A core runs ahead of SystemC time by up to a quantum: after two, each has run a slice.
  due_.notify(2 * tlm::tlm_global_quantum::instance().get());
}

void StateDump::write() {
  std::ostringstream text;
  const unsigned cores = tile_.core_count();
  text << kBegin << " at " << sc_core::sc_time_stamp().to_string() << " of simulated time, "
       << cores << (cores == 1 ? " core" : " cores") << "\n";
  for (unsigned first = 0; first < cores;) {
    const std::string summary = summary_of(tile_.core(first));
    unsigned last = first;
    uint64_t instructions = tile_.core(first).hart().instret();
    while (last + 1 < cores && summary_of(tile_.core(last + 1)) == summary)
      instructions += tile_.core(++last).hart().instret();
    if (first == last) {
      const core::Core& core = tile_.core(first);
      text << "core " << first << " (" << tile_.core_name(first) << ", hartid "
           << hex(core.hart().hartid()) << "): " << summary << ", " << core.hart().instret()
           << " instructions, " << core.hart().cycles() << " cycles";
      if (!core.stop_message().empty()) text << ": " << core.stop_message();
      text << "\n";
    } else {
      text << "cores " << first << "-" << last << " (" << tile_.core_name(first) << " to "
           << tile_.core_name(last) << "): " << summary << ", " << instructions
           << " instructions together\n";
    }
    first = last + 1;
  }
  size_t listed = 0, recorded = 0;
  for (unsigned rank = 0; rank < recorders_.size(); ++rank) {
    if (!recorders_[rank] || recorders_[rank]->lines().empty()) continue;
    if (++recorded > kListedRecordings) continue;
    text << "core " << rank << " retired next (Spike commit-log format):\n";
    for (const std::string& line : recorders_[rank]->lines()) text << "  " << line;
    ++listed;
  }
  if (recorded > listed)
    text << "(" << recorded - listed << " more running cores recorded, not shown)\n";
  recorders_.clear();

  const noc::Noc& noc = tile_.noc();
  const uint64_t now_cycle = noc.cycle_at(sc_core::sc_time_stamp());
  const std::vector<noc::LinkBacklog> backlog = noc.backlog(now_cycle);
  const bool cycle_model = noc.network().params().model == noc::NetworkModel::cycle;
  text << "network: " << noc.packet_stats().packets << " packets so far; " << backlog.size()
       << (cycle_model ? " buffers and interfaces holding flits"
                       : " links and ports with traffic booked from cycle " + std::to_string(now_cycle) + " on")
       << (backlog.empty() ? "" : ", the busiest:") << "\n";
  for (size_t index = 0; index < backlog.size() && index < kListedLinks; ++index)
    text << "  " << backlog[index].name << ": " << backlog[index].amount << (cycle_model ? " flits\n" : " cycles\n");
  text << kEnd << "\n";
  out_ << text.str();
  out_.flush();
}

}  // namespace dojo::platform
