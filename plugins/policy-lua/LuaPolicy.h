#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <postamt/sdk/Host.hpp>
#include <postamt/sdk/Policy.hpp>
#include <postamt/sdk/Settings.hpp>
#include <vector>

#include "TenantState.h"

namespace postamt::policy_lua {

// Tenants' policies as Lua 5.4 scripts, each in its own sandbox (Sandbox.h)
// with a memory cap per state and an instruction budget per call:
//   policy.main.plugin = policy-lua
//   policy.main.memory_limit_kib = 4096
//   policy.main.instruction_limit = 1000000
// A lua_State serves one thread at a time, so each tenant has a set of
// loaded states and a call checks one out: at most one per thread calling
// at that moment, each script compiled once per state and reused until its
// version changes or a call fails (a failed state is dropped, never reused).
// A burst of calls leaves at most kMostIdlePerTenant states behind: each may
// hold up to the memory limit for as long as it is kept.
class LuaPolicy : public sdk::Policy {
 public:
  LuaPolicy(sdk::Host host, const sdk::Settings& settings);

  std::optional<sdk::PolicyValues> decide(const sdk::PolicyScript& script, const std::string& hook,
                                          const sdk::PolicyValues& arguments) override;

 private:
  std::unique_ptr<TenantState> checkOut(const sdk::PolicyScript& script);
  void checkIn(std::unique_ptr<TenantState> state, std::int64_t tenantId);

  static constexpr std::size_t kMostIdlePerTenant = 16;

  sdk::Host host_;
  Limits limits_;
  std::mutex mutex_;
  std::map<std::int64_t, std::vector<std::unique_ptr<TenantState>>> idle_;  // by tenant id
};

}  // namespace postamt::policy_lua
