#include "auth/AuthFailureLine.h"

#include <cstdio>

namespace postamt::auth {
namespace {

// "-" for a field that is not known (the tenant of an unknown domain), so every field is one word.
std::string_view orDash(std::string_view value) { return value.empty() ? std::string_view("-") : value; }

std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + '"';
}

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
         " user=" + quoted(user) + " reason=" + quoted(reason);
}

}  // namespace postamt::auth
