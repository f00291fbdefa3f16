#include "pop3/Transaction.h"

namespace postamt::pop3 {

Transaction::Transaction(std::unique_ptr<Maildrop> maildrop)
    : maildrop_(std::move(maildrop)), deleted_(maildrop_->messages().size(), false) {
  for (const auto& message : maildrop_->messages()) totalSize_ += message.size;
}

Maildrop& Transaction::maildrop() const { return *maildrop_; }

std::size_t Transaction::count() const { return deleted_.size(); }

const MessageInfo& Transaction::message(std::size_t number) const { return maildrop_->messages().at(number - 1); }

bool Transaction::deleted(std::size_t number) const { return deleted_.at(number - 1); }

void Transaction::markDeleted(std::size_t number) {
  if (deleted(number)) return;
  deleted_[number - 1] = true;
  ++deletedCount_;
  deletedSize_ += message(number).size;
}

void Transaction::unmarkAll() {
  deleted_.assign(deleted_.size(), false);
  deletedCount_ = 0;
  deletedSize_ = 0;
}

std::size_t Transaction::remainingCount() const { return count() - deletedCount_; }

std::uint64_t Transaction::remainingSize() const { return totalSize_ - deletedSize_; }

std::vector<std::size_t> Transaction::markedIndexes() const {
  std::vector<std::size_t> indexes;
  indexes.reserve(deletedCount_);
  for (std::size_t index = 0; index < deleted_.size(); ++index) {
    if (deleted_[index]) indexes.push_back(index);
  }
  return indexes;
}

}  // namespace postamt::pop3
