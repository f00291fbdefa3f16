#pragma once

#include <cstdint>
#include <lua.hpp>
#include <memory>
#include <optional>
#include <postamt/sdk/Host.hpp>
#include <postamt/sdk/Policy.hpp>
#include <string>

#include "Budget.h"

namespace postamt::policy_lua {

struct Limits {
  std::size_t memoryBytes;  // per state, for its whole life
  std::uint64_t instructionsPerCall;
};

// One tenant's script, compiled and loaded into its own sandboxed lua_State.
// A lua_State is not thread-safe: one thread at a time uses a TenantState.
class TenantState {
 public:
  // Compiles the script (text only, never bytecode) and runs its main chunk
  // within the limits; throws sdk::Error(POSTAMT_PERM_FAIL) with the reason.
  TenantState(const sdk::Host& host, const Limits& limits, const sdk::PolicyScript& script);
  ~TenantState();
  TenantState(const TenantState&) = delete;
  TenantState& operator=(const TenantState&) = delete;

  std::int64_t version() const { return version_; }

  // Calls the global function named `hook` with a table of `arguments`; none
  // when the script defines no such hook. Throws sdk::Error(POSTAMT_PERM_FAIL)
  // when the call fails; the state should then be dropped.
  std::optional<sdk::PolicyValues> call(const std::string& hook, const sdk::PolicyValues& arguments);

 private:
  struct Invocation;
  static int load(lua_State* state);
  static int invoke(lua_State* state);
  static int log(lua_State* state);
  [[noreturn]] void fail(int status, const std::string& during);
  sdk::PolicyValues decision(int index);
  lua_State* lua() const { return state_.get(); }

  const sdk::Host& host_;
  std::string tenant_;
  std::int64_t version_;
  Limits limits_;
  Budget budget_;
  int logLines_ = 0;  // this call's postamt.log lines
  // Declared after budget_, whose allocator it calls until lua_close.
  std::unique_ptr<lua_State, decltype(&lua_close)> state_{nullptr, &lua_close};
};

}  // namespace postamt::policy_lua
