#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plugin/PluginHost.h"
#include "plugin/StoreInstance.h"

namespace postamt::plugin {

// The store instances a config declares. Each is a plain store, or a
// decorator wrapping another instance (abi.h, ABI 1.3), itself possibly a
// decorator:
//   store.main.plugin = store-sqlite
//   store.audited.plugin = store-audit
//   store.audited.wraps = main            (or store.main)
// Tenants use either by its full name. A wrapped instance is created before
// every decorator over it and destroyed after them. A cycle, an unknown
// `wraps`, `wraps` on a plugin that is no decorator and a decorator without
// `wraps` fail the start with a PluginError naming the keys.
class StoreInstances {
 public:
  StoreInstances(const Poco::Util::AbstractConfiguration& config, PluginHost& host);  // throws PluginError
  ~StoreInstances();
  StoreInstances(const StoreInstances&) = delete;
  StoreInstances& operator=(const StoreInstances&) = delete;

  StoreInstance* find(const std::string& fullName) const;  // nullptr when not declared

 private:
  // Creates `fullName` after what it wraps; `following` is the chain of
  // decorators being created on the way here, to name a cycle.
  void create(const Poco::Util::AbstractConfiguration& config, PluginHost& host, const std::string& fullName,
              std::vector<std::string>& following);
  void destroyOutermostFirst() noexcept;

  std::vector<std::unique_ptr<StoreInstance>> created_;  // in creation order: every instance after what it wraps
  std::map<std::string, StoreInstance*> byName_;
};

}  // namespace postamt::plugin
