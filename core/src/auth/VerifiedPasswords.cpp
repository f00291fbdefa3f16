#include "auth/VerifiedPasswords.h"

namespace postamt::auth {

VerifiedPasswords::VerifiedPasswords(std::size_t capacity, std::chrono::seconds timeToLive)
    : capacity_(capacity), timeToLive_(timeToLive) {}

bool VerifiedPasswords::contains(std::string_view stored, std::string_view password) {
  const Key key = digest_.of({stored, password});
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (capacity_ == 0) return false;
  auto found = current_.find(key);
  if (found == current_.end()) {
    const auto old = previous_.find(key);
    if (old == previous_.end()) return false;
    found = current_.insert(previous_.extract(old)).position;
  }
  if (found->second < now) {
    current_.erase(found);
    return false;
  }
  return true;
}

void VerifiedPasswords::remember(std::string_view stored, std::string_view password) {
  const Key key = digest_.of({stored, password});
  const auto expires = std::chrono::steady_clock::now() + timeToLive_;
  std::lock_guard lock(mutex_);
  if (capacity_ == 0) return;
  if (current_.size() >= capacity_ / 2) {
    previous_ = std::move(current_);
    current_.clear();
  }
  current_[key] = expires;
}

void VerifiedPasswords::configure(std::size_t capacity, std::chrono::seconds timeToLive) {
  std::lock_guard lock(mutex_);
  capacity_ = capacity;
  timeToLive_ = timeToLive;
  current_.clear();
  previous_.clear();
}

VerifiedPasswords& verifiedPasswords() {
  static VerifiedPasswords cache(100000, std::chrono::hours(1));
  return cache;
}

}  // namespace postamt::auth
