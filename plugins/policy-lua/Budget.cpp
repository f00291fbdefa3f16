#include "Budget.h"

#include <cstdlib>

namespace postamt::policy_lua {
namespace {

// The hook runs every this many instructions; often enough to stop a loop
// within microseconds, rarely enough to cost nothing measurable.
constexpr int kHookEvery = 1000;

}  // namespace

void* Budget::allocate(void* ud, void* ptr, std::size_t oldSize, std::size_t newSize) noexcept {
  auto& budget = *static_cast<Budget*>(ud);
  const std::size_t old = ptr != nullptr ? oldSize : 0;  // for a new block oldSize is a type tag, not a size
  if (newSize == 0) {
    std::free(ptr);
    budget.memoryUsed_ -= old;
    return nullptr;
  }
  // Only growth is refused: Lua assumes a shrink always succeeds.
  if (newSize > old && budget.memoryUsed_ - old + newSize > budget.memoryLimit_) return nullptr;
  void* block = std::realloc(ptr, newSize);
  if (block == nullptr) return nullptr;
  budget.memoryUsed_ = budget.memoryUsed_ - old + newSize;
  return block;
}

void Budget::startCall(lua_State* state) {
  *static_cast<Budget**>(lua_getextraspace(state)) = this;
  instructionsUsed_ = 0;
  exhausted_ = false;
  lua_sethook(state, countHook, LUA_MASKCOUNT, kHookEvery);
}

void Budget::charge(lua_State* state, std::uint64_t instructions) {
  Budget& budget = of(state);
  budget.instructionsUsed_ += instructions;
  if (budget.instructionsUsed_ > budget.instructionLimit_) budget.exhaust(state);
}

Budget& Budget::of(lua_State* state) { return **static_cast<Budget**>(lua_getextraspace(state)); }

void Budget::countHook(lua_State* state, lua_Debug*) {
  Budget& budget = of(state);
  budget.instructionsUsed_ += budget.exhausted_ ? 1 : kHookEvery;
  if (budget.instructionsUsed_ > budget.instructionLimit_) budget.exhaust(state);
}

// Like Redis's script timeout: once exhausted, the hook fires on every
// instruction and raises again, so a pcall in the script cannot swallow the
// stop and carry on.
void Budget::exhaust(lua_State* state) {
  if (!exhausted_) {
    exhausted_ = true;
    lua_sethook(state, countHook, LUA_MASKCOUNT, 1);
  }
  luaL_error(state, "instruction budget of %I exhausted", static_cast<lua_Integer>(instructionLimit_));
  std::abort();  // luaL_error does not return
}

}  // namespace postamt::policy_lua
