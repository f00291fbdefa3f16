#include "plugin/PluginInstances.h"

#include "plugin/InstanceSettings.h"

namespace postamt::plugin {
namespace {

template <typename Api>
const Api& requireApi(const Api* api, const postamt_plugin& plugin, const std::string& fullName, const char* kind) {
  if (api == nullptr) throw PluginError(fullName + ": plugin " + plugin.name + " is not " + kind + " plugin");
  return *api;
}

}  // namespace

PluginInstances::PluginInstances(const Poco::Util::AbstractConfiguration& config, PluginHost& host) : stores_(config, host) {
  for (const std::string kind : {"auth", "policy", "events"}) {
    Poco::Util::AbstractConfiguration::Keys names;
    config.keys(kind, names);
    for (const auto& name : names) {
      const std::string fullName = kind + "." + name;
      if (!config.has(fullName + ".plugin")) throw PluginError(fullName + ": no '" + fullName + ".plugin' says which plugin it uses");
      const postamt_plugin& plugin = host.load(config.getString(fullName + ".plugin"));
      const InstanceSettings settings(config, fullName);
      const postamt_settings view = settings.view();
      if (kind == "auth") {
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

StoreInstance* PluginInstances::store(const std::string& fullName) const { return stores_.find(fullName); }

PolicyInstance* PluginInstances::policy(const std::string& fullName) const {
  const auto it = policies_.find(fullName);
  return it == policies_.end() ? nullptr : it->second.get();
}

AuthInstance* PluginInstances::auth(const std::string& fullName) const {
  const auto it = auths_.find(fullName);
  return it == auths_.end() ? nullptr : it->second.get();
}

}  // namespace postamt::plugin
