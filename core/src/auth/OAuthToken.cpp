#include "auth/OAuthToken.h"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/String.h>

#include <algorithm>
#include <sstream>

#include "sasl/TokenSubject.h"

namespace postamt::auth {
namespace {

bool sameAddress(const std::string& a, const std::string& b) { return Poco::icompare(a, b) == 0; }

// Signer cannot be copied: the caller's is set up here.
void configure(Poco::JWT::Signer& signer, const OAuthIssuer& issuer) {
  if (issuer.algorithm == "HS256") {
    signer.setHMACKey(issuer.key);
  } else if (issuer.algorithm == "RS256") {
    std::istringstream pem(issuer.key);
    signer.setRSAKey(new Poco::Crypto::RSAKey(&pem));
  } else {
    throw Poco::InvalidArgumentException("unsupported token algorithm " + issuer.algorithm);
  }
  signer.setAlgorithms({issuer.algorithm});
}

}  // namespace

TokenVerdict verifyBearerToken(const OAuthIssuer& issuer, const std::string& token, const std::string& user,
                               Poco::Timestamp now) {
  Poco::JWT::Signer signer;
  try {
    configure(signer, issuer);
  } catch (const Poco::Exception& e) {
    return {false, "the tenant's token key: " + e.displayText()};  // the server's own mistake, said in full
  }
  Poco::JWT::Token parsed;
  try {
    if (!signer.tryVerify(token, parsed)) return {false, "bad signature or algorithm"};
    if (parsed.getIssuer() != issuer.issuer) return {false, "issuer " + parsed.getIssuer()};
    const auto audience = parsed.getAudience();
    if (std::find(audience.begin(), audience.end(), issuer.audience) == audience.end()) return {false, "wrong audience"};
    if (!parsed.payload().has("exp")) return {false, "no expiry"};
    if (parsed.getExpiration() <= now) return {false, "expired"};
    if (parsed.payload().has("nbf") && parsed.getNotBefore() > now) return {false, "not yet valid"};
    const std::string subject = sasl::tokenSubject(parsed);
    if (!sameAddress(subject, user)) return {false, "token is for " + subject};
    return {true, {}};
  } catch (const Poco::Exception& e) {
    // A malformed token or a claim of the wrong type. Only the kind of failure: Poco's message quotes the token (its
    // "alg", a claim), which is the client's to write until the signature is checked.
    return {false, std::string("malformed token (") + e.name() + ")"};
  }
}

}  // namespace postamt::auth
