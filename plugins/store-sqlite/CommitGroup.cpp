#include "CommitGroup.h"

#include <algorithm>
#include <string>

namespace postamt::store_sqlite {

void CommitGroup::run(const Work& work) {
  Pending mine{&work, nullptr};
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (leading_) {
      committed_.wait(lock);
      continue;
    }
    // This thread leads the next batch: the oldest pieces, its own among them
    // unless more than a batch is queued ahead of it (then it leads again).
    leading_ = true;
    const auto end = queue_.begin() + static_cast<std::ptrdiff_t>(std::min(queue_.size(), maxBatch_));
    std::vector<Pending*> batch(queue_.begin(), end);
    queue_.erase(queue_.begin(), end);
    lock.unlock();
    commitBatch(batch);
    lock.lock();
    for (Pending* pending : batch) pending->done = true;
    ++commits_;
    leading_ = false;
    committed_.notify_all();
  }
  if (mine.error) std::rethrow_exception(mine.error);
}

void CommitGroup::commitBatch(const std::vector<Pending*>& batch) noexcept {
  try {
    ConnectionPool::Lease lease = pool_.acquire();
    Connection& db = *lease;
    Transaction transaction(db);
    for (Pending* pending : batch) {
      db.exec("SAVEPOINT piece");
      try {
        (*pending->work)(db);
      } catch (...) {
        pending->error = std::current_exception();
        db.exec("ROLLBACK TO piece");
      }
      db.exec("RELEASE piece");
    }
    transaction.commit();
  } catch (const std::exception& e) {
    // Each caller gets an exception object of its own: they rethrow it on different threads.
    const std::string reason = std::string("not committed: ") + e.what();
    for (Pending* pending : batch) pending->error = std::make_exception_ptr(sdk::Error(POSTAMT_TEMP_FAIL, reason));
  }
}

std::size_t CommitGroup::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

std::uint64_t CommitGroup::commits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return commits_;
}

}  // namespace postamt::store_sqlite
