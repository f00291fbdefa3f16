#include "auth/ConcurrencyGate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace postamt::auth {
namespace {

// Runs `threads` threads that each hold a pass while they count themselves in; returns the most inside at once.
int mostInsideAtOnce(ConcurrencyGate& gate, int threads) {
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&] {
      for (int round = 0; round < 200; ++round) {
        const ConcurrencyGate::Pass pass(gate);
        const int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --inside;
      }
    });
  }
  for (auto& thread : running) thread.join();
  return most.load();
}

TEST(ConcurrencyGate, LetsNoMoreThanItsCapacityInAtOnce) {
  ConcurrencyGate gate(2);
  EXPECT_LE(mostInsideAtOnce(gate, 8), 2);
}

TEST(ConcurrencyGate, ACapacityOfZeroStillLetsOneThrough) {
  ConcurrencyGate gate(0);
  EXPECT_EQ(mostInsideAtOnce(gate, 4), 1);
}

TEST(ConcurrencyGate, ReconfiguredCapacityApplies) {
  ConcurrencyGate gate(8);
  gate.configure(1);
  EXPECT_EQ(mostInsideAtOnce(gate, 4), 1);
}

}  // namespace
}  // namespace postamt::auth
