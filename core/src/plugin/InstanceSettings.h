#pragma once

#include <Poco/Util/AbstractConfiguration.h>
#include <postamt/abi.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace postamt::plugin {

// An instance's settings as the ABI passes them to create(): every key below
// `<kind>.<name>.` but the host's own (`plugin`, and a store's `wraps`). Owns
// the strings.
class InstanceSettings {
 public:
  InstanceSettings(const Poco::Util::AbstractConfiguration& config, const std::string& fullName,
                   std::initializer_list<const char*> hostKeys = {"plugin"});
  InstanceSettings(const InstanceSettings&) = delete;
  InstanceSettings& operator=(const InstanceSettings&) = delete;

  postamt_settings view() const { return {items_.data(), items_.size()}; }

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
  std::vector<postamt_setting> items_;
};

}  // namespace postamt::plugin
