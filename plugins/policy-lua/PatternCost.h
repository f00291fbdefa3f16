#pragma once

#include <cstddef>
#include <string_view>

namespace postamt::policy_lua {

// About how many steps Lua's matcher may take for `pattern` over a subject
// of `subjectLength` bytes in the worst case. The matcher backtracks, so
// every item that repeats (*, +, -, %b; Lua manual 6.4.1) multiplies the
// work by the subject length, and `?` by two: string.find(('a'):rep(300),
// '.-.-.-b') ran 2.6 s, and the count hook never fires inside it
// (TOOLCHAIN pitfall 11). Patterns are tiny, so this is cheap to compute.
double patternCost(std::string_view pattern, std::size_t subjectLength);

}  // namespace postamt::policy_lua
