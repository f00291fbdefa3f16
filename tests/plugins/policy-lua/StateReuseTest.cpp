// ARCHITECTURE.md and issue 6.7: one Lua state per worker thread per tenant,
// the script compiled once per state. Counted, not timed: the script's main
// chunk logs one line each time a state compiles and runs it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "../PluginTesting.h"
#include "plugin/HostApi.h"

namespace postamt::testing {
namespace {

std::atomic<int> compiles{0};

// Calls that log "in a call" wait there until a whole burst of them is inside the script at once.
constexpr int kBurst = 24;
std::atomic<int> inside{0};

void holdUntilTheBurstIsInside() {
  ++inside;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (inside % kBurst != 0 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
}

const char* const kScript =
    "postamt.log('main chunk ran')\n"
    "function login(a) return {login_delay = 0} end\n";

class StateReuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    compiles = 0;
    const postamt_plugin& plugin = loadPlugin("policy-lua");
    api_ = plugin.policy;
    host_ = plugin::hostApi();
    host_.log = [](postamt_log_level, const char*, const char* message) noexcept {
      if (std::strstr(message, "main chunk ran") != nullptr) ++compiles;
      if (std::strstr(message, "in a call") != nullptr) holdUntilTheBurstIsInside();
    };
    SettingList settings({{"instruction_limit", "1000000"}});
    char text[256] = "";
    postamt_error error{text, sizeof text};
    instance_ = api_->create(&host_, settings.get(), &error);
    ASSERT_NE(instance_, nullptr) << text;
  }
  void TearDown() override { api_->destroy(instance_); }

  postamt_status login(std::int64_t tenant, std::int64_t version) {
    const std::string script = kScript;
    const postamt_policy_script view{tenant, "demo", version, script.data(), script.size()};
    const postamt_value user{"user", POSTAMT_VALUE_STRING, 0, "alice@demo.test"};
    const postamt_values args{&user, 1};
    char text[256] = "";
    postamt_error error{text, sizeof text};
    return api_->decide(
        instance_, &view, "login", &args, [](void*, const postamt_value*) noexcept {}, nullptr, &error);
  }

  const postamt_policy_api* api_ = nullptr;
  postamt_host_api host_{};
  void* instance_ = nullptr;
};

TEST_F(StateReuseTest, OneThreadCompilesATenantsScriptOnce) {
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(login(1, 1), POSTAMT_OK);
  EXPECT_EQ(compiles, 1);
  ASSERT_EQ(login(2, 1), POSTAMT_OK);  // another tenant: a state of its own
  EXPECT_EQ(compiles, 2);
  ASSERT_EQ(login(1, 2), POSTAMT_OK);  // a changed script: compiled again, once
  for (int i = 0; i < 100; ++i) ASSERT_EQ(login(1, 2), POSTAMT_OK);
  EXPECT_EQ(compiles, 3);
}

TEST_F(StateReuseTest, ThreadsCallingAtOnceCompileAtMostOneStateEach) {
  constexpr int kThreads = 4;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (login(1, 1) != POSTAMT_OK) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GE(compiles, 1);
  EXPECT_LE(compiles, kThreads);
}

// Each state may hold up to the memory limit for as long as it is kept: a burst of calls at once must not leave a
// state per call behind for ever.
TEST_F(StateReuseTest, ABurstOfCallsLeavesAFewStatesBehind) {
  inside = 0;
  const std::string script = "postamt.log('main chunk ran')\nfunction login(a) postamt.log('in a call') return {} end\n";
  const auto burst = [&] {
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kBurst; ++t) {
      threads.emplace_back([&] {
        const postamt_policy_script view{1, "demo", 7, script.data(), script.size()};
        const postamt_values args{nullptr, 0};
        postamt_error ignored{nullptr, 0};
        if (api_->decide(
                instance_, &view, "login", &args, [](void*, const postamt_value*) noexcept {}, nullptr, &ignored) != POSTAMT_OK)
          ++failures;
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failures, 0);
  };
  burst();
  EXPECT_EQ(compiles, kBurst);  // all at once: a state each
  burst();
  EXPECT_EQ(compiles, kBurst + (kBurst - 16));  // 16 were kept; the rest were closed and are made again
}

}  // namespace
}  // namespace postamt::testing
