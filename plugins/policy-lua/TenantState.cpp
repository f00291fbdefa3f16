#include "TenantState.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "Sandbox.h"

namespace postamt::policy_lua {
namespace {

// A decision is a few short fields; anything bigger is a script gone wrong.
constexpr int kMaxDecisionFields = 32;
constexpr std::size_t kMaxDecisionString = 1000;
// postamt.log: enough to debug a script, too little to flood the log.
constexpr int kMaxLogLinesPerCall = 10;
constexpr std::size_t kMaxLogLine = 300;

// Outside protected mode Lua would call this and then abort; everything here runs under lua_pcall instead.
int panic(lua_State* state) {
  (void)state;
  return 0;
}

int unixTime(lua_State* state) {
  lua_pushinteger(state, static_cast<lua_Integer>(std::time(nullptr)));
  return 1;
}

void pushValue(lua_State* state, const sdk::PolicyValue& value) {
  if (const bool* b = std::get_if<bool>(&value)) {
    lua_pushboolean(state, *b);
  } else if (const std::int64_t* i = std::get_if<std::int64_t>(&value)) {
    lua_pushinteger(state, static_cast<lua_Integer>(*i));
  } else {
    const std::string& s = std::get<std::string>(value);
    lua_pushlstring(state, s.data(), s.size());
  }
}

}  // namespace

struct TenantState::Invocation {
  TenantState* self;
  const sdk::PolicyScript* script = nullptr;  // load()
  const std::string* hook = nullptr;          // invoke()
  const sdk::PolicyValues* arguments = nullptr;
  bool found = false;
};

TenantState::TenantState(const sdk::Host& host, const Limits& limits, const sdk::PolicyScript& script)
    : host_(host),
      tenant_(script.tenant),
      version_(script.version),
      limits_(limits),
      budget_(limits.memoryBytes, limits.instructionsPerCall) {
  state_.reset(lua_newstate(Budget::allocate, &budget_));
  if (!state_) throw sdk::Error(POSTAMT_PERM_FAIL, "the memory limit is too small for a Lua state");
  lua_atpanic(lua(), panic);
  Invocation invocation{this};
  invocation.script = &script;
  budget_.startCall(lua());  // again before the main chunk; until then, for the hooks' sake
  lua_pushcfunction(lua(), load);
  lua_pushlightuserdata(lua(), &invocation);
  const int status = lua_pcall(lua(), 1, 0, 0);
  if (status != LUA_OK) fail(status, "loading the script");
}

// No finalizer can run in lua_close: setmetatable refuses __gc (TOOLCHAIN pitfall 10).
TenantState::~TenantState() = default;

int TenantState::load(lua_State* state) {
  auto& invocation = *static_cast<Invocation*>(lua_touserdata(state, 1));
  TenantState& self = *invocation.self;
  Sandbox::open(state, self.limits_.memoryBytes);
  lua_pushcfunction(state, unixTime);
  lua_setfield(state, -2, "time");
  lua_pushlightuserdata(state, &self);
  lua_pushcclosure(state, log, 1);
  lua_setfield(state, -2, "log");
  lua_pushlstring(state, self.tenant_.data(), self.tenant_.size());
  lua_setfield(state, -2, "tenant");
  Sandbox::environment(state);
  // Mode "t": text only. Bytecode is never verified by Lua and can crash the process.
  const std::string_view text = invocation.script->text;
  if (luaL_loadbufferx(state, text.data(), text.size(), "=policy", "t") != LUA_OK) return lua_error(state);
  lua_insert(state, -2);
  lua_setupvalue(state, -2, 1);   // the chunk's _ENV: the globals view
  self.budget_.startCall(state);  // the script's own work counts, not what opening the libraries allocated
  lua_call(state, 0, 0);
  Sandbox::lock(state);
  return 0;
}

int TenantState::log(lua_State* state) {
  TenantState& self = *static_cast<TenantState*>(lua_touserdata(state, lua_upvalueindex(1)));
  std::size_t length = 0;
  const char* text = luaL_checklstring(state, 1, &length);
  if (++self.logLines_ > kMaxLogLinesPerCall) return 0;
  std::string line(text, std::min(length, kMaxLogLine));
  for (char& c : line)
    if (c == '\r' || c == '\n') c = ' ';
  self.host_.log(POSTAMT_LOG_INFO, "policy", "tenant=" + self.tenant_ + " script: " + line);
  return 0;
}

int TenantState::invoke(lua_State* state) {
  auto& invocation = *static_cast<Invocation*>(lua_touserdata(state, 1));
  Sandbox::pushGlobals(state);
  lua_pushlstring(state, invocation.hook->data(), invocation.hook->size());
  const int type = lua_rawget(state, -2);
  if (type == LUA_TNIL) return 0;
  if (type != LUA_TFUNCTION)
    return luaL_error(state, "'%s' is a %s, not a function", invocation.hook->c_str(), lua_typename(state, type));
  invocation.found = true;
  lua_createtable(state, 0, static_cast<int>(invocation.arguments->size()));
  for (const auto& [name, value] : *invocation.arguments) {
    pushValue(state, value);
    lua_setfield(state, -2, name.c_str());
  }
  lua_call(state, 1, 1);
  return 1;
}

std::optional<sdk::PolicyValues> TenantState::call(const std::string& hook, const sdk::PolicyValues& arguments) {
  Invocation invocation{this};
  invocation.hook = &hook;
  invocation.arguments = &arguments;
  logLines_ = 0;
  budget_.startCall(lua());
  lua_settop(lua(), 0);
  lua_pushcfunction(lua(), invoke);
  lua_pushlightuserdata(lua(), &invocation);
  const int status = lua_pcall(lua(), 1, 1, 0);
  if (status != LUA_OK) fail(status, "hook '" + hook + "'");
  if (!invocation.found) return std::nullopt;
  sdk::PolicyValues values = decision(-1);
  lua_settop(lua(), 0);
  return values;
}

// Reads the returned value at `index` without calling anything that could
// raise: only type checks, lua_next over a table and strings that are strings.
sdk::PolicyValues TenantState::decision(int index) {
  sdk::PolicyValues values;
  const int type = lua_type(lua(), index);
  if (type == LUA_TNIL) return values;  // no opinion: the host's default
  if (type != LUA_TTABLE)
    throw sdk::Error(POSTAMT_PERM_FAIL, std::string("a hook must return a table or nil, not a ") + lua_typename(lua(), type));
  const int table = lua_absindex(lua(), index);
  lua_pushnil(lua());
  while (lua_next(lua(), table) != 0) {
    if (lua_type(lua(), -2) != LUA_TSTRING) {
      lua_settop(lua(), 0);
      throw sdk::Error(POSTAMT_PERM_FAIL, "a decision's keys must be names (a table with string keys)");
    }
    std::size_t length = 0;
    const char* key = lua_tolstring(lua(), -2, &length);
    const std::string name(key, length);
    if (static_cast<int>(values.size()) == kMaxDecisionFields) {
      lua_settop(lua(), 0);
      throw sdk::Error(POSTAMT_PERM_FAIL, "a decision has more than 32 fields");
    }
    switch (lua_type(lua(), -1)) {
      case LUA_TBOOLEAN:
        values[name] = lua_toboolean(lua(), -1) != 0;
        break;
      case LUA_TNUMBER: {
        lua_Integer integer = 0;
        if (lua_isinteger(lua(), -1)) {
          integer = lua_tointeger(lua(), -1);
        } else {
          const lua_Number number = lua_tonumber(lua(), -1);
          if (number != std::floor(number) || std::fabs(number) > 9.0e15) {
            lua_settop(lua(), 0);
            throw sdk::Error(POSTAMT_PERM_FAIL, "field '" + name + "' must be a whole number");
          }
          integer = static_cast<lua_Integer>(number);
        }
        values[name] = static_cast<std::int64_t>(integer);
        break;
      }
      case LUA_TSTRING: {
        const char* text = lua_tolstring(lua(), -1, &length);
        if (length > kMaxDecisionString) {
          lua_settop(lua(), 0);
          throw sdk::Error(POSTAMT_PERM_FAIL, "field '" + name + "' is longer than 1000 bytes");
        }
        values[name] = std::string(text, length);
        break;
      }
      default: {
        const std::string what = lua_typename(lua(), lua_type(lua(), -1));
        lua_settop(lua(), 0);
        throw sdk::Error(POSTAMT_PERM_FAIL,
                         "field '" + name + "' is a " + what + "; a decision holds strings, numbers and booleans");
      }
    }
    lua_pop(lua(), 1);
  }
  return values;
}

void TenantState::fail(int status, const std::string& during) {
  std::string reason;
  if (status == LUA_ERRMEM) {
    reason = "memory limit of " + std::to_string(limits_.memoryBytes / 1024) + " KiB exceeded";
  } else if (lua_type(lua(), -1) == LUA_TSTRING) {
    reason = lua_tostring(lua(), -1);
  } else {
    reason = "an error that is not a string";
  }
  lua_settop(lua(), 0);
  throw sdk::Error(POSTAMT_PERM_FAIL, during + ": " + reason);
}

}  // namespace postamt::policy_lua
