#include "plugin/PluginHost.h"

#include <gtest/gtest.h>

namespace postamt::plugin {
namespace {

const std::string kTestPlugins = POSTAMT_TEST_PLUGIN_DIR;

std::string loadError(PluginHost& host, const std::string& name) {
  try {
    host.load(name);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "loaded";
}

TEST(PluginHost, RefusesAnotherMajorAbiNamingTheFileAndBothVersions) {
  PluginHost host(kTestPlugins);
  const std::string error = loadError(host, "abi-mismatch");
  EXPECT_NE(error.find(kTestPlugins + "/abi-mismatch.so"), std::string::npos) << error;
  EXPECT_NE(error.find("ABI " + std::to_string(POSTAMT_ABI_MAJOR + 1) + ".0"), std::string::npos) << error;
  EXPECT_NE(error.find("ABI " + std::to_string(POSTAMT_ABI_MAJOR) + "." + std::to_string(POSTAMT_ABI_MINOR)), std::string::npos)
      << error;
}

// Appending store_decorator (ABI 1.3) must keep older plugins loading as what they are.
TEST(PluginHost, ReadsAnOlderDescriptorOnlyAsFarAsItsSize) {
  PluginHost host(kTestPlugins);
  const postamt_plugin& plugin = host.load(kTestPlugins + "/abi-1-2.so");
  EXPECT_EQ(plugin.abi_minor, 2u);
  EXPECT_NE(plugin.store, nullptr);
  EXPECT_EQ(plugin.store_decorator, nullptr);
}

TEST(PluginHost, NamesTheFileThatCannotBeLoaded) {
  PluginHost host(kTestPlugins);
  const std::string error = loadError(host, "no-such-plugin");
  EXPECT_NE(error.find(kTestPlugins + "/no-such-plugin.so"), std::string::npos) << error;
}

TEST(PluginHost, LoadsTheShippedPluginsOnceEach) {
  PluginHost host(POSTAMT_PLUGIN_DIR);
  const postamt_plugin& store = host.load("store-sqlite");
  EXPECT_EQ(&store, &host.load("store-sqlite"));
  EXPECT_EQ(store.abi_major, POSTAMT_ABI_MAJOR);
  EXPECT_NE(store.store, nullptr);
  EXPECT_NE(host.load("auth-sql").auth, nullptr);
}

}  // namespace
}  // namespace postamt::plugin
