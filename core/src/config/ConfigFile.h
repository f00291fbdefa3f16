#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace postamt::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads a postamtd configuration: a Java-style properties file
// (`key = value`, `#` comments, `${other.key}` references). A key given twice
// is an error, not a silent override: a duplicated instance name
// (`store.main.plugin` twice) must fail at start, not surprise at login.
Poco::AutoPtr<Poco::Util::AbstractConfiguration> loadConfigFile(const std::string& path);

// The number at `key` (or `fallback`), which must be above 0, or 0 and above; throws ConfigError naming the key.
int positive(const Poco::Util::AbstractConfiguration& c, const std::string& key, int fallback);
int atLeastZero(const Poco::Util::AbstractConfiguration& c, const std::string& key, int fallback);

// Every leaf key below `prefix.` (without the prefix), sorted, with its expanded value.
std::vector<std::pair<std::string, std::string>> leafSettings(const Poco::Util::AbstractConfiguration& config,
                                                              const std::string& prefix);

}  // namespace postamt::config
