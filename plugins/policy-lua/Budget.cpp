#include "Budget.h"

#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

namespace postamt::policy_lua {
namespace {

// The hook runs every this many instructions; often enough to stop a loop
// within microseconds, rarely enough to cost nothing measurable.
constexpr int kHookEvery = 1000;

// Lua stops C recursion (a __tostring calling string.format on itself, a
// sort comparator sorting) only after 200 nested C calls, and at a kilobyte
// or more of C stack each that overflows a session thread's small stack: a
// crash of the whole server. Calls stop while this much stack is left, which
// is room for any one C function of Lua's and for raising the error.
constexpr std::size_t kStackHeadroom = 64 * 1024;

// The lowest address the calling thread may call down to; its stack grows
// downwards (every platform postamtd builds on). Once per thread: for the
// main thread glibc reads /proc to answer.
std::uintptr_t stackFloor() {
  thread_local const std::uintptr_t floor = [] {
    pthread_attr_t attributes;
    void* low = nullptr;
    std::size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return std::uintptr_t{0};
    pthread_attr_getstack(&attributes, &low, &size);
    pthread_attr_destroy(&attributes);
    return size > kStackHeadroom ? reinterpret_cast<std::uintptr_t>(low) + kStackHeadroom : std::uintptr_t{0};
  }();
  return floor;
}

// A call may take this many times its instructions' nominal time (kNanosecondsPerInstruction), whatever it was
// counted: work the count hook cannot see ends there, such as comparing two long strings (one instruction) in a
// loop. Generous, so that allocation and garbage collection never stop a script its count allows; and never less
// than kLeastTime, which a state's first call, its main chunk run among the libraries just opened, may take whatever
// its budget.
constexpr std::uint64_t kTimeSlack = 10;
constexpr std::uint64_t kLeastTime = 10'000'000;  // ns

// In doubles first: a limit near the largest integer setting would overflow.
std::uint64_t timeLimitFor(std::uint64_t instructionLimit) {
  const double nominal = static_cast<double>(instructionLimit) * kNanosecondsPerInstruction * kTimeSlack;
  return std::max(kLeastTime, static_cast<std::uint64_t>(std::fmin(nominal, 1e18)));
}

}  // namespace

Budget::Budget(std::size_t memoryLimit, std::uint64_t instructionLimit)
    : memoryLimit_(memoryLimit), instructionLimit_(instructionLimit), timeLimitNanoseconds_(timeLimitFor(instructionLimit)) {}

std::uint64_t threadCpuNanoseconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(now.tv_nsec);
}

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
  // Raised at the next call or count hook: an allocator must not raise. A string of a megabyte from s:upper() or
  // s .. s is one instruction to the count hook, but 65,536 here.
  if (newSize > old) budget.instructionsUsed_ += (newSize - old) / kBytesPerInstruction;
  return block;
}

void Budget::startCall(lua_State* state) {
  *static_cast<Budget**>(lua_getextraspace(state)) = this;
  instructionsUsed_ = 0;
  exhausted_ = false;
  cpuAtStart_ = threadCpuNanoseconds();
  wallAtStart_ = std::chrono::steady_clock::now();
  nextCpuCheck_ = wallAtStart_ + std::chrono::nanoseconds(timeLimitNanoseconds_);
  stackFloor_ = stackFloor();
  watch(state, kHookEvery);
}

void Budget::watch(lua_State* state, int countEvery) { lua_sethook(state, hook, LUA_MASKCOUNT | LUA_MASKCALL, countEvery); }

void Budget::charge(lua_State* state, std::uint64_t instructions) {
  Budget& budget = of(state);
  budget.instructionsUsed_ += instructions;
  if (budget.instructionsUsed_ > budget.instructionLimit_) budget.exhaust(state);
}

std::uint64_t Budget::charged(lua_State* state) { return of(state).instructionsUsed_; }

Budget& Budget::of(lua_State* state) { return **static_cast<Budget**>(lua_getextraspace(state)); }

void Budget::hook(lua_State* state, lua_Debug* debug) {
  Budget& budget = of(state);
  if (debug->event != LUA_HOOKCOUNT) {
    const auto here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
    if (here < budget.stackFloor_) luaL_error(state, "C stack overflow (nested too deeply)");
  } else if (!budget.exhausted_) {
    budget.instructionsUsed_ += kHookEvery;
  }
  if (budget.exhausted_ || budget.instructionsUsed_ > budget.instructionLimit_) budget.exhaust(state);
  // At every call too, not only every kHookEvery instructions: a loop of C calls, each one instruction to the count,
  // would otherwise run a thousand of them between two checks.
  if (budget.overTime()) budget.exhaust(state, Spent::Time);
}

// The thread's CPU clock is a system call, some 300 ns; the wall clock is not, and the CPU clock never runs faster:
// until the CPU time left could have been used up, there is no need to read it.
bool Budget::overTime() {
  const auto now = std::chrono::steady_clock::now();
  if (now < nextCpuCheck_) return false;
  const std::uint64_t used = threadCpuNanoseconds() - cpuAtStart_;
  if (used > timeLimitNanoseconds_) return true;
  nextCpuCheck_ = now + std::chrono::nanoseconds(timeLimitNanoseconds_ - used);
  return false;
}

// Like Redis's script timeout: once exhausted, the hook fires on every
// instruction and raises again, so a pcall in the script cannot swallow the
// stop and carry on.
void Budget::exhaust(lua_State* state, Spent spent) {
  if (!exhausted_) {
    exhausted_ = true;
    spent_ = spent;
    watch(state, 1);
  }
  if (spent_ == Spent::Time) {
    luaL_error(state, "instruction budget of %I exhausted: CPU time over %I ms", static_cast<lua_Integer>(instructionLimit_),
               static_cast<lua_Integer>(timeLimitNanoseconds_ / 1'000'000));
  }
  luaL_error(state, "instruction budget of %I exhausted", static_cast<lua_Integer>(instructionLimit_));
  std::abort();  // luaL_error does not return
}

}  // namespace postamt::policy_lua
