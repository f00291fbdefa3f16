#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <gtest/gtest.h>

#include "sasl/TokenSubject.h"

namespace postamt::sasl {
namespace {

// A signed JWT with these claims; unverifiedTokenSubject never checks the signature.
template <typename... Claims>
std::string jwt(const Claims&... claims) {
  Poco::JWT::Token token;
  (token.payload().set(claims.first, claims.second), ...);
  return Poco::JWT::Signer("any key").sign(token, Poco::JWT::Signer::ALGO_HS256);
}

using Claim = std::pair<std::string, Poco::Dynamic::Var>;

TEST(TokenSubjectTest, TheEmailClaimNamesTheUserElseTheSubject) {
  EXPECT_EQ(unverifiedTokenSubject(jwt(Claim{"sub", "id-7"}, Claim{"email", "u@x.test"})), "u@x.test");
  EXPECT_EQ(unverifiedTokenSubject(jwt(Claim{"sub", "v@x.test"})), "v@x.test");
  for (const Poco::Dynamic::Var& yes : {Poco::Dynamic::Var(true), Poco::Dynamic::Var()}) {  // true, or null
    EXPECT_EQ(unverifiedTokenSubject(jwt(Claim{"sub", "id-7"}, Claim{"email", "u@x.test"}, Claim{"email_verified", yes})),
              "u@x.test");
  }
}

// OpenID Connect Core section 5.1: an address the provider has not verified may be anyone's; the subject stays.
TEST(TokenSubjectTest, AnUnverifiedEmailIsNotTheUser) {
  for (const Poco::Dynamic::Var& no : {Poco::Dynamic::Var(false), Poco::Dynamic::Var("false")}) {
    EXPECT_EQ(unverifiedTokenSubject(jwt(Claim{"sub", "v@x.test"}, Claim{"email", "boss@x.test"}, Claim{"email_verified", no})),
              "v@x.test");
  }
}

TEST(TokenSubjectTest, WhatNamesNobodyIsNoSubject) {
  EXPECT_EQ(unverifiedTokenSubject("not a token"), std::nullopt);
  EXPECT_EQ(unverifiedTokenSubject(jwt(Claim{"iss", "https://id.x.test"})), std::nullopt);
}

}  // namespace
}  // namespace postamt::sasl
