#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <gtest/gtest.h>

#include "plugin/PluginInstances.h"

namespace postamt::plugin {
namespace {

std::string createError(std::initializer_list<std::pair<std::string, std::string>> keys) {
  Poco::AutoPtr<Poco::Util::MapConfiguration> config = new Poco::Util::MapConfiguration;
  for (const auto& [key, value] : keys) config->setString(key, value);
  PluginHost host(POSTAMT_PLUGIN_DIR);
  try {
    PluginInstances instances(*config, host);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "created";
}

TEST(PluginInstancesTest, CreatesAPolicyInstanceThatDecides) {
  Poco::AutoPtr<Poco::Util::MapConfiguration> config = new Poco::Util::MapConfiguration;
  config->setString("policy.main.plugin", "policy-lua");
  PluginHost host(POSTAMT_PLUGIN_DIR);
  PluginInstances instances(*config, host);
  PolicyInstance* policy = instances.policy("policy.main");
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(instances.policy("policy.other"), nullptr);
  const auto decision = policy->decide({1, "demo", 1, "function login(a) return {text = a.user} end"}, "login",
                                       {{"user", std::string("alice@demo.test")}});
  ASSERT_EQ(decision.status, POSTAMT_OK) << decision.error;
  EXPECT_EQ(std::get<std::string>(decision.values.at("text")), "alice@demo.test");
  const auto failed = policy->decide({1, "demo", 2, "function login() error('no') end"}, "login", {});
  EXPECT_EQ(failed.status, POSTAMT_PERM_FAIL);
  EXPECT_NE(failed.error.find("policy:1: no"), std::string::npos) << failed.error;
}

// A bad setting fails the start, not the first login.
TEST(PluginInstancesTest, ABadPolicySettingFailsAtCreation) {
  const std::string error = createError({{"policy.main.plugin", "policy-lua"}, {"policy.main.memory_limit_kib", "16"}});
  EXPECT_NE(error.find("cannot create policy.main"), std::string::npos) << error;
  EXPECT_NE(error.find("memory_limit_kib"), std::string::npos) << error;
}

TEST(PluginInstancesTest, RefusesAPluginThatIsNoPolicy) {
  const std::string error = createError({{"policy.main.plugin", "auth-sql"}});
  EXPECT_NE(error.find("policy.main: plugin auth-sql is not a policy plugin"), std::string::npos) << error;
}

}  // namespace
}  // namespace postamt::plugin
