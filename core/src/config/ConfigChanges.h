#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <string>
#include <vector>

namespace postamt::config {

// The keys set in one config and not the other, or set to different values, in order. Only names, never values:
// they are logged, and values hold passwords (directory.connect).
std::vector<std::string> changedKeys(const Poco::Util::AbstractConfiguration& before,
                                     const Poco::Util::AbstractConfiguration& after);

// A setting of a store, auth or policy instance (store.main.path), which SIGHUP applies by building new instances for
// the sessions that begin afterwards. Not `<kind>.<name>.plugin`: which plugins run is fixed at start. Not events
// instances: the event bus keeps the subscribers it started with.
bool isInstanceSetting(const std::string& key);

// Whether a running postamtd applies a new value of `key` on SIGHUP: logging, the POP3 and LMTP session settings
// (timeouts, limits, trusted networks, SASL, APOP, the host name), the drain timeout and instance settings.
// Everything else (listeners, which plugins run, events instances, the directory, pool sizes) is read once at start.
bool appliesOnReload(const std::string& key);

}  // namespace postamt::config
