#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plugin/AuthInstance.h"
#include "plugin/EventsInstance.h"
#include "plugin/PluginHost.h"
#include "plugin/PolicyInstance.h"
#include "plugin/StoreInstances.h"

namespace postamt::plugin {

// The named plugin instances a config declares:
//   store.main.plugin = store-sqlite
//   store.main.path = /var/lib/postamt/postamt.db
// Every key below `<kind>.<name>.` except `plugin` is that instance's setting
// (a store's `wraps` names the instance a decorator wraps: StoreInstances.h).
// Tenants refer to instances by their full name ("store.main"). All are created
// at start, so a bad setting fails the start, not the first login.
class PluginInstances {
 public:
  PluginInstances(const Poco::Util::AbstractConfiguration& config, PluginHost& host);  // throws PluginError
  ~PluginInstances();

  StoreInstance* store(const std::string& fullName) const;  // nullptr when not declared
  AuthInstance* auth(const std::string& fullName) const;
  // Every events instance: each gets every event (events.<name>.plugin = ...).
  const std::vector<std::shared_ptr<EventsInstance>>& events() const { return events_; }
  PolicyInstance* policy(const std::string& fullName) const;

 private:
  StoreInstances stores_;
  std::map<std::string, std::unique_ptr<AuthInstance>> auths_;
  std::vector<std::shared_ptr<EventsInstance>> events_;  // shared with the event bus's threads
  std::map<std::string, std::unique_ptr<PolicyInstance>> policies_;
};

}  // namespace postamt::plugin
