#include "sasl/Plain.h"

#include <string>

namespace postamt::sasl {

Step Plain::step(std::string_view response) {
  // RFC 4616 section 2: message = [authzid] UTF8NUL authcid UTF8NUL passwd, and neither authcid nor passwd may
  // contain a NUL: so exactly two.
  const auto first = response.find('\0');
  const auto second = first == std::string_view::npos ? first : response.find('\0', first + 1);
  if (second == std::string_view::npos || response.find('\0', second + 1) != std::string_view::npos)
    return Step::failed("Malformed PLAIN message");
  const auto authzid = response.substr(0, first);
  const auto authcid = response.substr(first + 1, second - first - 1);
  const auto password = response.substr(second + 1);
  if (authcid.empty() || password.empty()) return Step::failed("Malformed PLAIN message");
  // RFC 4616 section 2: the server must refuse an authzid the authcid may not act as.
  if (!authzid.empty() && authzid != authcid) return Step::failed("Authorization identity must be empty or the user's own");
  return Step::passwordOf(std::string(authcid), std::string(password));
}

}  // namespace postamt::sasl
