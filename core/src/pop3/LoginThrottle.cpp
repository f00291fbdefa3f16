#include "pop3/LoginThrottle.h"

#include <Poco/String.h>
#include <arpa/inet.h>

#include <algorithm>
#include <iterator>
#include <utility>

namespace postamt::pop3 {
namespace {

// 2^31 times any delay in milliseconds is past any sensible cap.
constexpr int kMaxPenaltySteps = 32;

// An IPv6 client is counted by its /48, as in Dovecot's auth penalty (PENALTY_IPV6_MASK_BITS): a site is given at
// least that much, so a guesser counted by full address would have a fresh count for every guess. An IPv4-mapped
// address counts as its IPv4 address; anything else that is no IPv6 address ("local") counts as it is.
constexpr std::size_t kIpv6PrefixOctets = 6;

std::string addressKey(std::string_view address) {
  in6_addr v6{};
  if (inet_pton(AF_INET6, std::string(address).c_str(), &v6) != 1) return std::string(address);
  char text[INET6_ADDRSTRLEN];
  if (IN6_IS_ADDR_V4MAPPED(&v6)) return inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof text);
  std::fill(std::begin(v6.s6_addr) + kIpv6PrefixOctets, std::end(v6.s6_addr), 0);
  return std::string(inet_ntop(AF_INET6, &v6, text, sizeof text)) + "/48";
}

}  // namespace

LoginThrottle::LoginThrottle(ThrottleSettings settings, Clock clock)
    : settings_(settings),
      clock_(std::move(clock)),
      addresses_(std::max<std::size_t>(settings.capacity, 1)),
      users_(std::max<std::size_t>(settings.capacity, 1)) {}

bool LoginThrottle::admits(std::string_view address, std::string_view user) const {
  const auto now = clock_();
  const std::string from = addressKey(address);
  const std::string byUser = user.empty() ? std::string() : userKey(user);
  std::lock_guard lock(mutex_);
  if (overLimit(addresses_.find(from), settings_.maxFailuresPerAddress, now)) return false;
  return user.empty() || !overLimit(users_.find(byUser), settings_.maxFailuresPerUser, now);
}

LoginThrottle::Penalty LoginThrottle::failed(std::string_view address, std::string_view user,
                                             std::optional<std::string_view> secret) {
  const auto now = clock_();
  const std::string byUser = user.empty() ? std::string() : userKey(user);
  const auto credentials = secret ? std::optional(digest_.of({user, *secret})) : std::nullopt;
  const std::string byAddress = addressKey(address);
  std::lock_guard lock(mutex_);
  Record& from = addresses_.touch(byAddress);
  forgetIfQuiet(from, now);
  auto& recent = from.recentCredentials;
  const bool repeat = credentials && std::find(recent.begin(), recent.end(), *credentials) != recent.end();
  if (!repeat) {
    if (credentials && settings_.rememberedCredentials > 0) {
      recent.push_back(*credentials);
      if (recent.size() > settings_.rememberedCredentials) recent.pop_front();
    }
    ++from.failures;
    // Past the step where the delay reaches its cap, counting on changes nothing.
    from.penaltySteps = std::min(from.penaltySteps + 1, kMaxPenaltySteps);
    from.lastFailure = now;
    if (!user.empty()) {
      Record& named = users_.touch(byUser);
      forgetIfQuiet(named, now);
      ++named.failures;
      named.lastFailure = now;
    }
  }
  const bool lockedOut = overLimit(&from, settings_.maxFailuresPerAddress, now) ||
                         (!user.empty() && overLimit(users_.find(byUser), settings_.maxFailuresPerUser, now));
  return {delayAfter(from.penaltySteps), lockedOut};
}

std::chrono::milliseconds LoginThrottle::refusalDelay(std::string_view address) const {
  const std::string byAddress = addressKey(address);
  std::lock_guard lock(mutex_);
  const Record* from = addresses_.find(byAddress);
  return delayAfter(from == nullptr ? 0 : from->penaltySteps);
}

void LoginThrottle::succeeded(std::string_view address) {
  const std::string byAddress = addressKey(address);
  std::lock_guard lock(mutex_);
  const Record* from = addresses_.find(byAddress);
  if (from != nullptr && from->penaltySteps > 0) addresses_.touch(byAddress).penaltySteps = 0;
}

std::string LoginThrottle::userKey(std::string_view user) const {
  // Login names are matched without regard to ASCII case, as the directory resolves them.
  const std::string lower = Poco::toLower(std::string(user));
  const auto digest = digest_.of({lower});
  return std::string(digest.begin(), digest.end());
}

void LoginThrottle::forgetIfQuiet(Record& record, std::chrono::steady_clock::time_point now) const {
  if (record.failures == 0 || now - record.lastFailure < settings_.window) return;
  record = Record{};
}

bool LoginThrottle::overLimit(const Record* record, int limit, std::chrono::steady_clock::time_point now) const {
  return limit > 0 && record != nullptr && record->failures >= limit && now - record->lastFailure < settings_.window;
}

std::chrono::milliseconds LoginThrottle::delayAfter(int penaltySteps) const {
  if (penaltySteps <= 0 || settings_.firstDelay <= std::chrono::milliseconds(0)) return std::chrono::milliseconds(0);
  auto delay = settings_.firstDelay;
  for (int step = 1; step < penaltySteps && delay < settings_.maxDelay; ++step) delay *= 2;
  return std::min(delay, settings_.maxDelay);
}

const LoginThrottle::Record* LoginThrottle::Table::find(const std::string& key) const {
  const auto found = records_.find(key);
  return found == records_.end() ? nullptr : &found->second.first;
}

LoginThrottle::Record& LoginThrottle::Table::touch(const std::string& key) {
  if (const auto found = records_.find(key); found != records_.end()) {
    order_.splice(order_.begin(), order_, found->second.second);
    return found->second.first;
  }
  if (records_.size() >= capacity_) {
    records_.erase(order_.back());
    order_.pop_back();
  }
  order_.push_front(key);
  return records_.emplace(key, std::pair(Record{}, order_.begin())).first->second.first;
}

}  // namespace postamt::pop3
