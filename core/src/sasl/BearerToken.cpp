#include "sasl/BearerToken.h"

#include <Poco/String.h>

#include "sasl/Gs2Header.h"
#include "sasl/TokenSubject.h"

namespace postamt::sasl {
namespace {

constexpr char kSeparator = '\x01';  // RFC 7628 section 3.1: kvsep

bool startsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && Poco::icompare(std::string(text.substr(0, prefix.size())), std::string(prefix)) == 0;
}

}  // namespace

BearerToken::BearerToken(TokenVerifier tokens) : tokens_(std::move(tokens)) {}

Step BearerToken::step(std::string_view response) {
  // RFC 7628 section 3.2.3: after the error challenge the client sends %x01 (XOAUTH2 clients send nothing); either
  // way the exchange ends in failure.
  if (refused_) return Step::refused(refusedUser_);
  auto credentials = parse(response);
  if (!credentials.error.empty()) return Step::failed(credentials.error);
  switch (tokens_(credentials.user, credentials.token)) {
    case TokenCheck::Valid:
      return Step::provenFor(std::move(credentials.user));
    case TokenCheck::TempFail:
      return Step::failed("Temporary failure, please try again later.", Step::Failure::TempFail);
    case TokenCheck::Invalid:
      break;
  }
  refused_ = true;
  refusedUser_ = std::move(credentials.user);
  return Step::challengeWith(errorJson());
}

bool BearerToken::readPairs(std::string_view pairs, std::string& user, std::string& token, std::string_view userKey) {
  // The pairs end with an empty one: the message ends in two separators.
  if (pairs.size() < 2 || pairs.substr(pairs.size() - 2) != std::string_view("\x01\x01", 2)) return false;
  pairs.remove_suffix(1);
  while (!pairs.empty()) {
    const auto end = pairs.find(kSeparator);
    const auto pair = pairs.substr(0, end);
    pairs.remove_prefix(end + 1);
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) return false;
    const auto key = pair.substr(0, equals);
    const auto value = pair.substr(equals + 1);
    if (key == "auth") {
      if (!startsWithIgnoringCase(value, "Bearer ") || value.size() == 7) return false;
      token = std::string(value.substr(7));
    } else if (!userKey.empty() && key == userKey) {
      user = std::string(value);
    }
  }
  return !token.empty();
}

// RFC 7628 section 3.1: gs2-header kvsep *kvpair kvsep. The user is the GS2 authzid; a client may leave it out,
// and the token then names the user (its subject), which also says whose tenant's keys check it.
BearerToken::Credentials OAuthBearer::parse(std::string_view message) const {
  Credentials credentials;
  const auto header = parseGs2Header(message);
  if (!header.error.empty()) {
    credentials.error = header.error;
    return credentials;
  }
  credentials.user = header.authzid;
  const auto pairs = message.substr(header.length);
  if (pairs.empty() || pairs.front() != kSeparator || !readPairs(pairs.substr(1), credentials.user, credentials.token, {})) {
    credentials.error = "Malformed OAUTHBEARER message";
  } else if (credentials.user.empty()) {
    if (auto subject = unverifiedTokenSubject(credentials.token)) {
      credentials.user = std::move(*subject);
    } else {
      credentials.error = "OAUTHBEARER needs the user name as authorization identity, or a token that names the user";
    }
  }
  return credentials;
}

// RFC 7628 section 3.2.2: the status is the one RFC 6750 section 3.1 names for a bad token.
std::string OAuthBearer::errorJson() const { return R"({"status":"invalid_token"})"; }

// Google's XOAUTH2: "user=" user %x01 "auth=Bearer " token %x01 %x01.
BearerToken::Credentials XOAuth2::parse(std::string_view message) const {
  Credentials credentials;
  if (!readPairs(message, credentials.user, credentials.token, "user") || credentials.user.empty()) {
    credentials.error = "Malformed XOAUTH2 message";
  }
  return credentials;
}

// What Google answers, so clients written against it recognise the refusal.
std::string XOAuth2::errorJson() const { return R"({"status":"401","schemes":"bearer"})"; }

}  // namespace postamt::sasl
