#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "Sqlite.h"

namespace postamt::store_sqlite {

// Group commit for the durable writes of one process. SQLite admits one
// writer at a time: eight sessions delivering at once each waited in SQLite's
// busy handler (sleeping 1 ms, then 2, 5, 10 ...) and each paid an fsync of
// its own. Here the writer whose turn it is leads: it runs every piece of work
// queued by then in one transaction, each piece in a savepoint of its own, and
// one commit (one fsync) makes the whole batch durable; the others sleep on a
// condition variable and wake the moment their work is durable.
//
// run() returns only once the work is committed, so "durable before 250"
// holds for every caller. A piece that throws is rolled back alone and its
// caller gets the exception; a failed commit fails every piece of the batch
// with POSTAMT_TEMP_FAIL (nothing of it is stored).
class CommitGroup {
 public:
  using Work = std::function<void(Connection&)>;

  // At most `maxBatch` pieces share a commit, so one transaction cannot grow without bound.
  explicit CommitGroup(ConnectionPool& pool, std::size_t maxBatch = 64) : pool_(pool), maxBatch_(maxBatch) {}

  void run(const Work& work);

  // Pieces queued for the next commit, and commits made: for tests and diagnostics.
  std::size_t waiting() const;
  std::uint64_t commits() const;

 private:
  struct Pending {
    const Work* work;
    std::exception_ptr error;
    bool done = false;
  };

  void commitBatch(const std::vector<Pending*>& batch) noexcept;

  ConnectionPool& pool_;
  const std::size_t maxBatch_;
  mutable std::mutex mutex_;
  std::condition_variable committed_;
  std::vector<Pending*> queue_;
  bool leading_ = false;
  std::uint64_t commits_ = 0;
};

}  // namespace postamt::store_sqlite
