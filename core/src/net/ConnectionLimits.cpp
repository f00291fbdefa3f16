#include "net/ConnectionLimits.h"

#include <Poco/String.h>

#include <utility>

namespace postamt::net {

ConnectionLimits::Lease::Lease(Lease&& other) noexcept
    : counter_(std::exchange(other.counter_, nullptr)), key_(std::move(other.key_)) {}

ConnectionLimits::Lease& ConnectionLimits::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (counter_ != nullptr) counter_->giveBack(key_);
    counter_ = std::exchange(other.counter_, nullptr);
    key_ = std::move(other.key_);
  }
  return *this;
}

ConnectionLimits::Lease::~Lease() {
  if (counter_ != nullptr) counter_->giveBack(key_);
}

std::optional<ConnectionLimits::Lease> ConnectionLimits::Counter::take(const std::string& key) {
  if (limit_ == 0) return Lease();
  std::lock_guard lock(mutex_);
  auto& open = open_[key];
  if (open >= limit_) return std::nullopt;
  ++open;
  return Lease(*this, key);
}

void ConnectionLimits::Counter::giveBack(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto found = open_.find(key);
  if (found != open_.end() && --found->second == 0) open_.erase(found);
}

std::size_t ConnectionLimits::Counter::keys() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

ConnectionLimits::ConnectionLimits(const ConnectionLimitSettings& settings)
    : byAddress_(settings.perAddress), byUserAddress_(settings.perUserAddress), byTenant_(settings.perTenant) {}

std::optional<ConnectionLimits::Lease> ConnectionLimits::admitUser(const std::string& user, const std::string& address) {
  const std::string key = Poco::toLower(user);
  // A NUL cannot be in a command line's user name, so it separates the two without ambiguity.
  return byUserAddress_.take(key + '\0' + address);
}

}  // namespace postamt::net
