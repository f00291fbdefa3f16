#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <map>
#include <string>

namespace postamt::config {

// log.level, log.level.<component> and log.format from the config file.
struct LogSettings {
  std::string level = "information";                   // error, warning, notice, information, debug, trace
  std::map<std::string, std::string> componentLevels;  // logger name ("pop3", "auth", "net") -> its own level
  std::string format = "kv";                           // kv: "time level source: what key=value"; json: JSON lines
};

// Reads and checks the log.* keys; throws ConfigError naming a bad one.
LogSettings readLogSettings(const Poco::Util::AbstractConfiguration& config);

// Sends every logger to stderr as `settings` say. Called again (SIGHUP), it switches format and levels in place:
// the channel every logger holds stays the same object, so threads logging meanwhile are never left with a freed one.
void setUpLogging(const LogSettings& settings);

}  // namespace postamt::config
