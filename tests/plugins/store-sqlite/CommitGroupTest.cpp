// store-sqlite's group commit, on a real SQLite file.
#include "CommitGroup.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <stdexcept>
#include <thread>
#include <vector>

#include "../PluginTesting.h"

namespace postamt::store_sqlite {
namespace {

class CommitGroupTest : public ::testing::Test {
 protected:
  void SetUp() override { (*pool_.acquire()).exec("CREATE TABLE pieces (n INTEGER NOT NULL)"); }

  CommitGroup::Work insert(int n) {
    return [n](Connection& db) {
      Statement row(db, "INSERT INTO pieces (n) VALUES (?1)");
      row.bind(1, std::int64_t{n}).step();
    };
  }

  std::int64_t stored(const char* where = "1") {
    Connection db(scratch_.path(), 1000, Durability::Synced);
    Statement count(db, (std::string("SELECT count(*) FROM pieces WHERE ") + where).c_str());
    count.step();
    return count.integer(0);
  }

  // Runs `first` on its own thread and holds it inside its transaction until
  // `queued` more pieces wait, so that they are sure to share the next commit.
  void whileLeaderHeld(std::size_t queued, const std::vector<std::function<void()>>& others) {
    std::atomic<bool> release{false};
    std::atomic<bool> entered{false};
    std::thread leader([&] {
      group_.run([&](Connection& db) {
        insert(0)(db);
        entered = true;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!release && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      });
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!entered && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    std::vector<std::thread> threads;
    for (const auto& other : others) threads.emplace_back(other);
    while (group_.waiting() < queued && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    release = true;
    leader.join();
    for (auto& thread : threads) thread.join();
  }

  testing::ScratchDatabase scratch_;
  ConnectionPool pool_{scratch_.path(), 1000, 4, Durability::Synced};
  CommitGroup group_{pool_};
};

TEST_F(CommitGroupTest, EveryPieceFromEveryThreadIsCommitted) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) group_.run(insert(t * 100 + i));
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(stored(), 200);
  EXPECT_LE(group_.commits(), 200u);
  EXPECT_EQ(group_.waiting(), 0u);
}

TEST_F(CommitGroupTest, PiecesQueuedDuringACommitShareTheNextOne) {
  std::vector<std::function<void()>> others;
  for (int n = 1; n <= 3; ++n) others.push_back([this, n] { group_.run(insert(n)); });
  whileLeaderHeld(3, others);
  EXPECT_EQ(stored(), 4);
  EXPECT_EQ(group_.commits(), 2u);  // the held leader's, then one for all three
}

TEST_F(CommitGroupTest, APieceThatFailsIsRolledBackAloneAndItsCallerHearsIt) {
  std::atomic<bool> failedCallerThrew{false};
  std::vector<std::function<void()>> others{
      [this] { group_.run(insert(1)); },
      [&] {
        try {
          group_.run([](Connection& db) {
            Statement row(db, "INSERT INTO pieces (n) VALUES (2)");
            row.step();
            throw sdk::Error(POSTAMT_PERM_FAIL, "this piece is bad");
          });
        } catch (const sdk::Error& e) {
          failedCallerThrew = e.status() == POSTAMT_PERM_FAIL;
        }
      },
      [this] { group_.run(insert(3)); },
  };
  whileLeaderHeld(3, others);
  EXPECT_TRUE(failedCallerThrew);
  EXPECT_EQ(stored("n = 2"), 0);  // its insert was undone with it
  EXPECT_EQ(stored(), 3);         // the leader's, 1 and 3
  EXPECT_EQ(group_.commits(), 2u);
}

TEST_F(CommitGroupTest, AFailedCommitFailsTheWholeBatchAsTemporary) {
  // A piece that ends the transaction itself makes the batch's COMMIT fail: nothing of the batch may be reported stored.
  std::vector<postamt_status> statuses(2, POSTAMT_OK);
  std::vector<std::function<void()>> others{
      [&] {
        try {
          group_.run(insert(1));
        } catch (const sdk::Error& e) {
          statuses[0] = e.status();
        }
      },
      [&] {
        try {
          group_.run([](Connection& db) { db.exec("ROLLBACK"); });
        } catch (const sdk::Error& e) {
          statuses[1] = e.status();
        }
      },
  };
  whileLeaderHeld(2, others);
  EXPECT_EQ(statuses[0], POSTAMT_TEMP_FAIL);
  EXPECT_EQ(statuses[1], POSTAMT_TEMP_FAIL);
  EXPECT_EQ(stored("n = 1"), 0);
}

}  // namespace
}  // namespace postamt::store_sqlite
