#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "config/ConfigChanges.h"

namespace postamt::config {
namespace {

Poco::AutoPtr<Poco::Util::MapConfiguration> configOf(const std::map<std::string, std::string>& values) {
  Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
  for (const auto& [key, value] : values) config->setString(key, value);
  return config;
}

TEST(ChangedKeys, NamesChangedAddedAndRemovedKeysOnly) {
  const auto before =
      configOf({{"log.level", "information"}, {"pop3.apop", "false"}, {"listener.pop3.address", "127.0.0.1:110"}});
  const auto after = configOf({{"log.level", "debug"}, {"log.level.auth", "trace"}, {"listener.pop3.address", "127.0.0.1:110"}});
  EXPECT_EQ(changedKeys(*before, *after), (std::vector<std::string>{"log.level", "log.level.auth", "pop3.apop"}));
  EXPECT_TRUE(changedKeys(*before, *before).empty());
}

TEST(AppliesOnReload, SessionSettingsLoggingAndInstanceSettingsDo) {
  for (const char* key :
       {"log.level", "log.level.pop3", "log.format", "pop3.trusted_networks", "pop3.sasl_mechanisms", "lmtp.idle_timeout_seconds",
        "server.hostname", "server.drain_timeout", "store.main.pool_size", "auth.main.connect", "policy.lua.script"})
    EXPECT_TRUE(appliesOnReload(key)) << key;
}

TEST(AppliesOnReload, ListenersPluginSetEventsAndTheDirectoryNeedARestart) {
  for (const char* key : {"listener.pop3.address", "store.main.plugin", "auth.second.plugin", "events.audit.path",
                          "plugins.directory", "directory.connect", "server.max_connections", "metrics.address",
                          "pop3.auth_failure_delay_ms", "pop3.auth_max_failures_per_ip"})
    EXPECT_FALSE(appliesOnReload(key)) << key;
}

}  // namespace
}  // namespace postamt::config
