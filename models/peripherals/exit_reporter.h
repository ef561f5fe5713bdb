// Forwards a device's exit request to the platform once: firmware usually keeps storing (e.g. in a
// loop around the store) until the platform has stopped the simulation, and the first request is
// the one that counts.
#pragma once

#include <functional>
#include <utility>

namespace dojo::peripherals {

class ExitReporter {
 public:
  explicit ExitReporter(std::function<void(int status)> on_exit) : on_exit_(std::move(on_exit)) {}

  void request(int status) {
    if (exited_) return;
    exited_ = true;
    status_ = status;
    if (on_exit_) on_exit_(status);
  }
  bool exited() const { return exited_; }
  int status() const { return status_; }  // meaningful once exited()

 private:
  std::function<void(int)> on_exit_;
  bool exited_ = false;
  int status_ = 0;
};

}  // namespace dojo::peripherals
