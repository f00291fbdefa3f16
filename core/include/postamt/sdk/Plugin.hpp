// The entry point of a plugin shared object.
#ifndef POSTAMT_SDK_PLUGIN_HPP
#define POSTAMT_SDK_PLUGIN_HPP

#include <postamt/abi.h>

// The policy table when one was passed, else nullptr.
#define POSTAMT_FIRST_(first, ...) first
#define POSTAMT_FIRST_OR_NULL_(...) POSTAMT_FIRST_(__VA_ARGS__ __VA_OPT__(, ) nullptr)

// Defines postamt_plugin_entry, the one symbol a plugin exports, describing
// the plugin with this SDK's ABI version. Use once per shared object, at
// namespace scope:
//   POSTAMT_PLUGIN("store-example", "1.0", postamt::sdk::storeApi<ExampleStore>(), nullptr)
// A policy plugin (ABI 1.2) passes its table after the auth one:
//   POSTAMT_PLUGIN("policy-example", "1.0", nullptr, nullptr, postamt::sdk::policyApi<ExamplePolicy>())
// `name` must match the file name (store-example.so).
#define POSTAMT_PLUGIN(name, version, storeApiPtr, authApiPtr, ...)                                                        \
  extern "C" __attribute__((visibility("default"))) const postamt_plugin* postamt_plugin_entry() noexcept {                \
    static const postamt_plugin plugin = {POSTAMT_ABI_MAJOR, POSTAMT_ABI_MINOR, sizeof(postamt_plugin), (name), (version), \
                                          (storeApiPtr),     (authApiPtr), POSTAMT_FIRST_OR_NULL_(__VA_ARGS__)};           \
    return &plugin;                                                                                                        \
  }

#endif
