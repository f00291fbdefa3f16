#include "BoundedLibrary.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>

#include "Budget.h"
#include "PatternCost.h"

namespace postamt::policy_lua {
namespace {

// Worst-case matcher steps a pattern call may take: some 50 ms.
constexpr double kMaxPatternCost = 1e7;
// Below this many worst-case steps, some 50 us, a pattern call is not timed.
constexpr double kTimedPatternCost = 1e4;

// Calls the wrapped original (upvalue 1) with the wrapper's arguments.
int callOriginal(lua_State* state) {
  lua_pushvalue(state, lua_upvalueindex(1));
  lua_insert(state, 1);
  lua_call(state, lua_gettop(state) - 1, LUA_MULTRET);
  return lua_gettop(state);
}

void chargeBytes(lua_State* state, double bytes) {
  Budget::charge(state, static_cast<std::uint64_t>(bytes / kBytesPerInstruction) + 1);
}

// Calls the original and charges the CPU time it took. A pattern's estimate only bounds one call: the matcher's
// steps are invisible to the count hook, so a loop of calls, each within the estimate, ran a thousand times the
// budget. Lua that the call runs (gsub's replacement function) is counted by the hook already and not charged twice.
// A call that raises is not charged: a loop of those is held by the CPU limit (Budget).
int callCharged(lua_State* state) {
  const std::uint64_t chargedBefore = Budget::charged(state);
  const std::uint64_t began = threadCpuNanoseconds();
  const int results = callOriginal(state);
  const std::uint64_t took = (threadCpuNanoseconds() - began) / kNanosecondsPerInstruction;
  const std::uint64_t counted = Budget::charged(state) - chargedBefore;
  if (took > counted) Budget::charge(state, took - counted);
  return results;
}

// string.rep(s, n [, sep]): with empty strings it loops n times producing
// nothing, so even a zero-length result is bounded here.
int boundedRep(lua_State* state) {
  std::size_t length = 0;
  std::size_t separator = 0;
  luaL_checklstring(state, 1, &length);
  const lua_Integer count = luaL_checkinteger(state, 2);
  luaL_optlstring(state, 3, "", &separator);
  const double total = count <= 0 ? 0 : static_cast<double>(count) * static_cast<double>(length + separator);
  if (total == 0) {
    lua_pushliteral(state, "");
    return 1;
  }
  if (total > static_cast<double>(lua_tointeger(state, lua_upvalueindex(2)))) {
    return luaL_error(state, "string.rep: a result of %f bytes is over this policy's memory limit", total);
  }
  return callOriginal(state);  // its result is charged as it is allocated (Budget)
}

// The pattern functions: upvalue 2 says which.
enum class Matcher { MatchOrGsub, Find, Gmatch };

// string.find/match/gmatch/gsub(s, pattern, ...).
int boundedPattern(lua_State* state) {
  const auto matcher = static_cast<Matcher>(lua_tointeger(state, lua_upvalueindex(2)));
  std::size_t subject = 0;
  std::size_t length = 0;
  luaL_checklstring(state, 1, &subject);
  const char* pattern = luaL_checklstring(state, 2, &length);
  const bool plain = matcher == Matcher::Find && lua_toboolean(state, 4);  // find's fourth argument: a plain search
  // A plain search compares the pattern at every position.
  double cost = static_cast<double>(subject + 1) * static_cast<double>(length + 1);
  if (!plain) cost = std::fmax(cost, patternCost({pattern, length}, subject));
  if (cost > kMaxPatternCost) {
    return luaL_error(state,
                      "pattern '%s' may take too long on a subject of %I bytes; shorten the subject or use fewer repetitions",
                      pattern, static_cast<lua_Integer>(subject));
  }
  chargeBytes(state, static_cast<double>(subject));
  // Reading the clock costs more than a cheap match: those are charged by their subject alone.
  if (cost < kTimedPatternCost) return callOriginal(state);
  if (matcher != Matcher::Gmatch) return callCharged(state);
  // gmatch only makes the iterator; the matching happens in each call of it.
  const int results = callOriginal(state);
  lua_pushcclosure(state, callCharged, 1);
  return results;
}

// The table functions: upvalue 2 says which arguments bound the range walked.
enum class Walk { Insert, Remove, Move, Concat, Unpack, Sort };

// In doubles: a script may pass ranges whose width overflows an integer.
double span(lua_Integer first, lua_Integer last) { return static_cast<double>(last) - static_cast<double>(first) + 1; }

// table.sort compares strings by their bytes: each comparison costs as much as its strings are long. The longest
// string of the n to sort, without a comparator; with one, the hook counts its Lua, and the CPU limit its string
// comparisons.
double longestString(lua_State* state, lua_Integer n) {
  if (!lua_isnoneornil(state, 2) || lua_type(state, 1) != LUA_TTABLE) return 0;
  std::size_t longest = 0;
  for (lua_Integer i = 1; i <= n; ++i) {
    if (lua_rawgeti(state, 1, i) == LUA_TSTRING) longest = std::max<std::size_t>(longest, lua_rawlen(state, -1));
    lua_pop(state, 1);
  }
  return static_cast<double>(longest);
}

double elementsWalked(lua_State* state, Walk walk) {
  // The length the original walks to: luaL_len, which a __len metamethod answers (a table of length 0 to rawlen).
  const auto length = [&]() -> lua_Integer { return lua_type(state, 1) == LUA_TTABLE ? luaL_len(state, 1) : 0; };
  switch (walk) {
    case Walk::Insert:  // insert(t, [pos,] v) and remove(t [, pos]) shift pos to #t by one; at the end, nothing
    case Walk::Remove: {
      const bool atPosition = lua_gettop(state) >= (walk == Walk::Insert ? 3 : 2);
      return atPosition ? span(luaL_checkinteger(state, 2), length()) : 1;
    }
    case Walk::Move:  // move(a1, f, e, t [, a2])
      return span(luaL_optinteger(state, 2, 1), luaL_optinteger(state, 3, 0));
    case Walk::Concat:  // concat(t, sep, i, j): i to j, by default 1 to #t
      return span(luaL_optinteger(state, 3, 1), luaL_optinteger(state, 4, length()));
    case Walk::Unpack:  // unpack(t, i, j)
      return span(luaL_optinteger(state, 2, 1), luaL_optinteger(state, 3, length()));
    case Walk::Sort: {
      const lua_Integer n = length();
      const double comparisons = static_cast<double>(n) * std::log2(static_cast<double>(n) + 2);
      // Charged before the strings are looked at: a length from __len may be over any budget by itself.
      Budget::charge(state, static_cast<std::uint64_t>(std::fmin(comparisons, 1e18)));
      return n > 0 ? comparisons * longestString(state, n) / kBytesPerInstruction : 0;
    }
  }
  return 0;
}

int boundedWalk(lua_State* state) {
  const double elements = elementsWalked(state, static_cast<Walk>(lua_tointeger(state, lua_upvalueindex(2))));
  if (elements > 0) Budget::charge(state, static_cast<std::uint64_t>(std::fmin(elements, 1e18)));
  return callOriginal(state);
}

// Replaces library.name with `wrapper`, which gets the original and `extra` as upvalues.
void wrap(lua_State* state, const char* library, const char* name, lua_CFunction wrapper, lua_Integer extra) {
  lua_getglobal(state, library);
  lua_getfield(state, -1, name);
  lua_pushinteger(state, extra);
  lua_pushcclosure(state, wrapper, 2);
  lua_setfield(state, -2, name);
  lua_pop(state, 1);
}

}  // namespace

void boundLibraries(lua_State* state, std::size_t memoryLimit) {
  wrap(state, LUA_STRLIBNAME, "rep", boundedRep, static_cast<lua_Integer>(memoryLimit));
  wrap(state, LUA_STRLIBNAME, "find", boundedPattern, static_cast<lua_Integer>(Matcher::Find));
  wrap(state, LUA_STRLIBNAME, "gmatch", boundedPattern, static_cast<lua_Integer>(Matcher::Gmatch));
  for (const char* name : {"match", "gsub"})
    wrap(state, LUA_STRLIBNAME, name, boundedPattern, static_cast<lua_Integer>(Matcher::MatchOrGsub));
  wrap(state, LUA_TABLIBNAME, "insert", boundedWalk, static_cast<lua_Integer>(Walk::Insert));
  wrap(state, LUA_TABLIBNAME, "remove", boundedWalk, static_cast<lua_Integer>(Walk::Remove));
  wrap(state, LUA_TABLIBNAME, "move", boundedWalk, static_cast<lua_Integer>(Walk::Move));
  wrap(state, LUA_TABLIBNAME, "concat", boundedWalk, static_cast<lua_Integer>(Walk::Concat));
  wrap(state, LUA_TABLIBNAME, "unpack", boundedWalk, static_cast<lua_Integer>(Walk::Unpack));
  wrap(state, LUA_TABLIBNAME, "sort", boundedWalk, static_cast<lua_Integer>(Walk::Sort));
}

}  // namespace postamt::policy_lua
