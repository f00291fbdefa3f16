#include "config/ConfigChanges.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "config/ConfigFile.h"

namespace postamt::config {
namespace {

// Every key that has a value, with its value expanded.
std::map<std::string, std::string> settings(const Poco::Util::AbstractConfiguration& config) {
  std::map<std::string, std::string> out;
  Poco::Util::AbstractConfiguration::Keys roots;
  config.keys("", roots);
  for (const auto& root : roots) {
    if (config.hasOption(root)) out[root] = config.getString(root);
    for (auto& [key, value] : leafSettings(config, root)) out[root + "." + key] = std::move(value);
  }
  return out;
}

}  // namespace

std::vector<std::string> changedKeys(const Poco::Util::AbstractConfiguration& before,
                                     const Poco::Util::AbstractConfiguration& after) {
  const auto old = settings(before);
  const auto now = settings(after);
  std::vector<std::string> changed;
  for (const auto& [key, value] : old) {
    const auto found = now.find(key);
    if (found == now.end() || found->second != value) changed.push_back(key);
  }
  for (const auto& [key, value] : now) {
    if (!old.contains(key)) changed.push_back(key);
  }
  std::sort(changed.begin(), changed.end());
  return changed;
}

bool isInstanceSetting(const std::string& key) {
  static constexpr std::string_view kKinds[] = {"store.", "auth.", "policy."};
  const auto name = key.find('.', key.find('.') + 1);  // the dot after <kind>.<name>
  return name != std::string::npos && key.substr(name) != ".plugin" &&
         std::any_of(std::begin(kKinds), std::end(kKinds), [&](std::string_view kind) { return key.starts_with(kind); });
}

bool appliesOnReload(const std::string& key) {
  if (isInstanceSetting(key)) return true;
  // The login throttle's tables and numbers live as long as the process: a reload must not reset an attacker's count.
  if (key.starts_with("pop3.auth_")) return false;
  static constexpr std::string_view kPrefixes[] = {"log.", "pop3.", "lmtp."};
  static constexpr std::string_view kKeys[] = {"server.hostname", "server.drain_timeout"};
  return std::any_of(std::begin(kKeys), std::end(kKeys), [&](std::string_view k) { return key == k; }) ||
         std::any_of(std::begin(kPrefixes), std::end(kPrefixes), [&](std::string_view p) { return key.starts_with(p); });
}

}  // namespace postamt::config
