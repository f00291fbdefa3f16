#include "auth/ConcurrencyGate.h"

#include <algorithm>
#include <thread>

namespace postamt::auth {

ConcurrencyGate::ConcurrencyGate(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void ConcurrencyGate::configure(std::size_t capacity) {
  {
    std::lock_guard lock(mutex_);
    capacity_ = std::max<std::size_t>(capacity, 1);
  }
  roomFreed_.notify_all();
}

ConcurrencyGate::Pass::Pass(ConcurrencyGate& gate) : gate_(gate) {
  std::unique_lock lock(gate_.mutex_);
  gate_.roomFreed_.wait(lock, [&] { return gate_.holders_ < gate_.capacity_; });
  ++gate_.holders_;
}

ConcurrencyGate::Pass::~Pass() {
  {
    std::lock_guard lock(gate_.mutex_);
    --gate_.holders_;
  }
  gate_.roomFreed_.notify_one();
}

ConcurrencyGate& slowHashGate() {
  // Half the cores (at least one) leaves the other half to sessions that are logged in already.
  static ConcurrencyGate gate(std::max(1u, std::thread::hardware_concurrency() / 2));
  return gate;
}

}  // namespace postamt::auth
