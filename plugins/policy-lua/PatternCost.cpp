#include "PatternCost.h"

namespace postamt::policy_lua {

double patternCost(std::string_view pattern, std::size_t subjectLength) {
  const double n = static_cast<double>(subjectLength) + 1;
  double cost = n;  // every start position is tried
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '%') {
      if (i + 1 < pattern.size() && pattern[i + 1] == 'b') {
        cost *= n;  // %bxy scans for the balancing y
        i += 3;
      } else {
        ++i;  // an escaped character or a class like %d
      }
    } else if (c == '[') {
      // A set is one item; skip to its closing bracket (a ']' right after '[' or '[^' is literal).
      ++i;
      if (i < pattern.size() && pattern[i] == '^') ++i;
      if (i < pattern.size() && pattern[i] == ']') ++i;
      while (i < pattern.size() && pattern[i] != ']') i += pattern[i] == '%' ? 2 : 1;
    } else if (c == '*' || c == '+' || c == '-') {
      cost *= n;
    } else if (c == '?') {
      cost *= 2;
    }
  }
  return cost;
}

}  // namespace postamt::policy_lua
