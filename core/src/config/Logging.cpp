#include "config/Logging.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <string_view>

#include "config/ConfigFile.h"
#include "config/JsonLogFormatter.h"
#include "config/LogFields.h"

namespace postamt::config {
namespace {

// stderr through a formatter that a reload may replace while other threads log.
class StderrChannel : public Poco::Channel {
 public:
  void log(const Poco::Message& message) override {
    std::lock_guard lock(mutex_);
    std::string line;
    formatter_->format(message, line);
    line += '\n';
    // One write per line, past the iostream layer (a locale and a sentry per line); a short write goes on.
    for (std::string_view left = line; !left.empty();) {
      const ssize_t written = ::write(STDERR_FILENO, left.data(), left.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return;  // stderr is gone: nowhere left to say so
      left.remove_prefix(static_cast<std::size_t>(written));
    }
  }

  void useFormat(const std::string& format) {
    Poco::AutoPtr<Poco::Formatter> next;
    if (format == "json") {
      next = new JsonLogFormatter;
    } else {
      next = new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t");
    }
    std::lock_guard lock(mutex_);
    formatter_ = next;
    carryLogFields(format == "json");
  }

 private:
  std::mutex mutex_;
  Poco::AutoPtr<Poco::Formatter> formatter_;
};

int priorityOf(const std::string& key, const std::string& level) {
  try {
    return Poco::Logger::parseLevel(level);
  } catch (const Poco::InvalidArgumentException&) {
    throw ConfigError(key + ": '" + level + "' is not one of error, warning, notice, information, debug, trace");
  }
}

}  // namespace

LogSettings readLogSettings(const Poco::Util::AbstractConfiguration& config) {
  LogSettings settings;
  settings.level = config.getString("log.level", settings.level);
  priorityOf("log.level", settings.level);
  Poco::Util::AbstractConfiguration::Keys components;
  config.keys("log.level", components);
  for (const auto& component : components) {
    const std::string key = "log.level." + component;
    settings.componentLevels[component] = config.getString(key);
    priorityOf(key, settings.componentLevels[component]);
  }
  settings.format = config.getString("log.format", settings.format);
  if (settings.format != "kv" && settings.format != "json") {
    throw ConfigError("log.format: '" + settings.format + "' is not kv or json");
  }
  return settings;
}

void setUpLogging(const LogSettings& settings) {
  // Lives as long as the process: loggers hold it, and a reload only changes its formatter.
  static Poco::AutoPtr<StderrChannel> channel(new StderrChannel);
  channel->useFormat(settings.format);
  const int priority = priorityOf("log.level", settings.level);
  // The root logger first: loggers created later inherit from it. Then every logger that already exists.
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel(priority);
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", priority);
  // A component's loggers are created now, so those created later under its name inherit its level.
  for (const auto& [component, level] : settings.componentLevels) {
    Poco::Logger::get(component).setLevel(priorityOf("log.level." + component, level));
  }
}

}  // namespace postamt::config
