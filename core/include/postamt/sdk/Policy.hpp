// Policies in C++: derive from Policy, then hand policyApi<YourPolicy>() to
// POSTAMT_PLUGIN (Plugin.hpp) after the store and auth tables.
#ifndef POSTAMT_SDK_POLICY_HPP
#define POSTAMT_SDK_POLICY_HPP

#include <postamt/abi.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "postamt/sdk/Boundary.hpp"
#include "postamt/sdk/Error.hpp"
#include "postamt/sdk/Host.hpp"
#include "postamt/sdk/Instance.hpp"
#include "postamt/sdk/Settings.hpp"

namespace postamt::sdk {

// One value of a hook's arguments or of a decision.
using PolicyValue = std::variant<bool, std::int64_t, std::string>;
using PolicyValues = std::map<std::string, PolicyValue>;

// A tenant's script, valid during the call that passed it. A new `version`
// means new text, so whatever is built from (tenantId, version) may be cached.
struct PolicyScript {
  std::int64_t tenantId = 0;
  std::string_view tenant;
  std::int64_t version = 0;
  std::string_view text;
};

// A policy: decides at the host's hooks ("login", "quota", "deliver") for each
// tenant by that tenant's script. One instance serves every session, so
// decide() must be thread-safe, and must end in bounded time and memory
// whatever the script does. A script that fails (does not compile, raises,
// runs out of budget, returns something malformed) throws
// Error(POSTAMT_PERM_FAIL) with a reason the tenant's admin can act on.
class Policy {
 public:
  virtual ~Policy() = default;

  // The hook's decision; none when the script defines no such hook.
  virtual std::optional<PolicyValues> decide(const PolicyScript& script, const std::string& hook,
                                             const PolicyValues& arguments) = 0;
};

namespace detail {

// Both directions of the C boundary use these (the host for arguments in and decisions out).
inline PolicyValues valuesFromC(const postamt_values* values) {
  PolicyValues out;
  for (std::size_t i = 0; values != nullptr && i < values->count; ++i) {
    const postamt_value& v = values->items[i];
    if (v.name == nullptr) continue;
    switch (v.kind) {
      case POSTAMT_VALUE_BOOLEAN:
        out[v.name] = v.integer != 0;
        break;
      case POSTAMT_VALUE_INTEGER:
        out[v.name] = static_cast<std::int64_t>(v.integer);
        break;
      case POSTAMT_VALUE_STRING:
        out[v.name] = std::string(v.string != nullptr ? v.string : "");
        break;
    }
  }
  return out;
}

inline void valuesToC(const PolicyValues& values, postamt_value_fn each, void* context) {
  for (const auto& [name, value] : values) {
    postamt_value v{name.c_str(), POSTAMT_VALUE_INTEGER, 0, nullptr};
    if (const bool* b = std::get_if<bool>(&value)) {
      v.kind = POSTAMT_VALUE_BOOLEAN;
      v.integer = *b ? 1 : 0;
    } else if (const std::int64_t* i = std::get_if<std::int64_t>(&value)) {
      v.integer = *i;
    } else {
      v.kind = POSTAMT_VALUE_STRING;
      v.string = std::get<std::string>(value).c_str();
    }
    each(context, &v);
  }
}

template <class T>
struct PolicyAdapter : InstanceAdapter<Policy, T> {
  static postamt_status decide(void* instance, const postamt_policy_script* script, const char* hook,
                               const postamt_values* arguments, postamt_value_fn each, void* context,
                               postamt_error* error) noexcept {
    return guarded(error, [&] {
      if (script == nullptr || hook == nullptr || each == nullptr)
        throw Error(POSTAMT_PERM_FAIL, "decide() without script, hook or callback");
      const PolicyScript view{
          script->tenant_id, script->tenant != nullptr ? script->tenant : "", script->version,
          std::string_view(script->text != nullptr ? script->text : "", script->text != nullptr ? script->length : 0)};
      const auto decision = InstanceAdapter<Policy, T>::self(instance).decide(view, hook, valuesFromC(arguments));
      if (!decision) return POSTAMT_NOT_FOUND;
      valuesToC(*decision, each, context);
      return POSTAMT_OK;
    });
  }
};

}  // namespace detail

// The C table for policy class T, which derives from Policy and is
// constructible from (Host, const Settings&). One static table per T.
template <class T>
const postamt_policy_api* policyApi() noexcept {
  using A = detail::PolicyAdapter<T>;
  static const postamt_policy_api api = {sizeof(postamt_policy_api), &A::create, &A::destroy, &A::decide};
  return &api;
}

}  // namespace postamt::sdk

#endif
