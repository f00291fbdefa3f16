// The entry point of a plugin shared object.
#ifndef POSTAMT_SDK_PLUGIN_HPP
#define POSTAMT_SDK_PLUGIN_HPP

#include <postamt/abi.h>

// Defines postamt_plugin_entry, the one symbol a plugin exports, describing
// the plugin with this SDK's ABI version. Use once per shared object, at
// namespace scope:
//   POSTAMT_PLUGIN("store-example", "1.0", postamt::sdk::storeApi<ExampleStore>(), nullptr)
// `name` must match the file name (store-example.so).
#define POSTAMT_PLUGIN(name, version, storeApiPtr, authApiPtr)                                                             \
  extern "C" __attribute__((visibility("default"))) const postamt_plugin* postamt_plugin_entry() noexcept {                \
    static const postamt_plugin plugin = {POSTAMT_ABI_MAJOR, POSTAMT_ABI_MINOR, sizeof(postamt_plugin), (name), (version), \
                                          (storeApiPtr),     (authApiPtr)};                                                \
    return &plugin;                                                                                                        \
  }

#endif
