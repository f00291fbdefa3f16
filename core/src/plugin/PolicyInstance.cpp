#include "plugin/PolicyInstance.h"

#include <vector>

#include "plugin/HostApi.h"
#include "plugin/PluginCall.h"
#include "plugin/PluginHost.h"

namespace postamt::plugin {

PolicyInstance::PolicyInstance(std::string name, const postamt_policy_api& api, const postamt_settings& settings)
    : name_(std::move(name)), api_(api) {
  if (api_.size < offsetof(postamt_policy_api, decide) + sizeof(api_.decide) || api_.create == nullptr ||
      api_.decide == nullptr) {
    throw PluginError("cannot create " + name_ + ": the plugin's policy table is incomplete");
  }
  ErrorText error;
  instance_ = api_.create(&hostApi(), &settings, error.get());
  if (instance_ == nullptr) throw PluginError("cannot create " + name_ + ": " + error.describe(POSTAMT_PERM_FAIL));
}

PolicyInstance::~PolicyInstance() { api_.destroy(instance_); }

PolicyInstance::Decision PolicyInstance::decide(const Script& script, const std::string& hook,
                                                const sdk::PolicyValues& arguments) {
  std::vector<postamt_value> items;
  items.reserve(arguments.size());
  sdk::detail::valuesToC(
      arguments,
      [](void* context, const postamt_value* value) noexcept {
        static_cast<std::vector<postamt_value>*>(context)->push_back(*value);  // reserved: never throws
      },
      &items);
  const postamt_values args{items.data(), items.size()};
  const postamt_policy_script view{script.tenantId, script.tenant.c_str(), script.version, script.text.data(),
                                   script.text.size()};

  Decision decision;
  struct Collected {
    sdk::PolicyValues& values;
    bool failed = false;
  } collected{decision.values};
  ErrorText error;
  decision.status = api_.decide(
      instance_, &view, hook.c_str(), &args,
      [](void* context, const postamt_value* value) noexcept {
        auto& c = *static_cast<Collected*>(context);
        try {
          const postamt_values one{value, 1};
          c.values.merge(sdk::detail::valuesFromC(&one));
        } catch (...) {
          c.failed = true;  // exceptions must not cross back into the plugin
        }
      },
      &collected, error.get());
  if (collected.failed) {
    decision.status = POSTAMT_TEMP_FAIL;
    decision.error = "collecting the decision failed in the host";
  } else if (decision.status != POSTAMT_OK && decision.status != POSTAMT_NOT_FOUND) {
    decision.error = error.describe(decision.status);
  }
  return decision;
}

}  // namespace postamt::plugin
