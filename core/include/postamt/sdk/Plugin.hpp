// The entry point of a plugin shared object.
#ifndef POSTAMT_SDK_PLUGIN_HPP
#define POSTAMT_SDK_PLUGIN_HPP

#include <postamt/abi.h>

// Defines postamt_plugin_entry, the one symbol a plugin exports, describing
// the plugin with this SDK's ABI version. Use once per shared object, at
// namespace scope. After name and version come the kinds it offers, in the
// order of postamt_plugin (store, auth, policy, events), nullptr for those it
// does not; kinds left out at the end are not offered:
//   POSTAMT_PLUGIN("store-example", "1.0", postamt::sdk::storeApi<ExampleStore>())
//   POSTAMT_PLUGIN("policy-example", "1.0", nullptr, nullptr, postamt::sdk::policyApi<ExamplePolicy>())
//   POSTAMT_PLUGIN("events-example", "1.0", nullptr, nullptr, nullptr, postamt::sdk::eventsApi<ExampleEvents>())
// `name` must match the file name (store-example.so).
#define POSTAMT_PLUGIN(name, version, ...)                                                                  \
  extern "C" __attribute__((visibility("default"))) const postamt_plugin* postamt_plugin_entry() noexcept { \
    static const postamt_plugin plugin = postamt::sdk::detail::describePlugin((name), (version), __VA_ARGS__); \
    return &plugin;                                                                                         \
  }

namespace postamt::sdk::detail {

constexpr postamt_plugin describePlugin(const char* name, const char* version, const postamt_store_api* store = nullptr,
                                        const postamt_auth_api* auth = nullptr,
                                        const postamt_policy_api* policy = nullptr,
                                        const postamt_events_api* events = nullptr) noexcept {
  return postamt_plugin{POSTAMT_ABI_MAJOR, POSTAMT_ABI_MINOR, sizeof(postamt_plugin), name, version, store, auth, policy, events};
}

}  // namespace postamt::sdk::detail

#endif
