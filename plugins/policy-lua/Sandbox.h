#pragma once

#include <cstddef>
#include <lua.hpp>

namespace postamt::policy_lua {

// The world a policy script sees (Redis's script_lua.c does the same): base
// without load, loadfile, dofile, require, collectgarbage, print and warn;
// string (without dump), table, math, utf8; and the `postamt` table the
// caller fills. Library tables are read-only views; setmetatable refuses
// __gc (finalizers run with hooks off, TOOLCHAIN pitfall 10); rawset refuses
// the read-only views. Must run in protected mode (it allocates).
class Sandbox {
 public:
  // Opens the libraries and leaves the `postamt` table on the stack for the
  // caller to fill before calling environment().
  static void open(lua_State* state, std::size_t memoryLimit);
  // Pops the `postamt` table, publishes it read-only, and pushes the
  // environment to load the script with: a proxy whose writes land in the
  // globals only until lock().
  static void environment(lua_State* state);
  // After the script's main chunk has run: every later write to a global is an error.
  static void lock(lua_State* state);
  // Pushes the real globals table (hooks are looked up there).
  static void pushGlobals(lua_State* state);
};

}  // namespace postamt::policy_lua
