// The SDK's Host wrapper over the host api postamtd really passes.
#include <gtest/gtest.h>

#include <stdexcept>

#include "plugin/HostApi.h"
#include "postamt/sdk/Host.hpp"

namespace postamt::sdk {
namespace {

TEST(SdkHostTest, HashesWithTheHostDefaultScheme) {
  Host host(&plugin::hostApi());
  std::string hash = host.hashPassword("secret");
  EXPECT_EQ(hash.rfind("{SHA512-CRYPT}$6$", 0), 0u) << hash;
  EXPECT_EQ(host.verifyPassword(hash, "secret"), POSTAMT_OK);
  EXPECT_EQ(host.verifyPassword(hash, "Secret"), POSTAMT_DENIED);

  plugin::setDefaultPasswordScheme("SSHA512");
  EXPECT_EQ(host.hashPassword("secret").rfind("{SSHA512}", 0), 0u);
  plugin::setDefaultPasswordScheme("SHA512-CRYPT");
  EXPECT_THROW(plugin::setDefaultPasswordScheme("MD5-CRYPT"), std::invalid_argument);
}

TEST(SdkHostTest, UnknownSchemesAreUnsupported) {
  Host host(&plugin::hostApi());
  EXPECT_EQ(host.verifyPassword("{NOSUCH}x", "x"), POSTAMT_UNSUPPORTED);
  try {
    host.hashPassword("secret", "NOSUCH");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), POSTAMT_UNSUPPORTED);
    EXPECT_NE(std::string(e.what()).find("NOSUCH"), std::string::npos);
  }
}

TEST(SdkHostTest, CFunctionsReportInsteadOfThrowing) {
  const postamt_host_api& api = plugin::hostApi();
  EXPECT_EQ(api.size, sizeof(postamt_host_api));
  char out[8];
  char text[128] = "";
  postamt_error error{text, sizeof text};
  EXPECT_EQ(api.hash_password("SHA512-CRYPT", "secret", 6, out, sizeof out, &error), POSTAMT_PERM_FAIL);
  EXPECT_NE(std::string(text).find("too small"), std::string::npos) << text;
  EXPECT_EQ(api.hash_password("PLAIN", "a\0b", 3, out, sizeof out, &error), POSTAMT_PERM_FAIL);
  EXPECT_EQ(api.verify_password(nullptr, "x", 1), POSTAMT_DENIED);
  EXPECT_EQ(api.verify_password("{PLAIN}", nullptr, 0), POSTAMT_OK);
  api.log(POSTAMT_LOG_INFO, nullptr, nullptr);
  api.log(POSTAMT_LOG_DEBUG, "store-test", "a message");
}

TEST(SdkHostTest, OlderHostsLackNewerFunctions) {
  postamt_host_api old = plugin::hostApi();
  old.size = offsetof(postamt_host_api, verify_password);  // a host that only logs
  Host host(&old);
  host.log(POSTAMT_LOG_INFO, "sdk-test", "still logs");
  try {
    host.verifyPassword("{PLAIN}x", "x");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), POSTAMT_UNSUPPORTED);
  }
  EXPECT_THROW(Host(nullptr), Error);
}

}  // namespace
}  // namespace postamt::sdk
