#pragma once

#include <cstddef>
#include <lua.hpp>

namespace postamt::policy_lua {

// Wraps the library functions that can run long inside C, where the count
// hook never fires (TOOLCHAIN pitfall 11): string.rep, the pattern functions
// (find, match, gmatch, gsub) and the table functions that walk a range
// (insert, remove, move, concat, unpack, sort). Each wrapper charges its
// work to the call's Budget (a pattern function the CPU time its matcher
// took), and refuses outright what could not finish in time or memory: a
// string.rep result over `memoryLimit`, a pattern whose worst case
// (PatternCost.h) is too costly for its subject. Expects the string and
// table libraries open as globals.
void boundLibraries(lua_State* state, std::size_t memoryLimit);

}  // namespace postamt::policy_lua
