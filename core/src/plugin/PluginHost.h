#pragma once

#include <postamt/abi.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace Poco {
class SharedLibrary;
}

namespace postamt::plugin {

class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads plugin shared objects and keeps them loaded until the host ends
// (unloading one mid-session would pull code from under a running call).
// Used at start-up from one thread.
class PluginHost {
 public:
  explicit PluginHost(std::string directory);
  ~PluginHost();

  // Loads `<directory>/<name>.so` once (or `name` itself when it is a path) and
  // checks its ABI before anything else. Throws PluginError naming the file.
  const postamt_plugin& load(const std::string& name);

 private:
  struct Loaded {
    std::unique_ptr<Poco::SharedLibrary> library;
    postamt_plugin descriptor{};
  };
  std::string directory_;
  std::map<std::string, Loaded> loaded_;
};

}  // namespace postamt::plugin
