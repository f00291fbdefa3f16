#include "LuaPolicy.h"

#include <algorithm>
#include <postamt/sdk/Plugin.hpp>

namespace postamt::policy_lua {
namespace {

Limits limitsFrom(const sdk::Settings& settings) {
  const std::int64_t memoryKib = settings.getInt("memory_limit_kib", 4096);
  const std::int64_t instructions = settings.getInt("instruction_limit", 1000000);
  // A fresh sandboxed state takes some 20 KiB; less could not even load a script.
  if (memoryKib < 64) throw sdk::Error(POSTAMT_PERM_FAIL, "setting 'memory_limit_kib' must be at least 64");
  if (instructions < 1000) throw sdk::Error(POSTAMT_PERM_FAIL, "setting 'instruction_limit' must be at least 1000");
  return {static_cast<std::size_t>(memoryKib) * 1024, static_cast<std::uint64_t>(instructions)};
}

}  // namespace

LuaPolicy::LuaPolicy(sdk::Host host, const sdk::Settings& settings) : host_(host), limits_(limitsFrom(settings)) {}

std::optional<sdk::PolicyValues> LuaPolicy::decide(const sdk::PolicyScript& script, const std::string& hook,
                                                   const sdk::PolicyValues& arguments) {
  std::unique_ptr<TenantState> state = checkOut(script);
  auto decision = state->call(hook, arguments);  // a throw drops the state with its half-done call
  checkIn(std::move(state), script.tenantId);
  return decision;
}

std::unique_ptr<TenantState> LuaPolicy::checkOut(const sdk::PolicyScript& script) {
  std::unique_ptr<TenantState> state;
  std::vector<std::unique_ptr<TenantState>> stale;  // closed outside the lock
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& idle = idle_[script.tenantId];
    for (auto& candidate : idle) {
      if (candidate->version() != script.version) stale.push_back(std::move(candidate));
    }
    idle.erase(std::remove(idle.begin(), idle.end(), nullptr), idle.end());
    if (!idle.empty()) {
      state = std::move(idle.back());
      idle.pop_back();
    }
  }
  if (!state) state = std::make_unique<TenantState>(host_, limits_, script);
  return state;
}

void LuaPolicy::checkIn(std::unique_ptr<TenantState> state, std::int64_t tenantId) {
  std::unique_ptr<TenantState> surplus;  // closed outside the lock
  std::lock_guard<std::mutex> lock(mutex_);
  auto& idle = idle_[tenantId];
  idle.push_back(std::move(state));
  // Calls take the most recently used state, so the front is the one least needed since the last burst.
  if (idle.size() > kMostIdlePerTenant) {
    surplus = std::move(idle.front());
    idle.erase(idle.begin());
  }
}

}  // namespace postamt::policy_lua

POSTAMT_PLUGIN("policy-lua", POSTAMT_PLUGIN_VERSION, nullptr, nullptr, postamt::sdk::policyApi<postamt::policy_lua::LuaPolicy>())
