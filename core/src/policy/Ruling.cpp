#include "policy/Ruling.h"

#include <algorithm>

namespace postamt::policy::field {

void onlyKnown(const sdk::PolicyValues& values, std::initializer_list<const char*> known) {
  for (const auto& [name, value] : values) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return name == k; })) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw MalformedDecision("unknown field '" + name + "' (this hook knows " + list + ")");
    }
  }
}

std::optional<std::string> text(const sdk::PolicyValues& values, const char* name) {
  const auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  const std::string* s = std::get_if<std::string>(&it->second);
  if (s == nullptr) throw MalformedDecision(std::string("field '") + name + "' must be a string");
  return *s;
}

std::optional<std::string> clientText(const sdk::PolicyValues& values, const char* name) {
  auto s = text(values, name);
  if (!s) return s;
  if (s->size() > 200 || std::any_of(s->begin(), s->end(), [](char c) { return c < 0x20 || c > 0x7e; })) {
    throw MalformedDecision(std::string("field '") + name + "' must be one line of at most 200 printable ASCII characters");
  }
  return s;
}

std::optional<std::int64_t> count(const sdk::PolicyValues& values, const char* name) {
  const auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  const std::int64_t* n = std::get_if<std::int64_t>(&it->second);
  if (n == nullptr || *n < 0) throw MalformedDecision(std::string("field '") + name + "' must be a whole number, 0 or more");
  return *n;
}

}  // namespace postamt::policy::field
