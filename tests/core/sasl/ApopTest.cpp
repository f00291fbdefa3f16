#include <gtest/gtest.h>

#include "sasl/Apop.h"

namespace postamt::sasl {
namespace {

// RFC 1939 section 7, the APOP example.
const std::string kTimestamp = "<1896.697170952@dbc.mtview.ca.us>";
const std::string kDigest = "c4c9334bac560ecc979e58001b3e22fb";

TEST(ApopTest, TheExampleOfRfc1939) {
  EXPECT_TRUE(apopDigestMatches({StoredSecret::Status::Found, "{PLAIN}tanstaaf"}, kTimestamp, kDigest));
  EXPECT_TRUE(apopDigestMatches({StoredSecret::Status::Found, "{CLEARTEXT}tanstaaf"}, kTimestamp, kDigest));
  EXPECT_TRUE(
      apopDigestMatches({StoredSecret::Status::Found, "{PLAIN}tanstaaf"}, kTimestamp, "C4C9334BAC560ECC979E58001B3E22FB"));
}

TEST(ApopTest, AnotherTimestampPasswordOrDigestDoesNotMatch) {
  EXPECT_FALSE(apopDigestMatches({StoredSecret::Status::Found, "{PLAIN}tanstaaf"}, "<1@x>", kDigest));
  EXPECT_FALSE(apopDigestMatches({StoredSecret::Status::Found, "{PLAIN}tanstaa"}, kTimestamp, kDigest));
  EXPECT_FALSE(apopDigestMatches({StoredSecret::Status::Found, "{PLAIN}tanstaaf"}, kTimestamp, "c4c9334b"));
}

// MD5 of the password needs the password: no hashed scheme can answer, not even CRAM-MD5's context.
TEST(ApopTest, OnlyPlainStoredPasswordsCanMatch) {
  EXPECT_FALSE(apopDigestMatches({StoredSecret::Status::Found, "{SHA512-CRYPT}$6$x$y"}, kTimestamp, kDigest));
  EXPECT_FALSE(apopDigestMatches({StoredSecret::Status::Found, "{CRAM-MD5}00"}, kTimestamp, kDigest));
  EXPECT_FALSE(apopDigestMatches({StoredSecret::Status::Missing, "{PLAIN}tanstaaf"}, kTimestamp, kDigest));
}

}  // namespace
}  // namespace postamt::sasl
