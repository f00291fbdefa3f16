#include "plugin/StoreInstances.h"

#include <algorithm>

#include "plugin/InstanceSettings.h"

namespace postamt::plugin {
namespace {

const std::string kKind = "store.";

// `wraps` names an instance as its own key does ("main") or as tenants do ("store.main").
std::string wrappedName(const std::string& value) { return value.starts_with(kKind) ? value : kKind + value; }

std::string cycle(const std::vector<std::string>& following, const std::string& again) {
  std::string text;
  for (auto it = std::find(following.begin(), following.end(), again); it != following.end(); ++it) text += *it + " -> ";
  return text + again;
}

}  // namespace

StoreInstances::StoreInstances(const Poco::Util::AbstractConfiguration& config, PluginHost& host) {
  Poco::Util::AbstractConfiguration::Keys names;
  config.keys("store", names);
  try {
    for (const auto& name : names) {
      std::vector<std::string> following;
      create(config, host, kKind + name, following);
    }
  } catch (...) {
    destroyOutermostFirst();  // no destructor runs for a constructor that throws
    throw;
  }
}

StoreInstances::~StoreInstances() { destroyOutermostFirst(); }

// The order of a vector's own destruction is unspecified; a decorator must go before what it wraps.
void StoreInstances::destroyOutermostFirst() noexcept {
  while (!created_.empty()) created_.pop_back();
}

StoreInstance* StoreInstances::find(const std::string& fullName) const {
  const auto it = byName_.find(fullName);
  return it == byName_.end() ? nullptr : it->second;
}

void StoreInstances::create(const Poco::Util::AbstractConfiguration& config, PluginHost& host, const std::string& fullName,
                            std::vector<std::string>& following) {
  if (byName_.contains(fullName)) return;
  const std::string pluginKey = fullName + ".plugin";
  const std::string wrapsKey = fullName + ".wraps";
  if (!config.has(pluginKey)) throw PluginError(fullName + ": no '" + pluginKey + "' says which plugin it uses");
  const postamt_plugin& plugin = host.load(config.getString(pluginKey));
  const InstanceSettings settings(config, fullName, {"plugin", "wraps"});
  const postamt_settings view = settings.view();

  if (!config.has(wrapsKey)) {
    if (plugin.store == nullptr && plugin.store_decorator != nullptr) {
      throw PluginError(fullName + ": plugin " + plugin.name + " is a store decorator, so '" + wrapsKey +
                        "' must name the store instance it wraps");
    }
    if (plugin.store == nullptr) throw PluginError(fullName + ": plugin " + plugin.name + " is not a store plugin");
    created_.push_back(std::make_unique<StoreInstance>(fullName, *plugin.store, view));
  } else {
    if (plugin.store_decorator == nullptr) {
      throw PluginError(fullName + ": plugin " + plugin.name + " is no store decorator, so it cannot wrap what '" + wrapsKey +
                        "' names");
    }
    const std::string value = config.getString(wrapsKey);
    const std::string wrapped = wrappedName(value);
    if (!config.has(wrapped + ".plugin")) {
      throw PluginError(fullName + ": '" + wrapsKey + " = " + value + "' names no store instance ('" + wrapped +
                        ".plugin' is not set)");
    }
    following.push_back(fullName);
    if (std::find(following.begin(), following.end(), wrapped) != following.end()) {
      throw PluginError(fullName + ": '" + wrapsKey + "' closes a cycle of store decorators: " + cycle(following, wrapped));
    }
    create(config, host, wrapped, following);
    following.pop_back();
    created_.push_back(std::make_unique<StoreInstance>(fullName, *plugin.store_decorator, view, *byName_.at(wrapped)));
  }
  byName_.emplace(fullName, created_.back().get());
}

}  // namespace postamt::plugin
