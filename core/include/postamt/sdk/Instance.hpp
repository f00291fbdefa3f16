// Creating and destroying plugin instances across the C boundary; shared by
// the adapters in Store.hpp, StoreDecorator.hpp, Auth.hpp and Events.hpp.
// Plugin authors do not call it themselves.
#ifndef POSTAMT_SDK_INSTANCE_HPP
#define POSTAMT_SDK_INSTANCE_HPP

#include <postamt/abi.h>

#include <type_traits>

#include "postamt/sdk/Boundary.hpp"
#include "postamt/sdk/Host.hpp"
#include "postamt/sdk/Settings.hpp"

namespace postamt::sdk::detail {

// T is the plugin's class, Kind the SDK base class it must derive from.
template <class Kind, class T>
struct InstanceAdapter {
  static_assert(std::is_base_of<Kind, T>::value, "the plugin class must derive from the SDK class of its kind");

  static T& self(void* instance) { return *static_cast<T*>(instance); }

  // NULL, with the reason in `error`, when T's constructor throws.
  static void* create(const postamt_host_api* host, const postamt_settings* settings, postamt_error* error) noexcept {
    static_assert(std::is_constructible<T, Host, const Settings&>::value, "T must be constructible from (Host, const Settings&)");
    return createWith(host, settings, error, [](Host h, const Settings& s) { return new T(h, s); });
  }

  // As create(), with `make(Host, const Settings&)` returning the new T*: for
  // kinds whose constructor takes more than the two (a decorator's wrapped store).
  template <class Make>
  static void* createWith(const postamt_host_api* host, const postamt_settings* settings, postamt_error* error,
                          Make&& make) noexcept {
    T* instance = nullptr;
    guarded(error, [&] {
      const postamt_settings none{nullptr, 0};
      instance = make(Host(host), Settings(settings != nullptr ? *settings : none));
      return POSTAMT_OK;
    });
    return instance;
  }

  static void destroy(void* instance) noexcept { delete static_cast<T*>(instance); }
};

}  // namespace postamt::sdk::detail

#endif
