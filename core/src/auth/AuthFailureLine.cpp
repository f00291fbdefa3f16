#include "auth/AuthFailureLine.h"

#include "config/LogFields.h"

namespace postamt::auth {
namespace {

// "-" for a field that is not known (the tenant of an unknown domain), so every field is one word.
std::string_view orDash(std::string_view value) { return value.empty() ? std::string_view("-") : value; }

// Fields taken as one word (the address, tenant and mechanism are the server's own, but a client names the
// mechanism): anything but a visible ASCII character becomes '?'.
std::string word(std::string_view value) {
  std::string out(orDash(value));
  for (char& c : out)
    if (c <= ' ' || c == 0x7f || c == '"') c = '?';
  return out;
}

}  // namespace

std::string authFailureLine(std::string_view remote, std::string_view tenant, std::string_view mechanism, std::string_view user,
                            std::string_view reason) {
  return "auth failed remote=" + word(remote) + " tenant=" + word(tenant) + " mechanism=" + word(mechanism) +
         " user=" + config::quotedValue(user) + " reason=" + config::quotedValue(reason);
}

}  // namespace postamt::auth
