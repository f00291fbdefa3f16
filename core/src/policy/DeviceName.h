#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace postamt::policy {

// A login name's device suffix, for a tenant that tracks devices
// (policies/README.md "Several devices"): "alice+phone" is user "alice" on
// device "phone" with the separator '+'.
struct DeviceName {
  std::string localPart;  // the user's own local part
  std::string device;     // empty: no suffix, the login sees the maildrop as it is

  // Devices a login may name: a client controls the name, so it is short and plain.
  static constexpr std::size_t kMaxLength = 32;

  // Splits at the first separator. Nothing when the suffix is not a device
  // name (empty, too long, or other than letters, digits, '.', '_', '-').
  static std::optional<DeviceName> split(const std::string& localPart, char separator);
  // Whether `name` is a device name split() would give.
  static bool valid(const std::string& name);
};

}  // namespace postamt::policy
