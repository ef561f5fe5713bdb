// For the platform's own tests of its lockstep path: an engine that forwards everything to another
// one, except that once its Nth instruction has retired the registers it reports have bit 0 of
// lane 0 flipped, as a buggy RTL's would. The fault-injecting simulator (dojo_vp_faults.cpp) wraps the
// RTL in it.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "vector/vector_engine.h"

namespace dojo::vector {

class FaultyEngine : public VectorEngine {
 public:
  // `first_faulty` counts instructions from 1.
  FaultyEngine(std::unique_ptr<VectorEngine> inner, uint64_t first_faulty)
      : inner_(std::move(inner)), first_faulty_(first_faulty) {
    inner_->on_retire([this](uint64_t number) {
      retired_ = number + 1;
      if (observer_) observer_(number);
    });
  }

  void advance_to(uint64_t cycle) override { inner_->advance_to(cycle); }
  Outcome settle() override { return inner_->settle(); }
  void on_retire(RetireObserver observer) override { observer_ = std::move(observer); }
  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override {
    return inner_->execute(instruction, rs1_value, pc);
  }
  Outcome load(uint32_t instruction, const Register& data, uint64_t pc) override {
    return inner_->load(instruction, data, pc);
  }
  Outcome store(uint32_t instruction, Register& data, uint64_t pc) override {
    return inner_->store(instruction, data, pc);
  }
  bool read_csr(unsigned csr, uint64_t& value) override { return inner_->read_csr(csr, value); }
  bool write_csr(unsigned csr, uint64_t value) override { return inner_->write_csr(csr, value); }
  Register read_register(unsigned index) override {
    Register value = inner_->read_register(index);
    if (retired_ >= first_faulty_) value[0] ^= 1;
    return value;
  }

  VectorEngine& inner() { return *inner_; }

 private:
  std::unique_ptr<VectorEngine> inner_;
  uint64_t first_faulty_;
  uint64_t retired_ = 0;
  RetireObserver observer_;
};

}  // namespace dojo::vector
