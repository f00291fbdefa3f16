#include "plugin/PluginInstances.h"

#include <cstddef>
#include <vector>

#include "config/ConfigFile.h"

namespace postamt::plugin {
namespace {

// An instance's settings as the ABI passes them; owns the strings.
class InstanceSettings {
 public:
  InstanceSettings(const Poco::Util::AbstractConfiguration& config, const std::string& fullName)
      : pairs_(config::leafSettings(config, fullName)) {
    for (const auto& [key, value] : pairs_) {
      if (key != "plugin") items_.push_back({key.c_str(), value.c_str()});
    }
  }
  postamt_settings view() const { return {items_.data(), items_.size()}; }

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
  std::vector<postamt_setting> items_;
};

template <typename Api>
const Api& requireApi(const Api* api, const postamt_plugin& plugin, const std::string& fullName, const char* kind) {
  if (api == nullptr) throw PluginError(fullName + ": plugin " + plugin.name + " is not " + kind + " plugin");
  return *api;
}

}  // namespace

PluginInstances::PluginInstances(const Poco::Util::AbstractConfiguration& config, PluginHost& host) {
  for (const std::string kind : {"store", "auth", "policy", "events"}) {
    Poco::Util::AbstractConfiguration::Keys names;
    config.keys(kind, names);
    for (const auto& name : names) {
      const std::string fullName = kind + "." + name;
      if (!config.has(fullName + ".plugin")) throw PluginError(fullName + ": no '" + fullName + ".plugin' says which plugin it uses");
      const postamt_plugin& plugin = host.load(config.getString(fullName + ".plugin"));
      const InstanceSettings settings(config, fullName);
      const postamt_settings view = settings.view();
      if (kind == "store") {
        const auto& api = requireApi(plugin.store, plugin, fullName, "a store");
        stores_.emplace(fullName, std::make_unique<StoreInstance>(fullName, api, view));
      } else if (kind == "auth") {
        const auto& api = requireApi(plugin.auth, plugin, fullName, "an auth");
        auths_.emplace(fullName, std::make_unique<AuthInstance>(fullName, api, view));
      } else if (kind == "policy") {
        const auto& api = requireApi(plugin.policy, plugin, fullName, "a policy");
        policies_.emplace(fullName, std::make_unique<PolicyInstance>(fullName, api, view));
      } else {
        const auto& api = requireApi(plugin.events, plugin, fullName, "an events");
        events_.push_back(std::make_shared<EventsInstance>(fullName, api, view));
      }
    }
  }
}

PluginInstances::~PluginInstances() = default;

StoreInstance* PluginInstances::store(const std::string& fullName) const {
  const auto it = stores_.find(fullName);
  return it == stores_.end() ? nullptr : it->second.get();
}

PolicyInstance* PluginInstances::policy(const std::string& fullName) const {
  const auto it = policies_.find(fullName);
  return it == policies_.end() ? nullptr : it->second.get();
}

AuthInstance* PluginInstances::auth(const std::string& fullName) const {
  const auto it = auths_.find(fullName);
  return it == auths_.end() ? nullptr : it->second.get();
}

}  // namespace postamt::plugin
