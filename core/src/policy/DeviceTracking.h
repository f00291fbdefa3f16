#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

#include "tenant/DeviceDirectory.h"

namespace postamt::policy {

// Which tenants track their users' devices (`postamtctl device tracking`),
// read once a second at most in one query for all tenants, so a login costs
// no query for it and a change reaches every frontend within about a second.
// Thread-safe.
class DeviceTracking {
 public:
  explicit DeviceTracking(tenant::DeviceDirectory& directory) : directory_(directory) {}

  // Throws DirectoryError when the directory cannot be read.
  std::optional<tenant::DeviceSettings> settings(std::int64_t tenantId);

  tenant::DeviceDirectory& directory() { return directory_; }

  // A user may register this many devices; a further one's login is refused.
  static constexpr std::size_t kMaxDevicesPerUser = 16;

 private:
  const std::map<std::int64_t, tenant::DeviceSettings>& current(std::unique_lock<std::mutex>& lock);

  tenant::DeviceDirectory& directory_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point readAt_;
  std::map<std::int64_t, tenant::DeviceSettings> settings_;
};

}  // namespace postamt::policy
