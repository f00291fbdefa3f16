// Typed access to an instance's settings.
#ifndef POSTAMT_SDK_SETTINGS_HPP
#define POSTAMT_SDK_SETTINGS_HPP

#include <postamt/abi.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "postamt/sdk/Error.hpp"

namespace postamt::sdk {

// A copy of the settings passed to create(), so it may outlive that call.
// Keys arrive without their "<kind>.<instance>." prefix. Read-only after
// construction, so safe to share between threads. A missing required key or a
// malformed value throws Error(POSTAMT_PERM_FAIL) naming the key: a
// configuration mistake fails when the instance is created, not at first use.
class Settings {
 public:
  explicit Settings(const postamt_settings& settings) {
    for (std::size_t i = 0; i < settings.count; ++i) {
      const postamt_setting& item = settings.items[i];
      if (item.key != nullptr) values_[item.key] = item.value != nullptr ? item.value : "";
    }
  }

  bool has(const std::string& key) const { return values_.count(key) != 0; }

  const std::string& get(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw Error(POSTAMT_PERM_FAIL, "missing required setting '" + key + "'");
    return it->second;
  }

  std::string get(const std::string& key, const std::string& fallback) const { return has(key) ? get(key) : fallback; }

  std::int64_t getInt(const std::string& key) const {
    const std::string& text = get(key);
    char* end = nullptr;
    errno = 0;
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE)
      throw Error(POSTAMT_PERM_FAIL, "setting '" + key + "' must be an integer, not '" + text + "'");
    return value;
  }

  std::int64_t getInt(const std::string& key, std::int64_t fallback) const { return has(key) ? getInt(key) : fallback; }

  // As getInt(key, fallback), refusing a value outside [min, max].
  std::int64_t getInt(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
    const std::int64_t value = getInt(key, fallback);
    if (value < min || value > max)
      throw Error(POSTAMT_PERM_FAIL,
                  "setting '" + key + "' must be between " + std::to_string(min) + " and " + std::to_string(max));
    return value;
  }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace postamt::sdk

#endif
