#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sasl/Base64.h"
#include "sasl/CramMd5.h"
#include "sasl/CramMd5Context.h"
#include "sasl/Hex.h"

namespace postamt::sasl {
namespace {

using Kind = Step::Kind;

// RFC 2195 section 2, the example exchange.
const std::string kChallenge = "<1896.697170952@postoffice.reston.mci.net>";
const std::string kResponse = "tim b913a602c7eda7a495b4e6e7334d3890";

struct Exchange {
  explicit Exchange(StoredSecret secret)
      : stored(std::move(secret)),
        cram(
            [this](const std::string& user) {
              return user == "tim" ? stored : StoredSecret{StoredSecret::Status::Missing, {}};
            },
            kChallenge) {}
  StoredSecret stored;
  CramMd5 cram;
};

TEST(CramMd5Test, TheExampleOfRfc2195ForAPlainStoredPassword) {
  Exchange exchange({StoredSecret::Status::Found, "{PLAIN}tanstaaftanstaaf"});
  const auto challenge = exchange.cram.start();
  ASSERT_EQ(challenge.kind, Kind::Challenge);
  EXPECT_EQ(challenge.challenge, kChallenge);
  const auto step = exchange.cram.step(kResponse);
  EXPECT_EQ(step.kind, Kind::Proven);
  EXPECT_EQ(step.user, "tim");
}

// Dovecot's {CRAM-MD5} holds the HMAC-MD5 key schedule, from which the same answer follows without the password.
TEST(CramMd5Test, TheExampleOfRfc2195ForADovecotCramMd5Context) {
  Exchange exchange({StoredSecret::Status::Found, "{CRAM-MD5}" + cramMd5Context("tanstaaftanstaaf")});
  exchange.cram.start();
  EXPECT_EQ(exchange.cram.step(kResponse).kind, Kind::Proven);
}

// As doveadm pw -s CRAM-MD5.b64 and PLAIN.HEX write them: the suffix names the encoding of what follows.
TEST(CramMd5Test, TheExampleOfRfc2195ForSecretsInANamedEncoding) {
  for (const std::string& stored : {"{CRAM-MD5.B64}" + encodeBase64(*fromHex(cramMd5Context("tanstaaftanstaaf"))),
                                    "{plain.hex}" + toHex("tanstaaftanstaaf")}) {
    Exchange exchange({StoredSecret::Status::Found, stored});
    exchange.cram.start();
    EXPECT_EQ(exchange.cram.step(kResponse).kind, Kind::Proven) << stored;
  }
}

TEST(CramMd5Test, AWrongDigestOrUserFails) {
  for (const std::string response : {"tim b913a602c7eda7a495b4e6e7334d3891", "tom b913a602c7eda7a495b4e6e7334d3890", "tim",
                                     "tim ", " b913a602c7eda7a495b4e6e7334d3890", "tim b913"}) {
    Exchange exchange({StoredSecret::Status::Found, "{PLAIN}tanstaaftanstaaf"});
    exchange.cram.start();
    const auto step = exchange.cram.step(response);
    EXPECT_EQ(step.kind, Kind::Failure) << response;
    EXPECT_EQ(step.failure, Step::Failure::Auth);
  }
}

// Issue 4: only users stored as PLAIN or CRAM-MD5 can use it; the others fail as for a wrong password.
TEST(CramMd5Test, UsersStoredInOtherSchemesFail) {
  Exchange exchange({StoredSecret::Status::Found, "{SHA512-CRYPT}$6$x$y"});
  exchange.cram.start();
  EXPECT_EQ(exchange.cram.step(kResponse).kind, Kind::Failure);
}

TEST(CramMd5Test, AnInitialResponseIsRefused) {
  Exchange exchange({StoredSecret::Status::Found, "{PLAIN}tanstaaftanstaaf"});
  EXPECT_EQ(exchange.cram.step(kResponse).kind, Kind::Failure);
}

TEST(CramMd5Test, ASecretSourceThatIsDownIsATemporaryFailure) {
  Exchange exchange({StoredSecret::Status::TempFail, {}});
  exchange.cram.start();
  EXPECT_EQ(exchange.cram.step(kResponse).failure, Step::Failure::TempFail);
}

TEST(CramMd5Test, AMalformedStoredContextNeverMatches) {
  Exchange exchange({StoredSecret::Status::Found, "{CRAM-MD5}zz"});
  exchange.cram.start();
  EXPECT_EQ(exchange.cram.step(kResponse).kind, Kind::Failure);
}

}  // namespace
}  // namespace postamt::sasl
