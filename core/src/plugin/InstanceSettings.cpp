#include "plugin/InstanceSettings.h"

#include <algorithm>

#include "config/ConfigFile.h"

namespace postamt::plugin {

InstanceSettings::InstanceSettings(const Poco::Util::AbstractConfiguration& config, const std::string& fullName,
                                   std::initializer_list<const char*> hostKeys)
    : pairs_(config::leafSettings(config, fullName)) {
  for (const auto& [key, value] : pairs_) {
    const bool host = std::any_of(hostKeys.begin(), hostKeys.end(), [&](const char* own) { return key == own; });
    if (!host) items_.push_back({key.c_str(), value.c_str()});
  }
}

}  // namespace postamt::plugin
