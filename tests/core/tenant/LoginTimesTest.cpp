#include "tenant/LoginTimes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace postamt::tenant {
namespace {

using namespace std::chrono_literals;

// The directory's last_logins table, in memory: what was written, in how many transactions.
struct FakeTable {
  std::mutex mutex;
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> rows;
  int transactions = 0;
  std::atomic<bool> down{false};
  std::atomic<int> reads{0};

  LoginTimes::Read reader() {
    return [this](std::int64_t tenantId, const std::string& address) -> std::optional<std::int64_t> {
      ++reads;
      std::lock_guard lock(mutex);
      const auto found = rows.find({tenantId, address});
      return found == rows.end() ? std::nullopt : std::optional(found->second);
    };
  }
  LoginTimes::Write writer() {
    return [this](const std::vector<LoginTimes::Login>& logins) {
      if (down) throw std::runtime_error("database unavailable");
      std::lock_guard lock(mutex);
      ++transactions;
      for (const auto& login : logins) rows[{login.tenantId, login.address}] = login.at;
    };
  }
  std::optional<std::int64_t> row(std::int64_t tenantId, const std::string& address) {
    std::lock_guard lock(mutex);
    const auto found = rows.find({tenantId, address});
    return found == rows.end() ? std::nullopt : std::optional(found->second);
  }
  int transactionCount() {
    std::lock_guard lock(mutex);
    return transactions;
  }
};

bool eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 500 && !condition(); ++i) std::this_thread::sleep_for(10ms);
  return condition();
}

TEST(LoginTimesTest, ALoginIsAnsweredAtOnceAndWrittenWithinTheInterval) {
  FakeTable table;
  table.rows[{1, "alice@demo.test"}] = 100;
  LoginTimes times(table.reader(), table.writer(), 50ms);
  EXPECT_EQ(times.last(1, "alice@demo.test"), 100);  // from the table
  times.record(1, "alice@demo.test", 200);
  const int readsBefore = table.reads;
  EXPECT_EQ(times.last(1, "alice@demo.test"), 200);  // this frontend's own login, before it is written
  EXPECT_EQ(table.reads, readsBefore);
  EXPECT_TRUE(eventually([&] { return table.row(1, "alice@demo.test") == 200; }));
  EXPECT_EQ(times.last(2, "alice@demo.test"), std::nullopt);  // another tenant's user of that name never logged in
}

TEST(LoginTimesTest, WhatWasReadOrWrittenIsAnsweredFromMemoryForTheIntervalThenReadAgain) {
  FakeTable table;
  table.rows[{1, "alice@demo.test"}] = 100;
  LoginTimes times(table.reader(), table.writer(), 500ms);
  EXPECT_EQ(times.last(1, "alice@demo.test"), 100);
  EXPECT_EQ(times.last(1, "bob@demo.test"), std::nullopt);
  EXPECT_EQ(table.reads, 2);
  EXPECT_EQ(times.last(1, "alice@demo.test"), 100);  // from memory, as is that bob never logged in
  EXPECT_EQ(times.last(1, "bob@demo.test"), std::nullopt);
  EXPECT_EQ(table.reads, 2);

  {
    std::lock_guard lock(table.mutex);
    table.rows[{1, "alice@demo.test"}] = 150;  // another frontend's login
  }
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(times.last(1, "alice@demo.test"), 150);  // seen once memory has aged
  EXPECT_EQ(table.reads, 3);

  times.record(1, "bob@demo.test", 300);
  EXPECT_TRUE(eventually([&] { return table.row(1, "bob@demo.test") == 300; }));
  EXPECT_EQ(times.last(1, "bob@demo.test"), 300);  // written, and still known here without a read
  EXPECT_EQ(table.reads, 3);
}

TEST(LoginTimesTest, ManyLoginsShareOneTransaction) {
  FakeTable table;
  {
    LoginTimes times(table.reader(), table.writer(), 200ms);
    for (int i = 0; i < 100; ++i) times.record(1, "user" + std::to_string(i) + "@demo.test", 1000 + i);
  }  // the end writes what is pending
  EXPECT_EQ(table.transactionCount(), 1);
  EXPECT_EQ(table.row(1, "user99@demo.test"), 1099);
}

TEST(LoginTimesTest, WhatCouldNotBeWrittenIsKeptForTheNextTryAndStillAnswered) {
  FakeTable table;
  table.down = true;
  LoginTimes times(table.reader(), table.writer(), 20ms);
  times.record(1, "alice@demo.test", 300);
  std::this_thread::sleep_for(100ms);  // several failed tries
  EXPECT_EQ(table.row(1, "alice@demo.test"), std::nullopt);
  EXPECT_EQ(times.last(1, "alice@demo.test"), 300);
  table.down = false;
  EXPECT_TRUE(eventually([&] { return table.row(1, "alice@demo.test") == 300; }));
}

TEST(LoginTimesTest, PastItsCapacityNewUsersAreNotRecordedButKnownOnesAreUpdated) {
  FakeTable table;
  table.down = true;
  LoginTimes times(table.reader(), table.writer(), 10s, 2);
  times.record(1, "a@demo.test", 1);
  times.record(1, "b@demo.test", 2);
  times.record(1, "c@demo.test", 3);  // over capacity: dropped
  times.record(1, "a@demo.test", 4);  // already pending: updated
  EXPECT_EQ(times.last(1, "c@demo.test"), std::nullopt);
  EXPECT_EQ(times.last(1, "a@demo.test"), 4);
  table.down = false;
}

}  // namespace
}  // namespace postamt::tenant
