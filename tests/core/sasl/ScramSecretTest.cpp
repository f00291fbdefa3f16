#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sasl/Base64.h"
#include "sasl/ScramSecret.h"

namespace postamt::sasl {
namespace {

// Made by Dovecot 2.3.19.1: doveadm pw -s SCRAM-SHA-256 -p secret (without the "{SCRAM-SHA-256}" prefix).
constexpr const char* kDovecotSecret =
    "4096,1uBlWzbaDB5pIEQ/LLg5+A==,kUTks211OcaBxMCzhTLOa5ub2/KEdjNByJSbRgatDpk=,8FT6rtm8HJxK00wVjEJtRJMKynpd/sAb7pcd9jibQQs=";

TEST(ScramSecretTest, DerivesWhatDovecotStores) {
  const auto stored = ScramSecret::parse(kDovecotSecret);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->iterations, 4096u);
  const auto derived = ScramSecret::derive("secret", stored->salt, stored->iterations);
  EXPECT_EQ(derived.storedKey, stored->storedKey);
  EXPECT_EQ(derived.serverKey, stored->serverKey);
  EXPECT_EQ(derived.format(), kDovecotSecret);
  EXPECT_NE(ScramSecret::derive("Secret", stored->salt, stored->iterations).storedKey, stored->storedKey);
}

TEST(ScramSecretTest, RefusesMalformedSecrets) {
  const std::string key = encodeBase64(std::string(32, 'k'));
  for (const std::string& bad : std::vector<std::string>{
           "", "4096", "4096,c2FsdA==," + key, "4096,c2FsdA==," + key + "," + key + ",x", "x,c2FsdA==," + key + "," + key,
           "0,c2FsdA==," + key + "," + key, "99999999999,c2FsdA==," + key + "," + key, "4096,," + key + "," + key,
           "4096,c2FsdA==,c2hvcnQ=," + key, "4096,!!!!," + key + "," + key}) {
    EXPECT_FALSE(ScramSecret::parse(bad)) << bad;
  }
  EXPECT_TRUE(ScramSecret::parse("4096,c2FsdA==," + key + "," + key));
}

// RFC 4231 section 4.2, test case 1: b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7.
TEST(ScramSecretTest, HmacSha256MatchesRfc4231) {
  const auto mac = hmacSha256(std::string(20, '\x0b'), "Hi There");
  EXPECT_EQ(encodeBase64(mac), "sDRMYdjbOFNcqK/OrwvxK4gdwgDJgz2nJuk3bC4yz/c=");
}

}  // namespace
}  // namespace postamt::sasl
