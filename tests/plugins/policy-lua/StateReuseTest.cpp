// ARCHITECTURE.md and issue 6.7: one Lua state per worker thread per tenant,
// the script compiled once per state. Counted, not timed: the script's main
// chunk logs one line each time a state compiles and runs it.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "../PluginTesting.h"
#include "plugin/HostApi.h"

namespace postamt::testing {
namespace {

std::atomic<int> compiles{0};

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

}  // namespace
}  // namespace postamt::testing
