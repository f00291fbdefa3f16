#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sasl/BearerToken.h"

namespace postamt::sasl {
namespace {

using namespace std::string_literals;
using Kind = Step::Kind;

// RFC 7628 section 4.1 and 4.3: the client's message, with the token of the examples.
const std::string kToken = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";
const std::string kOAuthBearer =
    "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
    "auth=Bearer " +
    kToken + "\x01\x01";
const std::string kXOAuth2 =
    "user=user@example.com\x01"
    "auth=Bearer " +
    kToken + "\x01\x01";

// Answers every check with `answer`, recording what it was asked.
struct Tokens {
  TokenCheck answer = TokenCheck::Valid;
  std::vector<std::pair<std::string, std::string>> asked;
  TokenVerifier verifier() {
    return [this](const std::string& user, const std::string& token) {
      asked.emplace_back(user, token);
      return answer;
    };
  }
};

TEST(BearerTokenTest, OAuthBearerWithAValidTokenProvesTheAuthzid) {
  Tokens tokens;
  OAuthBearer mechanism(tokens.verifier());
  EXPECT_EQ(mechanism.start().challenge, "");  // the client speaks first (RFC 7628 section 3.2)
  const auto step = mechanism.step(kOAuthBearer);
  EXPECT_EQ(step.kind, Kind::Proven);
  EXPECT_EQ(step.user, "user@example.com");
  ASSERT_EQ(tokens.asked.size(), 1u);
  EXPECT_EQ(tokens.asked[0], std::make_pair("user@example.com"s, kToken));
}

// RFC 7628 section 3.2.2 and the example of section 4.3: the error is a JSON challenge, the client answers %x01,
// and only then the exchange fails.
TEST(BearerTokenTest, OAuthBearerRefusalGoesThroughTheJsonErrorExchange) {
  Tokens tokens;
  tokens.answer = TokenCheck::Invalid;
  OAuthBearer mechanism(tokens.verifier());
  auto step = mechanism.step(kOAuthBearer);
  ASSERT_EQ(step.kind, Kind::Challenge);
  EXPECT_EQ(step.challenge, R"({"status":"invalid_token"})");
  step = mechanism.step("\x01");
  EXPECT_EQ(step.kind, Kind::Failure);
  EXPECT_EQ(step.failure, Step::Failure::Auth);
}

TEST(BearerTokenTest, AVerifierThatIsDownIsATemporaryFailure) {
  Tokens tokens;
  tokens.answer = TokenCheck::TempFail;
  XOAuth2 mechanism(tokens.verifier());
  EXPECT_EQ(mechanism.step(kXOAuth2).failure, Step::Failure::TempFail);
}

// A JWT (RFC 7519) with these claims; the signature is never checked by the mechanism, only by its verifier.
std::string jwt(const std::vector<std::pair<std::string, std::string>>& claims) {
  Poco::JWT::Token token;
  for (const auto& [name, value] : claims) token.payload().set(name, value);
  return Poco::JWT::Signer("any key").sign(token, Poco::JWT::Signer::ALGO_HS256);
}

// RFC 7628 section 3.1: the authzid is optional. Without it the token names the user, "email" before "sub", and that
// user's tenant checks it; the verifier is asked about exactly that user.
TEST(BearerTokenTest, OAuthBearerWithoutAuthzidTakesTheUserTheTokenNames) {
  for (const auto& [claims, user] :
       {std::pair{std::vector<std::pair<std::string, std::string>>{{"sub", "id-7"}, {"email", "u@x.test"}}, "u@x.test"s},
        std::pair{std::vector<std::pair<std::string, std::string>>{{"sub", "v@x.test"}}, "v@x.test"s}}) {
    Tokens tokens;
    OAuthBearer mechanism(tokens.verifier());
    const std::string token = jwt(claims);
    const auto step = mechanism.step(
        "n,,\x01"
        "auth=Bearer "s +
        token + "\x01\x01");
    EXPECT_EQ(step.kind, Kind::Proven);
    EXPECT_EQ(step.user, user);
    ASSERT_EQ(tokens.asked.size(), 1u);
    EXPECT_EQ(tokens.asked[0], std::make_pair(user, token));
  }
}

TEST(BearerTokenTest, OAuthBearerWithoutAuthzidNeedsATokenThatNamesTheUser) {
  for (const std::string& bad : {"n,,\x01"
                                 "auth=Bearer x\x01\x01"s,
                                 "n,,\x01"
                                 "auth=Bearer "s +
                                     jwt({{"iss", "https://id.x.test"}}) + "\x01\x01"}) {
    Tokens tokens;
    OAuthBearer mechanism(tokens.verifier());
    EXPECT_EQ(mechanism.step(bad).kind, Kind::Failure) << bad;
    EXPECT_TRUE(tokens.asked.empty());
  }
}

// RFC 7628 section 3.1: a GS2 header that asks for channel binding ("p=") is refused; this server offers none.
TEST(BearerTokenTest, OAuthBearerRefusesChannelBinding) {
  Tokens tokens;
  OAuthBearer mechanism(tokens.verifier());
  EXPECT_EQ(mechanism
                .step("p=tls-unique,a=u@x,\x01"
                      "auth=Bearer x\x01\x01"s)
                .kind,
            Kind::Failure);
  EXPECT_TRUE(tokens.asked.empty());
}

TEST(BearerTokenTest, MalformedOAuthBearerMessagesFail) {
  for (const std::string& bad : {""s, "\x01"s, "n,a=u@x,"s, "n,a=u@x,auth=Bearer x\x01\x01"s,
                                 "n,a=u@x,\x01"
                                 "auth=Bearer x\x01"s,
                                 "n,a=u@x,\x01"
                                 "auth=Basic x\x01\x01"s,
                                 "n,a=u@x,\x01"
                                 "auth=Bearer \x01\x01"s,
                                 "n,a=u@x,\x01host\x01"
                                 "auth=Bearer x\x01\x01"s,
                                 "n,a=u@x,\x01\x01"s}) {
    Tokens tokens;
    OAuthBearer mechanism(tokens.verifier());
    EXPECT_EQ(mechanism.step(bad).kind, Kind::Failure) << bad;
    EXPECT_TRUE(tokens.asked.empty()) << bad;
  }
}

// RFC 6750 section 2.1: the scheme name is case-insensitive.
TEST(BearerTokenTest, TheBearerSchemeIsCaseInsensitive) {
  Tokens tokens;
  OAuthBearer mechanism(tokens.verifier());
  EXPECT_EQ(mechanism
                .step("n,a=u@x,\x01"
                      "auth=bearer tok\x01\x01"s)
                .kind,
            Kind::Proven);
  EXPECT_EQ(tokens.asked.at(0).second, "tok");
}

TEST(BearerTokenTest, XOAuth2WithAValidToken) {
  Tokens tokens;
  XOAuth2 mechanism(tokens.verifier());
  const auto step = mechanism.step(kXOAuth2);
  EXPECT_EQ(step.kind, Kind::Proven);
  EXPECT_EQ(step.user, "user@example.com");
}

// Google's form of the refusal: a JSON challenge, an empty answer, then failure.
TEST(BearerTokenTest, XOAuth2RefusalGoesThroughItsJsonChallenge) {
  Tokens tokens;
  tokens.answer = TokenCheck::Invalid;
  XOAuth2 mechanism(tokens.verifier());
  auto step = mechanism.step(kXOAuth2);
  ASSERT_EQ(step.kind, Kind::Challenge);
  EXPECT_NE(step.challenge.find(R"("status":"401")"), std::string::npos);
  EXPECT_EQ(mechanism.step("").kind, Kind::Failure);
}

TEST(BearerTokenTest, MalformedXOAuth2MessagesFail) {
  for (const std::string& bad : {""s, "user=u@x\x01\x01"s, "auth=Bearer t\x01\x01"s,
                                 "user=u@x\x01"
                                 "auth=Bearer t\x01"s}) {
    Tokens tokens;
    XOAuth2 mechanism(tokens.verifier());
    EXPECT_EQ(mechanism.step(bad).kind, Kind::Failure) << bad;
  }
}

}  // namespace
}  // namespace postamt::sasl
