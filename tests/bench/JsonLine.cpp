#include "JsonLine.h"

#include <cmath>
#include <cstdio>

namespace postamt::bench {
namespace {

// RFC 8259 section 7: quote, backslash and control characters are escaped.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

void JsonLine::key(std::string_view name) {
  if (!body_.empty()) body_ += ", ";
  body_ += quoted(name) + ": ";
}

JsonLine& JsonLine::add(std::string_view name, std::string_view value) {
  key(name);
  body_ += quoted(value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view name, double value) {
  key(name);
  if (!std::isfinite(value)) {
    body_ += "null";
  } else {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", value);
    body_ += text;
  }
  return *this;
}

JsonLine& JsonLine::add(std::string_view name, long value) {
  key(name);
  body_ += std::to_string(value);
  return *this;
}

}  // namespace postamt::bench
