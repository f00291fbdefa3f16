#include <gtest/gtest.h>

#include "postamt/sdk/Settings.hpp"

namespace postamt::sdk {
namespace {

const postamt_setting kItems[] = {{"path", "/var/lib/postamt.db"}, {"lease", "900"}, {"bad", "9x"}, {"empty", ""}};
const postamt_settings kSettings{kItems, 4};

TEST(SdkSettingsTest, ReadsStringsWithAndWithoutDefaults) {
  Settings settings(kSettings);
  EXPECT_EQ(settings.get("path"), "/var/lib/postamt.db");
  EXPECT_EQ(settings.get("missing", "fallback"), "fallback");
  EXPECT_EQ(settings.get("empty", "fallback"), "");
  EXPECT_TRUE(settings.has("lease"));
  EXPECT_FALSE(settings.has("missing"));
}

TEST(SdkSettingsTest, MissingRequiredKeyIsPermanentAndNamed) {
  Settings settings(kSettings);
  try {
    settings.get("missing");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), POSTAMT_PERM_FAIL);
    EXPECT_NE(std::string(e.what()).find("'missing'"), std::string::npos);
  }
}

TEST(SdkSettingsTest, IntegersAreChecked) {
  Settings settings(kSettings);
  EXPECT_EQ(settings.getInt("lease"), 900);
  EXPECT_EQ(settings.getInt("missing", 5000), 5000);
  EXPECT_THROW(settings.getInt("bad"), Error);
  EXPECT_THROW(settings.getInt("empty", 1), Error);
  EXPECT_THROW(settings.getInt("path"), Error);
}

TEST(SdkSettingsTest, IntegersOutsideTheirRangeAreRefusedNamingTheKey) {
  Settings settings(kSettings);
  EXPECT_EQ(settings.getInt("lease", 60, 1, 900), 900);
  EXPECT_EQ(settings.getInt("missing", 60, 1, 900), 60);
  try {
    settings.getInt("lease", 60, 1, 899);
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), POSTAMT_PERM_FAIL);
    EXPECT_EQ(std::string(e.what()), "setting 'lease' must be between 1 and 899");
  }
}

}  // namespace
}  // namespace postamt::sdk
