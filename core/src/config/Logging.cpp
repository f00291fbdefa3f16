#include "config/Logging.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

#include "config/ConfigFile.h"

namespace postamt::config {

void setUpLogging(const std::string& level) {
  Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
  Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel));
  try {
    const int priority = Poco::Logger::parseLevel(level);
    // The root logger first: loggers created later inherit from it. Then
    // every logger that already exists.
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(priority);
    Poco::Logger::setChannel("", channel);
    Poco::Logger::setLevel("", priority);
  } catch (const Poco::InvalidArgumentException&) {
    throw ConfigError("log.level: '" + level + "' is not one of error, warning, information, debug");
  }
}

}  // namespace postamt::config
