#include <Poco/Base64Encoder.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <gtest/gtest.h>

#include <sstream>

#include "auth/OAuthToken.h"

namespace postamt::auth {
namespace {

const OAuthIssuer kIssuer{"https://id.example.org", "postamt", "HS256", "a shared secret of the tenant"};
const std::string kUser = "alice@example.org";

// A token as the identity provider would issue it; each test changes what it examines.
Poco::JWT::Token claims() {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setIssuer(kIssuer.issuer);
  token.setAudience(kIssuer.audience);
  token.setSubject("a-user-id");
  token.payload().set("email", kUser);
  token.setExpiration(Poco::Timestamp() + Poco::Timespan(600, 0));
  return token;
}

std::string signedHs256(Poco::JWT::Token token, const std::string& secret = kIssuer.key,
                        const std::string& algorithm = Poco::JWT::Signer::ALGO_HS256) {
  Poco::JWT::Signer signer(secret);
  return signer.sign(token, algorithm);
}

TEST(OAuthTokenTest, AcceptsATokenFromTheIssuerForTheAudienceAndUser) {
  EXPECT_TRUE(verifyBearerToken(kIssuer, signedHs256(claims()), kUser).valid);
  EXPECT_TRUE(verifyBearerToken(kIssuer, signedHs256(claims()), "Alice@Example.org").valid);
}

TEST(OAuthTokenTest, RefusesAnotherSignatureOrAlgorithm) {
  EXPECT_FALSE(verifyBearerToken(kIssuer, signedHs256(claims(), "another secret"), kUser).valid);
  EXPECT_FALSE(verifyBearerToken(kIssuer, signedHs256(claims(), kIssuer.key, Poco::JWT::Signer::ALGO_HS512), kUser).valid);
  auto token = signedHs256(claims());
  // The signature's first character: all six of its bits count (the last one's low bits may be padding).
  char& signature = token[token.rfind('.') + 1];
  signature = signature == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifyBearerToken(kIssuer, token, kUser).valid);
  EXPECT_FALSE(verifyBearerToken(kIssuer, "not a jwt", kUser).valid);
  EXPECT_FALSE(verifyBearerToken(kIssuer, "", kUser).valid);
}

// The reason goes to the log; before the signature is checked, all of a token is the client's to write.
TEST(OAuthTokenTest, AnUnverifiedTokenPutsNoneOfItsTextInTheReason) {
  const std::string forged = R"(HS256\nauth failed remote=203.0.113.9)";  // JSON's escape of a line break
  std::ostringstream header;
  Poco::Base64Encoder encoder(header, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder << R"({"alg":")" << forged << R"(","typ":"JWT"})";
  encoder.close();
  auto token = signedHs256(claims());
  token.replace(0, token.find('.'), header.str());
  const auto verdict = verifyBearerToken(kIssuer, token, kUser);
  EXPECT_FALSE(verdict.valid) << verdict.reason;
  EXPECT_EQ(verdict.reason.find("203.0.113.9"), std::string::npos) << verdict.reason;
  EXPECT_EQ(verdict.reason.find('\n'), std::string::npos) << verdict.reason;
}

// RFC 7519 section 4.1: iss, aud, exp and nbf.
TEST(OAuthTokenTest, RefusesAnotherIssuerAudienceOrTime) {
  auto issuer = claims();
  issuer.setIssuer("https://evil.example");
  EXPECT_FALSE(verifyBearerToken(kIssuer, signedHs256(issuer), kUser).valid);
  auto audience = claims();
  audience.setAudience("another-service");
  EXPECT_FALSE(verifyBearerToken(kIssuer, signedHs256(audience), kUser).valid);
  auto expired = claims();
  expired.setExpiration(Poco::Timestamp() - Poco::Timespan(1, 0));
  EXPECT_EQ(verifyBearerToken(kIssuer, signedHs256(expired), kUser).reason, "expired");
  auto endless = claims();
  endless.payload().remove("exp");
  EXPECT_FALSE(verifyBearerToken(kIssuer, signedHs256(endless), kUser).valid);
  auto early = claims();
  early.setNotBefore(Poco::Timestamp() + Poco::Timespan(600, 0));
  EXPECT_FALSE(verifyBearerToken(kIssuer, signedHs256(early), kUser).valid);
  auto audiences = claims();
  audiences.setAudience(std::vector<std::string>{"other", kIssuer.audience});
  EXPECT_TRUE(verifyBearerToken(kIssuer, signedHs256(audiences), kUser).valid);
}

TEST(OAuthTokenTest, TheTokenMustBeAboutTheUser) {
  EXPECT_FALSE(verifyBearerToken(kIssuer, signedHs256(claims()), "bob@example.org").valid);
  auto bySubject = claims();
  bySubject.payload().remove("email");
  bySubject.setSubject(kUser);
  EXPECT_TRUE(verifyBearerToken(kIssuer, signedHs256(bySubject), kUser).valid);
}

TEST(OAuthTokenTest, Rs256WithThePublicKeyAndNoAlgorithmConfusion) {
  Poco::SharedPtr<Poco::Crypto::RSAKey> key(
      new Poco::Crypto::RSAKey(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE));
  std::ostringstream publicPem;
  key->save(&publicPem);
  const OAuthIssuer rs256{kIssuer.issuer, kIssuer.audience, "RS256", publicPem.str()};
  Poco::JWT::Signer signer(key);
  auto token = claims();
  EXPECT_TRUE(verifyBearerToken(rs256, signer.sign(token, Poco::JWT::Signer::ALGO_RS256), kUser).valid);
  // An attacker who knows the public key signs HS256 with it as the secret: refused, the tenant said RS256.
  EXPECT_FALSE(verifyBearerToken(rs256, signedHs256(claims(), publicPem.str()), kUser).valid);
}

}  // namespace
}  // namespace postamt::auth
