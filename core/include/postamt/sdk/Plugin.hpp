// The entry point of a plugin shared object.
#ifndef POSTAMT_SDK_PLUGIN_HPP
#define POSTAMT_SDK_PLUGIN_HPP

#include <postamt/abi.h>

// Defines postamt_plugin_entry, the one symbol a plugin exports, describing
// the plugin with this SDK's ABI version. Use once per shared object, at
// namespace scope. After name and version come the kinds it offers, each
// known by its table's type, so their order does not matter (nullptr places
// are skipped, as older plugins wrote them):
//   POSTAMT_PLUGIN("store-example", "1.0", postamt::sdk::storeApi<ExampleStore>())
//   POSTAMT_PLUGIN("policy-example", "1.0", postamt::sdk::policyApi<ExamplePolicy>())
//   POSTAMT_PLUGIN("events-example", "1.0", postamt::sdk::eventsApi<ExampleEvents>())
//   POSTAMT_PLUGIN("store-audit", "1.0", postamt::sdk::storeDecoratorApi<AuditStore>())
// `name` must match the file name (store-example.so).
#define POSTAMT_PLUGIN(name, version, ...)                                                                  \
  extern "C" __attribute__((visibility("default"))) const postamt_plugin* postamt_plugin_entry() noexcept { \
    static const postamt_plugin plugin = postamt::sdk::detail::describePlugin((name), (version), __VA_ARGS__); \
    return &plugin;                                                                                         \
  }

namespace postamt::sdk::detail {

constexpr void offer(postamt_plugin&, decltype(nullptr)) noexcept {}
constexpr void offer(postamt_plugin& plugin, const postamt_store_api* store) noexcept { plugin.store = store; }
constexpr void offer(postamt_plugin& plugin, const postamt_auth_api* auth) noexcept { plugin.auth = auth; }
constexpr void offer(postamt_plugin& plugin, const postamt_policy_api* policy) noexcept { plugin.policy = policy; }
constexpr void offer(postamt_plugin& plugin, const postamt_events_api* events) noexcept { plugin.events = events; }
constexpr void offer(postamt_plugin& plugin, const postamt_store_decorator_api* decorator) noexcept {
  plugin.store_decorator = decorator;
}

template <class... Kinds>
constexpr postamt_plugin describePlugin(const char* name, const char* version, Kinds... kinds) noexcept {
  postamt_plugin plugin{POSTAMT_ABI_MAJOR, POSTAMT_ABI_MINOR, sizeof(postamt_plugin), name, version,
                        nullptr,           nullptr,           nullptr,                nullptr, nullptr};
  (offer(plugin, kinds), ...);
  return plugin;
}

}  // namespace postamt::sdk::detail

#endif
