#include "policy/DeviceTracking.h"

namespace postamt::policy {
namespace {

// As TenantPolicies polls scripts: a change is in effect for new sessions within two seconds.
constexpr std::chrono::seconds kPollEvery{1};

}  // namespace

const std::map<std::int64_t, tenant::DeviceSettings>& DeviceTracking::current(std::unique_lock<std::mutex>& lock) {
  const auto now = std::chrono::steady_clock::now();
  if (readAt_.time_since_epoch().count() == 0 || now - readAt_ >= kPollEvery) {
    lock.unlock();  // a slow database holds up only the threads that need the answer
    auto fresh = directory_.settings();
    lock.lock();
    settings_ = std::move(fresh);
    readAt_ = now;
  }
  return settings_;
}

std::optional<tenant::DeviceSettings> DeviceTracking::settings(std::int64_t tenantId) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto& all = current(lock);
  const auto it = all.find(tenantId);
  if (it == all.end()) return std::nullopt;
  return it->second;
}

}  // namespace postamt::policy
