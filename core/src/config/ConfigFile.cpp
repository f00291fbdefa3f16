#include "config/ConfigFile.h"

#include <Poco/Util/PropertyFileConfiguration.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace postamt::config {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// The key of a properties line, as PropertyFileConfiguration reads it: up to
// the first '=' or ':'. Continuation lines (a trailing backslash) belong to
// the line before and carry no key.
void rejectDuplicateKeys(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read config file " + path);
  std::map<std::string, int> firstSeen;
  std::string line;
  bool continued = false;
  for (int number = 1; std::getline(in, line); ++number) {
    const bool isContinuation = continued;
    const std::string text = trim(line);
    continued = !text.empty() && text.back() == '\\';
    if (isContinuation || text.empty() || text[0] == '#' || text[0] == '!') continue;
    const std::string key = trim(text.substr(0, text.find_first_of("=:")));
    const auto [it, inserted] = firstSeen.emplace(key, number);
    if (!inserted) {
      throw ConfigError(path + ":" + std::to_string(number) + ": '" + key + "' is already set on line " + std::to_string(it->second));
    }
  }
}

void collectLeaves(const Poco::Util::AbstractConfiguration& config, const std::string& key, const std::string& relative,
                   std::vector<std::pair<std::string, std::string>>& out) {
  Poco::Util::AbstractConfiguration::Keys children;
  config.keys(key, children);
  if (children.empty()) {
    out.emplace_back(relative, config.getString(key));
    return;
  }
  // A key can be both a value and a parent ("a = 1", "a.b = 2").
  if (config.hasOption(key)) out.emplace_back(relative, config.getString(key));
  for (const auto& child : children) collectLeaves(config, key + "." + child, relative + "." + child, out);
}

}  // namespace

Poco::AutoPtr<Poco::Util::AbstractConfiguration> loadConfigFile(const std::string& path) {
  rejectDuplicateKeys(path);
  try {
    return new Poco::Util::PropertyFileConfiguration(path);
  } catch (const Poco::Exception& e) {
    throw ConfigError("cannot load config file " + path + ": " + e.displayText());
  }
}

std::vector<std::pair<std::string, std::string>> leafSettings(const Poco::Util::AbstractConfiguration& config,
                                                              const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> out;
  Poco::Util::AbstractConfiguration::Keys children;
  config.keys(prefix, children);
  for (const auto& child : children) collectLeaves(config, prefix + "." + child, child, out);
  std::sort(out.begin(), out.end());
  return out;
}

int positive(const Poco::Util::AbstractConfiguration& c, const std::string& key, int fallback) {
  const int value = c.getInt(key, fallback);
  if (value <= 0) throw ConfigError(key + " must be a positive number, not " + c.getString(key));
  return value;
}

int atLeastZero(const Poco::Util::AbstractConfiguration& c, const std::string& key, int fallback) {
  const int value = c.getInt(key, fallback);
  if (value < 0) throw ConfigError(key + " must be 0 or more, not " + c.getString(key));
  return value;
}

}  // namespace postamt::config
