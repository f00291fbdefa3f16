#pragma once

#include <Poco/Data/SessionPool.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace postamt::tenant {

// A tenant's per-device download tracking (policies/README.md "Several devices").
struct DeviceSettings {
  char separator = '+';
  std::int64_t graceSeconds = 0;  // after the first device's deletion; 0: until every device has deleted
};

struct DeviceDeletion {
  std::string device;
  std::string uidl;
  std::int64_t at = 0;  // seconds since the epoch
};

// One user's registered devices and what each has deleted.
struct UserDevices {
  std::vector<std::string> devices;
  std::vector<DeviceDeletion> deletions;
};

struct RegisteredDevice {
  std::string device;
  std::int64_t registeredAt = 0;
  std::int64_t deletions = 0;  // messages it deleted that are still held by another device
};

// Device tracking as the directory database keeps it (schemas/sqlite/
// 007_devices.sql), so every frontend sees the same devices. Messages are
// named by UIDL, so it works over every store. Thread-safe; every call reads
// or writes the database and throws DirectoryError when it cannot.
class DeviceDirectory {
 public:
  DeviceDirectory(const std::string& connector, const std::string& connect);

  // Every tracking tenant's settings, in one query.
  std::map<std::int64_t, DeviceSettings> settings();
  // Turns tracking on with these settings, or with nothing off (registered devices are kept).
  void setSettings(std::int64_t tenantId, const std::optional<DeviceSettings>& settings);

  // Registers the device unless it is known; false when the user already has `limit` devices.
  bool registerDevice(std::int64_t tenantId, const std::string& address, const std::string& device, std::int64_t at,
                      std::size_t limit);
  UserDevices userDevices(std::int64_t tenantId, const std::string& address);
  std::vector<RegisteredDevice> devices(std::int64_t tenantId, const std::string& address);
  // Drops the device and its deletions; false when there was no such device.
  bool removeDevice(std::int64_t tenantId, const std::string& address, const std::string& device);

  // The device's DELE+QUIT of messages other devices still hold, all or none.
  void recordDeletions(std::int64_t tenantId, const std::string& address, const std::string& device,
                       const std::vector<std::string>& uidls, std::int64_t at);
  // Forgets every device's deletions of these messages (gone from the store, or never recorded).
  void forgetDeletions(std::int64_t tenantId, const std::string& address, const std::vector<std::string>& uidls);

 private:
  Poco::Data::SessionPool pool_;
};

}  // namespace postamt::tenant
