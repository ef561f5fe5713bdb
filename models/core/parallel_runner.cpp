#include "core/parallel_runner.h"

#include <algorithm>
#include <chrono>

namespace dojo::core {

namespace {

// A spin-wait step: cheaper than a system call, and kind to the other hardware thread.
void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// How long a worker polls for the next batch before it sleeps: 0.1 to 0.3 ms, as the CPU's pause
// takes (211 us on the development machine's Xeon).
constexpr unsigned kPolls = 20000;

}  // namespace

ParallelRunner::ParallelRunner(sc_core::sc_module_name name, unsigned threads,
                               uint64_t serial_cycles)
    : sc_core::sc_module(name), shares_(std::max(threads, 1u)), serial_cycles_(serial_cycles) {
  SC_HAS_PROCESS(ParallelRunner);
  SC_METHOD(run_batch);
  sensitive << batch_due_;
  dont_initialize();
  SC_METHOD(on_boundary);
  sensitive << boundary_;
  dont_initialize();
  spin_ = threads <= std::thread::hardware_concurrency();
  for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ParallelRunner::~ParallelRunner() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (std::thread& thread : workers_) thread.join();
}

StopReason ParallelRunner::run_isolated(Participant& core, uint64_t& cycle_limit,
                                        sc_core::sc_event& done) {
  Slice slice{&core, cycle_limit, &done};
  batch_due_.notify(sc_core::SC_ZERO_TIME);
  pending_.push_back(&slice);
  while (!slice.done) sc_core::wait(done);
  cycle_limit = slice.cycle_limit;
  return slice.reason;
}

void ParallelRunner::on_boundary() { batch_due_.notify(sc_core::SC_ZERO_TIME); }

void ParallelRunner::run_batch() {
  // The slices their threads asked for, then the parked ones due now, each in the order it came.
  const uint64_t now = sc_core::sc_time_stamp().value();
  batch_.swap(pending_);
  pending_.clear();
  size_t kept = 0;
  for (Slice* slice : parked_) {
    if (slice->resume_time > now) {
      parked_[kept++] = slice;
    } else if (slice->core->next_slice_limit(slice->cycle_limit)) {
      batch_.push_back(slice);
    } else {
      finish(*slice);
    }
  }
  parked_.resize(kept);
  if (!batch_.empty()) {
    const auto start = std::chrono::steady_clock::now();
    ++batches_;
    slices_ += batch_.size();
    round_ = batch_;
    while (!round_.empty()) {
      run_round();
      // Traces due are compiled here, one hart at a time, in the batch's order; those harts go on
      // in another round as if they had not stopped.
      size_t again = 0;
      for (Slice* slice : round_) {
        if (slice->reason != StopReason::translate) continue;
        slice->core->isolated_hart().translate_at_pc();
        round_[again++] = slice;
      }
      round_.resize(again);
    }
    for (Slice* slice : batch_) slice->core->release_slice_devices();
    batch_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  for (Slice* slice : batch_) {
    if (slice->reason == StopReason::limit && slice->core->next_slice_time(slice->resume_time) &&
        slice->resume_time > now) {
      parked_.push_back(slice);
    } else {
      finish(*slice);
    }
  }
  batch_.clear();
  if (!parked_.empty()) {
    uint64_t first = parked_.front()->resume_time;
    for (const Slice* slice : parked_) first = std::min(first, slice->resume_time);
    boundary_.notify(sc_core::sc_time::from_value(first - now));
  }
}

void ParallelRunner::finish(Slice& slice) {
  slice.done = true;
  slice.done_event->notify();
}

void ParallelRunner::run_round() {
  const auto run = [](Slice& slice) {
    slice.reason = slice.core->isolated_hart().run_isolated(slice.cycle_limit);
  };
  const auto count = static_cast<uint32_t>(round_.size());
  if (workers_.empty() || count == 1) {
    for (Slice* slice : round_) run(*slice);
    return;
  }
  const auto threads = static_cast<uint32_t>(shares_.size());
  for (uint32_t i = 0; i < threads; ++i) {
    shares_[i].next.store(static_cast<uint32_t>(uint64_t{count} * i / threads),
                          std::memory_order_relaxed);
    shares_[i].end = static_cast<uint32_t>(uint64_t{count} * (i + 1) / threads);
  }
  done_.store(0, std::memory_order_relaxed);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  take_slices(0);
  // What the workers took is short (one quantum of one core each): wait for it, then for every
  // worker to have left the batch.
  while (done_.load(std::memory_order_acquire) < count) pause();
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    open_ = false;
  }
  while (active_.load(std::memory_order_acquire) != 0) pause();
}

void ParallelRunner::take_slices(unsigned thread) {
  const auto threads = static_cast<unsigned>(shares_.size());
  for (unsigned k = 0; k < threads; ++k) {
    Share& share = shares_[(thread + k) % threads];
    uint32_t ran = 0;
    for (uint32_t index; (index = share.next.fetch_add(1, std::memory_order_acq_rel)) < share.end;
         ++ran) {
      Slice& slice = *round_[index];
      slice.reason = slice.core->isolated_hart().run_isolated(slice.cycle_limit);
    }
    if (ran != 0) done_.fetch_add(ran, std::memory_order_acq_rel);
  }
}

void ParallelRunner::worker(unsigned thread) {
  uint32_t seen = 0;
  for (;;) {
    // Between batches SystemC's thread runs the serial part: poll a while, then sleep.
    for (unsigned spins = 0; spin_ && spins < kPolls; ++spins) {
      if (generation_.load(std::memory_order_acquire) != seen) break;
      pause();
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
      seen = generation_.load(std::memory_order_relaxed);
      if (quit_) return;
      if (!open_) continue;
      active_.fetch_add(1, std::memory_order_acq_rel);
    }
    take_slices(thread);
    active_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

}  // namespace dojo::core
