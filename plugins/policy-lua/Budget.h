#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <lua.hpp>

namespace postamt::policy_lua {

// C work that costs about as much as one Lua instruction.
inline constexpr std::size_t kBytesPerInstruction = 16;
// About how long one Lua instruction takes (the default limit of a million is some 5 ms).
inline constexpr std::uint64_t kNanosecondsPerInstruction = 5;

// The CPU time the calling thread has used: what a call took, however busy the machine is.
std::uint64_t threadCpuNanoseconds();

// What one lua_State may spend: memory for its whole life (a custom lua_Alloc
// refuses growth past the cap), instructions per call (a count hook), about
// ten times their nominal time in CPU (checked with the hooks), and the
// calling thread's C stack (a call hook). C functions and the VM's own
// concatenation are invisible to the count hook (TOOLCHAIN pitfall 11): what
// they allocate is charged as the work it took to fill, and the wrappers of
// BoundedLibrary charge what they read.
class Budget {
 public:
  Budget(std::size_t memoryLimit, std::uint64_t instructionLimit);

  // The lua_Alloc of the state; `ud` is the Budget.
  static void* allocate(void* ud, void* ptr, std::size_t oldSize, std::size_t newSize) noexcept;

  // Ties the budget to `state` (its extra space) and starts counting a new call.
  void startCall(lua_State* state);
  // Adds work done in C; raises a Lua error once the call is over budget.
  static void charge(lua_State* state, std::uint64_t instructions);
  // What this call has been charged so far, by the count hook, allocations and charge().
  static std::uint64_t charged(lua_State* state);

  std::size_t memoryLimit() const { return memoryLimit_; }
  std::size_t memoryUsed() const { return memoryUsed_; }
  bool exhausted() const { return exhausted_; }

 private:
  static Budget& of(lua_State* state);
  static void hook(lua_State* state, lua_Debug* debug);
  static void watch(lua_State* state, int countEvery);
  bool overTime();
  enum class Spent { Instructions, Time };
  [[noreturn]] void exhaust(lua_State* state, Spent spent = Spent::Instructions);

  std::size_t memoryLimit_;
  std::size_t memoryUsed_ = 0;
  std::uint64_t instructionLimit_;
  std::uint64_t timeLimitNanoseconds_;  // CPU per call
  std::uint64_t instructionsUsed_ = 0;
  bool exhausted_ = false;
  Spent spent_ = Spent::Instructions;  // what ran out, once exhausted_
  std::uint64_t cpuAtStart_ = 0;       // threadCpuNanoseconds() when the call began
  std::chrono::steady_clock::time_point wallAtStart_;
  std::chrono::steady_clock::time_point nextCpuCheck_;  // the CPU clock cannot reach the limit before this
  std::uintptr_t stackFloor_ = 0;                       // below this the calling thread's stack is too short to call on
};

}  // namespace postamt::policy_lua
