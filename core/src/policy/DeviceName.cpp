#include "policy/DeviceName.h"

#include <algorithm>

namespace postamt::policy {

bool DeviceName::valid(const std::string& name) {
  return !name.empty() && name.size() <= kMaxLength && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

std::optional<DeviceName> DeviceName::split(const std::string& localPart, char separator) {
  const auto at = localPart.find(separator);
  if (at == std::string::npos) return DeviceName{localPart, {}};
  DeviceName name{localPart.substr(0, at), localPart.substr(at + 1)};
  if (name.localPart.empty() || !valid(name.device)) return std::nullopt;
  return name;
}

}  // namespace postamt::policy
