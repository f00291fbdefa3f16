#include "sasl/ScramSha256.h"

#include "sasl/Base64.h"
#include "sasl/Gs2Header.h"
#include "sasl/Random.h"

namespace postamt::sasl {
namespace {

constexpr std::size_t kNonceBytes = 18;
constexpr std::size_t kFakeSaltBytes = 16;
const std::string kFailed = "Authentication failed.";

// The value of attribute `name` ("n=alice" -> "alice") when `part` is that attribute.
std::optional<std::string_view> attribute(std::string_view part, char name) {
  if (part.size() < 2 || part[0] != name || part[1] != '=') return std::nullopt;
  return part.substr(2);
}

// Takes the text up to the next "," (or all of it) off the front of `text`.
std::string_view nextPart(std::string_view& text) {
  const auto comma = text.find(',');
  const auto part = text.substr(0, comma);
  text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  return part;
}

// RFC 5802 section 7: printable ASCII except ",".
bool validNonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (const char c : nonce)
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  return true;
}

// For a user without a SCRAM secret the exchange goes on with a salt that is the same on every attempt and
// keys that match nothing, so that the server-first message does not tell which users exist (RFC 5802 section 9).
ScramSecret unusableSecret(const std::string& user) {
  static const std::string key = randomBytes(32);  // per process: the fake salt must not be computable offline
  ScramSecret secret;
  secret.iterations = ScramSecret::kMinIterations;
  secret.salt = hmacSha256(key, user).substr(0, kFakeSaltBytes);
  secret.storedKey = randomBytes(ScramSecret::kKeyBytes);
  secret.serverKey = randomBytes(ScramSecret::kKeyBytes);
  return secret;
}

}  // namespace

ScramSha256::ScramSha256(SecretSource secrets, std::function<std::string()> serverNonce)
    : secrets_(std::move(secrets)), serverNonce_(std::move(serverNonce)) {}

std::string ScramSha256::randomNonce() { return encodeBase64(randomBytes(kNonceBytes)); }

Step ScramSha256::step(std::string_view response) {
  switch (expecting_) {
    case Expecting::ClientFirst:
      return clientFirst(response);
    case Expecting::ClientFinal:
      return clientFinal(response);
    case Expecting::EmptyResponse:
      // RFC 5034 section 4: the server-final message went out as a challenge; the client answers it with nothing.
      if (!response.empty()) return Step::failed("Unexpected response after the server's final message");
      return Step::provenFor(std::move(user_));
  }
  return Step::failed(kFailed);
}

// RFC 5802 section 7: client-first-message = gs2-header client-first-message-bare, where
// gs2-header = gs2-cbind-flag "," [authzid] "," and client-first-message-bare = [reserved-mext ","] username ","
// nonce ["," extensions].
Step ScramSha256::clientFirst(std::string_view message) {
  const auto header = parseGs2Header(message);
  if (!header.error.empty()) return Step::failed(header.error);
  gs2Header_ = std::string(message.substr(0, header.length));
  clientFirstBare_ = std::string(message.substr(header.length));

  std::string_view rest = clientFirstBare_;
  const auto userPart = attribute(nextPart(rest), 'n');
  const auto noncePart = attribute(nextPart(rest), 'r');  // a leading "m=" (reserved) fails here too
  if (!userPart || !noncePart || !validNonce(*noncePart)) return Step::failed("Malformed SCRAM client-first message");
  const auto user = decodeSaslName(*userPart);
  if (!user || user->empty()) return Step::failed("Malformed SCRAM user name");
  // This server lets nobody act for another user (as for PLAIN, RFC 4616 section 2).
  if (!header.authzid.empty() && header.authzid != *user)
    return Step::failed("Authorization identity must be empty or the user's own");
  user_ = *user;

  const auto stored = secrets_(user_);
  if (stored.status == StoredSecret::Status::TempFail) {
    return Step::failed("Temporary failure, please try again later.", Step::Failure::TempFail);
  }
  // A user whose password is stored in another scheme cannot use SCRAM: the exchange fails like a wrong password.
  const auto text = storedIn(stored, "SCRAM-SHA-256");
  auto secret = text ? ScramSecret::parse(*text) : std::nullopt;
  secretFound_ = secret.has_value();
  secret_ = secretFound_ ? std::move(*secret) : unusableSecret(user_);

  nonce_ = std::string(*noncePart) + serverNonce_();
  serverFirst_ = "r=" + nonce_ + ",s=" + encodeBase64(secret_.salt) + ",i=" + std::to_string(secret_.iterations);
  expecting_ = Expecting::ClientFinal;
  return Step::challengeWith(serverFirst_);
}

// RFC 5802 section 7: client-final-message = channel-binding "," nonce ["," extensions] "," proof.
Step ScramSha256::clientFinal(std::string_view message) {
  const auto proofAt = message.rfind(",p=");
  if (proofAt == std::string_view::npos) return Step::failed("Malformed SCRAM client-final message");
  const auto withoutProof = message.substr(0, proofAt);
  const auto proof = decodeBase64(message.substr(proofAt + 3));
  std::string_view rest = withoutProof;
  const auto binding = attribute(nextPart(rest), 'c');
  const auto nonce = attribute(nextPart(rest), 'r');
  if (!binding || !nonce || !proof) return Step::failed("Malformed SCRAM client-final message");
  // RFC 5802 section 5.1: "c=" repeats the gs2-header (no channel binding data), "r=" the whole nonce.
  if (*binding != encodeBase64(gs2Header_) || *nonce != nonce_) return Step::refused(user_);

  // RFC 5802 section 3: ClientKey := ClientProof XOR HMAC(StoredKey, AuthMessage); the proof holds when
  // H(ClientKey) is the StoredKey.
  const std::string authMessage = clientFirstBare_ + "," + serverFirst_ + "," + std::string(withoutProof);
  const std::string signature = hmacSha256(secret_.storedKey, authMessage);
  if (proof->size() != signature.size()) return Step::refused(user_);
  std::string clientKey(signature.size(), '\0');
  for (std::size_t i = 0; i < signature.size(); ++i) clientKey[i] = static_cast<char>((*proof)[i] ^ signature[i]);
  const bool proven = equalSecrets(sha256(clientKey), secret_.storedKey);
  if (!proven || !secretFound_) return Step::refused(user_);

  expecting_ = Expecting::EmptyResponse;
  return Step::challengeWith("v=" + encodeBase64(hmacSha256(secret_.serverKey, authMessage)));
}

}  // namespace postamt::sasl
