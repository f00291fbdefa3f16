#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sasl/Base64.h"
#include "sasl/ScramSha256.h"

namespace postamt::sasl {
namespace {

using Kind = Step::Kind;

// RFC 7677 section 3: user "user", password "pencil", and every message of the exchange.
const std::string kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
const std::string kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const std::string kServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const std::string kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const std::string kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

std::string pencilSecret() {
  return "{SCRAM-SHA-256}" + ScramSecret::derive("pencil", *decodeBase64("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096).format();
}

// A mechanism over one stored secret, recording which users it was asked for.
struct Exchange {
  explicit Exchange(StoredSecret secret = {StoredSecret::Status::Found, pencilSecret()})
      : scram(
            [this](const std::string& user) {
              asked.push_back(user);
              return user == "user" ? stored : StoredSecret{StoredSecret::Status::Missing, {}};
            },
            [] { return kServerNonce; }),
        stored(std::move(secret)) {}

  ScramSha256 scram;
  StoredSecret stored;
  std::vector<std::string> asked;
};

TEST(ScramSha256Test, TheExchangeOfRfc7677) {
  Exchange exchange;
  EXPECT_EQ(exchange.scram.start().challenge, "");  // client-first: the server asks with nothing
  auto step = exchange.scram.step(kClientFirst);
  ASSERT_EQ(step.kind, Kind::Challenge);
  EXPECT_EQ(step.challenge, kServerFirst);
  step = exchange.scram.step(kClientFinal);
  ASSERT_EQ(step.kind, Kind::Challenge);
  EXPECT_EQ(step.challenge, kServerFinal);
  // RFC 5034 section 4: the server's final message goes out as a challenge, answered with an empty response.
  step = exchange.scram.step("");
  EXPECT_EQ(step.kind, Kind::Proven);
  EXPECT_EQ(step.user, "user");
  EXPECT_EQ(exchange.asked, std::vector<std::string>{"user"});
}

TEST(ScramSha256Test, AWrongProofFails) {
  Exchange exchange;
  exchange.scram.step(kClientFirst);
  auto wrong = kClientFinal;
  wrong[wrong.size() - 5] = wrong[wrong.size() - 5] == 'A' ? 'B' : 'A';
  const auto step = exchange.scram.step(wrong);
  EXPECT_EQ(step.kind, Kind::Failure);
  EXPECT_EQ(step.failure, Step::Failure::Auth);
}

TEST(ScramSha256Test, AFinalMessageMustRepeatTheNonceAndTheGs2Header) {
  for (const std::string final :
       {"c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="}) {
    Exchange exchange;
    exchange.scram.step(kClientFirst);
    EXPECT_EQ(exchange.scram.step(final).kind, Kind::Failure) << final;
  }
}

// RFC 5802 section 9: an unknown user gets a server-first message like a known one (a salt, 4096 iterations,
// the same salt every time), and fails only at the proof.
TEST(ScramSha256Test, AnUnknownUserFailsOnlyAtTheProofWithAStableSalt) {
  Exchange first;
  Exchange second;
  const auto one = first.scram.step("n,,n=nobody,r=abc");
  const auto two = second.scram.step("n,,n=nobody,r=abc");
  ASSERT_EQ(one.kind, Kind::Challenge);
  EXPECT_EQ(one.challenge, two.challenge);
  EXPECT_NE(one.challenge.find(",s="), std::string::npos);
  EXPECT_NE(one.challenge.find(",i=4096"), std::string::npos);
  const auto step = first.scram.step("c=biws,r=abc" + kServerNonce + ",p=" + encodeBase64(std::string(32, 'p')));
  EXPECT_EQ(step.kind, Kind::Failure);
  EXPECT_EQ(step.failure, Step::Failure::Auth);
}

// Issue 4: a user whose password is stored in another scheme cannot use SCRAM; it fails like a wrong password.
TEST(ScramSha256Test, AUserWithAnotherSchemeFailsLikeAWrongPassword) {
  Exchange exchange({StoredSecret::Status::Found, "{SHA512-CRYPT}$6$salt$hash"});
  ASSERT_EQ(exchange.scram.step(kClientFirst).kind, Kind::Challenge);
  const auto step = exchange.scram.step(kClientFinal);
  EXPECT_EQ(step.kind, Kind::Failure);
  EXPECT_EQ(step.failure, Step::Failure::Auth);
}

TEST(ScramSha256Test, ASecretSourceThatIsDownIsATemporaryFailure) {
  Exchange exchange({StoredSecret::Status::TempFail, {}});
  const auto step = exchange.scram.step(kClientFirst);
  EXPECT_EQ(step.kind, Kind::Failure);
  EXPECT_EQ(step.failure, Step::Failure::TempFail);
}

// RFC 5802 section 6: "y" says the client could bind but thinks the server cannot; "p=" asks for binding this
// mechanism (without -PLUS) does not do.
TEST(ScramSha256Test, ChannelBindingFlags) {
  Exchange withY;
  EXPECT_EQ(withY.scram.step("y,,n=user,r=abc").kind, Kind::Challenge);
  Exchange withP;
  EXPECT_EQ(withP.scram.step("p=tls-unique,,n=user,r=abc").kind, Kind::Failure);
}

TEST(ScramSha256Test, AnAuthzidMustBeTheUserItself) {
  Exchange own;
  EXPECT_EQ(own.scram.step("n,a=user,n=user,r=abc").kind, Kind::Challenge);
  Exchange other;
  EXPECT_EQ(other.scram.step("n,a=admin,n=user,r=abc").kind, Kind::Failure);
  EXPECT_TRUE(other.asked.empty());
}

// RFC 5802 section 5.1: "=2C" and "=3D" stand for "," and "=" in a user name; other "=" escapes are malformed.
TEST(ScramSha256Test, UserNamesAreUnescaped) {
  Exchange exchange;
  EXPECT_EQ(exchange.scram.step("n,,n=a=2Cb=3Dc,r=abc").kind, Kind::Challenge);
  EXPECT_EQ(exchange.asked, std::vector<std::string>{"a,b=c"});
  Exchange bad;
  EXPECT_EQ(bad.scram.step("n,,n=a=2Xb,r=abc").kind, Kind::Failure);
}

TEST(ScramSha256Test, MalformedClientFirstMessagesFail) {
  for (const std::string bad : {"", "n", "n,", "n,,", "x,,n=user,r=abc", "n,,r=abc,n=user", "n,,m=ext,n=user,r=abc",
                                "n,,n=,r=abc", "n,,n=user", "n,,n=user,r=", "n,,n=user,r=a\x01"}) {
    Exchange exchange;
    EXPECT_EQ(exchange.scram.step(bad).kind, Kind::Failure) << bad;
  }
}

TEST(ScramSha256Test, MalformedClientFinalMessagesFail) {
  for (const std::string bad : {"", "c=biws", "c=biws,r=x", "p=abc", "c=biws,p=!!!!", "r=x,c=biws,p=AAAA"}) {
    Exchange exchange;
    exchange.scram.step(kClientFirst);
    EXPECT_EQ(exchange.scram.step(bad).kind, Kind::Failure) << bad;
  }
}

TEST(ScramSha256Test, TheAnswerToTheServerFinalMessageMustBeEmpty) {
  Exchange exchange;
  exchange.scram.step(kClientFirst);
  exchange.scram.step(kClientFinal);
  EXPECT_EQ(exchange.scram.step("x").kind, Kind::Failure);
}

}  // namespace
}  // namespace postamt::sasl
