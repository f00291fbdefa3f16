#include "plugin/PluginHost.h"

#include <Poco/SharedLibrary.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace postamt::plugin {
namespace {

std::string version(uint32_t major, uint32_t minor) { return std::to_string(major) + "." + std::to_string(minor); }

// The host reads fields up to `auth`; a shorter descriptor predates them.
constexpr std::size_t kRequiredDescriptorSize = offsetof(postamt_plugin, auth) + sizeof(postamt_plugin::auth);

}  // namespace

PluginHost::PluginHost(std::string directory) : directory_(std::move(directory)) {}

PluginHost::~PluginHost() = default;

const postamt_plugin& PluginHost::load(const std::string& name) {
  if (auto it = loaded_.find(name); it != loaded_.end()) return it->second.descriptor;

  const std::string path = name.find('/') != std::string::npos ? name : directory_ + "/" + name + ".so";
  Loaded plugin;
  try {
    // Local binding: two plugins defining the same symbol must not see each other's (TOOLCHAIN pitfall 9).
    plugin.library = std::make_unique<Poco::SharedLibrary>(path, Poco::SharedLibrary::SHLIB_LOCAL);
  } catch (const Poco::Exception& e) {
    throw PluginError("cannot load plugin " + path + ": " + e.displayText());
  }
  if (!plugin.library->hasSymbol(POSTAMT_PLUGIN_ENTRY_SYMBOL)) {
    throw PluginError("plugin " + path + " has no " POSTAMT_PLUGIN_ENTRY_SYMBOL " entry point; is it a Postamt plugin?");
  }
  const auto entry = reinterpret_cast<postamt_plugin_entry_fn>(plugin.library->getSymbol(POSTAMT_PLUGIN_ENTRY_SYMBOL));
  const postamt_plugin* d = entry();
  if (d == nullptr) throw PluginError("plugin " + path + " returned no descriptor");
  if (d->abi_major != POSTAMT_ABI_MAJOR) {
    throw PluginError("plugin " + path + " was built for plugin ABI " + version(d->abi_major, d->abi_minor) +
                      " but this postamtd speaks ABI " + version(POSTAMT_ABI_MAJOR, POSTAMT_ABI_MINOR) +
                      "; rebuild the plugin against the matching Postamt SDK");
  }
  if (d->size < kRequiredDescriptorSize || d->name == nullptr) {
    throw PluginError("plugin " + path + " has a malformed descriptor (size " + std::to_string(d->size) + ")");
  }
  if (name.find('/') == std::string::npos && name != d->name) {
    throw PluginError("plugin " + path + " calls itself '" + d->name + "', not '" + name + "'");
  }
  // A copy as long as this host's descriptor: the kinds an older plugin
  // predates read as NULL, not as whatever lies beyond its shorter struct.
  std::memcpy(&plugin.descriptor, d, std::min<std::size_t>(d->size, sizeof plugin.descriptor));
  plugin.descriptor.size = sizeof plugin.descriptor;
  return loaded_.emplace(name, std::move(plugin)).first->second.descriptor;
}

}  // namespace postamt::plugin
