#include "sasl/CramMd5.h"

#include "sasl/CramMd5Context.h"
#include "sasl/Hex.h"
#include "sasl/ScramSecret.h"

namespace postamt::sasl {

CramMd5::CramMd5(SecretSource secrets, std::string challenge) : secrets_(std::move(secrets)), challenge_(std::move(challenge)) {}

Step CramMd5::start() {
  challenged_ = true;
  return Step::challengeWith(challenge_);
}

Step CramMd5::step(std::string_view response) {
  // RFC 2195 section 2: the server speaks first, so an initial response cannot answer a challenge not yet sent.
  if (!challenged_) return Step::failed("CRAM-MD5 takes no initial response");
  const auto space = response.rfind(' ');
  if (space == std::string_view::npos || space == 0) return Step::failed("Malformed CRAM-MD5 response");
  const std::string user(response.substr(0, space));
  std::string digest(response.substr(space + 1));
  for (char& c : digest) c = c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;

  const auto stored = secrets_(user);
  if (stored.status == StoredSecret::Status::TempFail) {
    return Step::failed("Temporary failure, please try again later.", Step::Failure::TempFail);
  }
  std::optional<std::string> expected;
  if (const auto context = storedIn(stored, "CRAM-MD5")) {
    expected = hmacMd5FromContext(*context, challenge_);
  } else if (const auto password = storedPlain(stored)) {
    expected = hmacMd5FromContext(cramMd5Context(*password), challenge_);
  }
  if (!expected || !equalSecrets(toHex(*expected), digest)) return Step::refused(user);
  return Step::provenFor(user);
}

}  // namespace postamt::sasl
