#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace postamt::fuzz {

// Ends the run when an invariant fails: libFuzzer reports the abort as a crash and writes the input out as the
// reproducer. `detail` is shown escaped, since it is usually protocol bytes.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::string shown;
  for (const char octet : detail.substr(0, 600)) {
    if (octet == '\r') {
      shown += "\\r";
    } else if (octet == '\n') {
      shown += "\\n";
    } else if (octet >= ' ' && octet <= '~') {
      shown += octet;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(octet));
      shown += escaped;
    }
  }
  std::fprintf(stderr, "invariant violated: %.*s [%s]\n", static_cast<int>(what.size()), what.data(), shown.c_str());
  std::abort();
}

inline void expect(bool condition, std::string_view what, std::string_view detail = {}) {
  if (!condition) fail(what, detail);
}

}  // namespace postamt::fuzz
