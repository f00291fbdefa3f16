// policy-lua, black-box through the C ABI as postamtd uses it: the sandbox
// (one test per escape attempt), the budgets, and what a script may return.
#include <gtest/gtest.h>
#include <pthread.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <lua.hpp>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "../PluginTesting.h"
#include "plugin/HostApi.h"

namespace postamt::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct Outcome {
  postamt_status status = POSTAMT_PERM_FAIL;
  std::string error;
  std::map<std::string, std::string> values;  // every value as text
};

class LuaPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const postamt_plugin& plugin = loadPlugin("policy-lua");
    ASSERT_GE(plugin.size, offsetof(postamt_plugin, policy) + sizeof plugin.policy);
    ASSERT_NE(plugin.policy, nullptr);
    api_ = plugin.policy;
    // Small limits keep the bombs quick: 1 MiB, 200k instructions.
    open({{"memory_limit_kib", "1024"}, {"instruction_limit", "200000"}});
  }

  // Replaces the instance with one of these settings.
  void open(SettingList settings) {
    if (instance_ != nullptr) api_->destroy(instance_);
    char text[256] = "";
    postamt_error error{text, sizeof text};
    instance_ = api_->create(&plugin::hostApi(), settings.get(), &error);
    ASSERT_NE(instance_, nullptr) << text;
  }

  void TearDown() override { api_->destroy(instance_); }

  Outcome decide(const std::string& script, const std::string& hook = "login",
                 std::map<std::string, std::string> arguments = {{"user", "alice@demo.test"}}, std::int64_t tenant = 1,
                 std::int64_t version = 0) {
    // Each script a test passes is a new version unless the test says otherwise.
    const postamt_policy_script view{tenant, "demo", version != 0 ? version : ++lastVersion_, script.data(), script.size()};
    std::vector<postamt_value> items;
    for (const auto& [name, value] : arguments) items.push_back({name.c_str(), POSTAMT_VALUE_STRING, 0, value.c_str()});
    const postamt_values args{items.data(), items.size()};
    Outcome outcome;
    char text[512] = "";
    postamt_error error{text, sizeof text};
    outcome.status = api_->decide(
        instance_, &view, hook.c_str(), &args,
        [](void* context, const postamt_value* value) noexcept {
          auto& values = *static_cast<std::map<std::string, std::string>*>(context);
          values[value->name] = value->kind == POSTAMT_VALUE_STRING    ? value->string
                                : value->kind == POSTAMT_VALUE_BOOLEAN ? (value->integer ? "true" : "false")
                                                                       : std::to_string(value->integer);
        },
        &outcome.values, &error);
    outcome.error = text;
    return outcome;
  }

  // A script that must run, and the text it decides.
  void expectText(const std::string& script, const std::string& text) {
    const Outcome outcome = decide(script);
    ASSERT_EQ(outcome.status, POSTAMT_OK) << outcome.error;
    EXPECT_EQ(outcome.values.at("text"), text) << script;
  }

  // The failure of a script that must be stopped, and how long stopping took.
  Outcome expectStopped(const std::string& script, const std::string& because) {
    const auto started = Clock::now();
    Outcome outcome = decide(script);
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(2)) << script;
    EXPECT_EQ(outcome.status, POSTAMT_PERM_FAIL) << script;
    EXPECT_NE(outcome.error.find(because), std::string::npos) << outcome.error;
    // The next call of the same tenant is served as if nothing had happened.
    const Outcome after = decide("function login(a) return {text = a.user} end", "login", {{"user", "x"}});
    EXPECT_EQ(after.status, POSTAMT_OK) << after.error;
    return outcome;
  }

  const postamt_policy_api* api_ = nullptr;
  void* instance_ = nullptr;
  std::int64_t lastVersion_ = 100;
};

TEST_F(LuaPolicyTest, TheHookDecidesFromItsArguments) {
  const auto outcome = decide("function login(a) return {refuse = 'AUTH', text = 'no ' .. a.user, delay = 5, tls = false} end");
  ASSERT_EQ(outcome.status, POSTAMT_OK) << outcome.error;
  EXPECT_EQ(outcome.values, (std::map<std::string, std::string>{
                                {"delay", "5"}, {"refuse", "AUTH"}, {"text", "no alice@demo.test"}, {"tls", "false"}}));
}

TEST_F(LuaPolicyTest, ThePostamtTableOffersTimeLogAndTheTenant) {
  const auto before = std::time(nullptr);
  const auto outcome =
      decide("function login() postamt.log('checked\\nonce') return {now = postamt.time(), tenant = postamt.tenant} end");
  ASSERT_EQ(outcome.status, POSTAMT_OK) << outcome.error;
  EXPECT_GE(std::stoll(outcome.values.at("now")), before);
  EXPECT_LE(std::stoll(outcome.values.at("now")), std::time(nullptr));
  EXPECT_EQ(outcome.values.at("tenant"), "demo");
  expectStopped("function login() postamt.time = nil return {} end", "read-only");
}

TEST_F(LuaPolicyTest, AHookTheScriptDoesNotDefineIsNotFound) {
  EXPECT_EQ(decide("function quota() return {} end", "login").status, POSTAMT_NOT_FOUND);
}

TEST_F(LuaPolicyTest, NilIsAnEmptyDecision) {
  const auto outcome = decide("function login() return nil end");
  EXPECT_EQ(outcome.status, POSTAMT_OK);
  EXPECT_TRUE(outcome.values.empty());
}

TEST_F(LuaPolicyTest, ACompileErrorNamesItsLine) {
  const auto outcome = decide("function login()\n  return {x = }\nend");
  EXPECT_EQ(outcome.status, POSTAMT_PERM_FAIL);
  EXPECT_NE(outcome.error.find("policy:2:"), std::string::npos) << outcome.error;
}

TEST_F(LuaPolicyTest, OsExecuteIsNotThere) {
  expectStopped("function login() os.execute('touch /tmp/postamt-escaped') return {} end", "os");
}

TEST_F(LuaPolicyTest, IoOpenIsNotThere) {
  expectStopped("function login() return {text = io.open('/etc/passwd'):read()} end", "io");
}

TEST_F(LuaPolicyTest, LoadIsNotThere) {
  expectStopped("function login() return load('return {}')() end", "load");
  expectStopped("function login() return string.dump(login) end", "dump");
}

// Lua does not verify bytecode; loading it is how sandboxes are broken.
TEST_F(LuaPolicyTest, BytecodeIsRefused) {
  lua_State* compiler = luaL_newstate();
  ASSERT_EQ(luaL_loadstring(compiler, "function login() return {} end"), LUA_OK);
  std::string bytecode;
  lua_dump(
      compiler,
      [](lua_State*, const void* p, size_t size, void* out) {
        static_cast<std::string*>(out)->append(static_cast<const char*>(p), size);
        return 0;
      },
      &bytecode, 0);
  lua_close(compiler);
  ASSERT_EQ(bytecode.substr(0, 4), "\x1bLua");
  const auto outcome = decide(bytecode);
  EXPECT_EQ(outcome.status, POSTAMT_PERM_FAIL);
  EXPECT_NE(outcome.error.find("binary chunk"), std::string::npos) << outcome.error;
}

TEST_F(LuaPolicyTest, StringRepMemoryBombIsStopped) {
  expectStopped("function login() return {text = string.rep('x', 1 << 30)} end", "memory limit");
  expectStopped("function login() local s = ('x'):rep(1000) while true do s = s .. s end end", "memory limit");
  expectStopped("function login() local t = {} for i = 1, 1e9 do t[i] = i end end", "");
}

// With empty strings string.rep would loop count times in C producing nothing.
TEST_F(LuaPolicyTest, StringRepOfNothingReturnsAtOnce) {
  const auto started = Clock::now();
  const auto outcome = decide("function login() return {text = string.rep('', 1 << 50, '')} end");
  EXPECT_EQ(outcome.status, POSTAMT_OK) << outcome.error;
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(1));
}

TEST_F(LuaPolicyTest, AnEndlessLoopIsStopped) { expectStopped("function login() while true do end end", "instruction budget"); }

TEST_F(LuaPolicyTest, AnEndlessLoopInTheMainChunkIsStopped) { expectStopped("while true do end", "instruction budget"); }

// Redis's lesson: once the budget is spent, every further instruction raises again, so pcall cannot swallow the stop.
TEST_F(LuaPolicyTest, PcallAroundAnEndlessLoopDoesNotSwallowTheStop) {
  expectStopped("function login() pcall(function() while true do end end) return {text = 'escaped'} end", "instruction budget");
  expectStopped("function login() while true do pcall(function() while true do end end) end end", "instruction budget");
}

TEST_F(LuaPolicyTest, SetmetatableOnTheGlobalsIsRefused) {
  expectStopped("setmetatable(_G, {__index = function() return 1 end})", "protected metatable");
  expectStopped("function login() setmetatable(_G, nil) end", "protected metatable");
}

TEST_F(LuaPolicyTest, GlobalsAreLockedAfterLoad) {
  EXPECT_EQ(decide("limit = 5\nfunction login() return {n = limit} end").values.at("n"), "5");
  expectStopped("function login() counter = 1 return {} end", "globals are locked");
  expectStopped("function login() login = nil return {} end", "globals are locked");
  expectStopped("function login() rawset(_G, 'x', 1) return {} end", "read-only");
}

TEST_F(LuaPolicyTest, LibraryTablesAreReadOnly) {
  expectStopped("function login() string.rep = nil return {} end", "read-only");
  expectStopped("function login() rawset(string, 'rep', nil) return {} end", "read-only");
  expectStopped("function login() getmetatable('').__index = {} return {} end", "attempt to index");
}

// Finalizers run with hooks off (TOOLCHAIN pitfall 10): one that loops would hang the call and lua_close.
TEST_F(LuaPolicyTest, GcMetamethodsAreRefused) {
  expectStopped("function login() setmetatable({}, {__gc = function() while true do end end}) return {} end", "__gc");
}

// Weak tables are traversed by the collector, where no hook counts: chains of weak keys made its last step take
// seconds of every call. Neither they nor finalizers can be had by adding the field later, or by rawset.
TEST_F(LuaPolicyTest, WeakTablesAreRefusedNowAndLater) {
  expectStopped("function login() setmetatable({}, {__mode = 'k'}) return {} end", "__mode");
  expectStopped("function login() local mt = {} setmetatable({}, mt) mt.__mode = 'k' return {} end", "__mode");
  expectStopped("function login() local mt = {} setmetatable({}, mt) rawset(mt, '__mode', 'k') return {} end", "__mode");
  expectStopped("function login() local mt = {} setmetatable({}, mt) mt.__gc = function() end return {} end", "__gc");
  expectStopped("function login() setmetatable({}, setmetatable({}, {__index = {}})) return {} end", "metatable of its own");
  expectStopped("function login() local c = {} setmetatable(c, c) return {} end", "its own metatable");
  // A setmetatable that Lua refuses leaves the would-be metatable as it was.
  expectText("function login() local mt = {} pcall(setmetatable, 'x', mt) return {text = tostring(getmetatable(mt))} end", "nil");
  // Metatables as policies use them go on working, the same one for many tables, and fields added later.
  expectText(
      "local Counter = {} Counter.__index = Counter\n"
      "function Counter.next(c) c.n = c.n + 1 return c.n end\n"
      "function login() local a, b = setmetatable({n = 0}, Counter), setmetatable({n = 5}, Counter) "
      "Counter.step = 2 return {text = a:next() .. ' ' .. b:next() .. ' ' .. Counter.step} end",
      "1 6 2");
}

// A C function may count on only 20 free stack slots; the sandbox's xpcall copied every argument it was given past
// the end of Lua's stack, which crashed the server.
TEST_F(LuaPolicyTest, XpcallTakesAsManyArgumentsAsLuaDoes) {
  open({{"memory_limit_kib", "4096"}, {"instruction_limit", "1000000"}});
  expectText(
      "local t = {} for i = 1, 20000 do t[i] = i end\n"
      "function login() local a, b = table.unpack(t, 1, 10040) "
      "local ok, n = xpcall(function(...) return select('#', ...) end, tostring, table.unpack(t, 1, 10000)) "
      "return {text = tostring(ok) .. ' ' .. n} end",
      "true 10000");
}

// The table functions walk to the length __len answers, not to the raw length; with a huge one, table.insert looped
// for ever in C without allocating.
// Appending and taking the last element shift nothing: a list built by table.insert(t, v) costs what its loop does.
TEST_F(LuaPolicyTest, AppendingToAListCostsNoWalk) {
  expectText(
      "function login() local t = {} for i = 1, 5000 do table.insert(t, i) end "
      "for i = 1, 4999 do table.remove(t) end return {text = tostring(#t)} end",
      "1");
}

TEST_F(LuaPolicyTest, TableWalksAreChargedTheLengthLenAnswers) {
  for (const std::string call : {"table.insert(t, 1, 'x')", "table.remove(t, 1)"}) {
    expectStopped("function login() local t = setmetatable({}, {__len = function() return math.maxinteger - 1 end}) " + call +
                      " return {} end",
                  "instruction budget");
  }
}

// Sorting strings compares their bytes: a thousand references to one long string took seconds in one C call.
TEST_F(LuaPolicyTest, SortingLongStringsIsChargedByTheirLength) {
  expectStopped("local s = ('a'):rep(100000)\nfunction login() local t = {} for i = 1, 1000 do t[i] = s end table.sort(t) end",
                "instruction budget");
  expectText("function login() local t = {'b', 'c', 'a'} table.sort(t) return {text = table.concat(t)} end", "abc");
}

// Running out of memory inside a timed pattern call is the memory limit, as anywhere else.
TEST_F(LuaPolicyTest, RunningOutOfMemoryInAPatternCallIsTheMemoryLimit) {
  open({{"memory_limit_kib", "1024"}, {"instruction_limit", "100000000"}});  // memory runs out first, however fast
  expectStopped("function login() local s = ('a'):rep(100000):gsub('a', ('b'):rep(20)) return {} end",
                "memory limit of 1024 KiB exceeded");
}

// utf8.len is one call to the count hook, however long its string: a loop of them ran a thousand calls between two
// counts. The time is checked at every call.
TEST_F(LuaPolicyTest, ALoopOfLinearCCallsIsStoppedByTime) {
  open({{"memory_limit_kib", "4096"}, {"instruction_limit", "1000000"}});  // 50 ms
  const auto started = Clock::now();
  expectStopped("local s = ('a'):rep(1500000)\nfunction login() for i = 1, 1000000 do local _ = utf8.len(s) end end",
                "instruction budget");
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(250));
}

// The count hook never fires inside C (TOOLCHAIN pitfall 11).
TEST_F(LuaPolicyTest, ABacktrackingPatternIsRefused) {
  expectStopped("function login() return {n = string.find(('a'):rep(300), '.-.-.-b')} end", "may take too long");
  expectStopped("function login() return {n = (('a'):rep(300)):match('.-.-.-b')} end", "may take too long");
}

// Each call is within what one pattern call may cost, some milliseconds, but the count hook sees only the loop around
// it: unless what the matcher took is charged, a loop of them runs a thousand times the budget (seconds here).
TEST_F(LuaPolicyTest, ALoopOfSlowPatternsIsChargedWhatTheMatcherTook) {
  for (const std::string call :
       {"s:find('.-.-b')", "s:match('.-.-b')", "s:gsub('.-.-b', '')", "s:gsub('.-.-b', function() end)", "s:gmatch('.-.-b')()"}) {
    expectStopped("local s = ('a'):rep(200)\nfunction login() for i = 1, 200 do local _ = " + call + " end return {} end",
                  "instruction budget");
  }
  // Patterns as policies use them, and gsub's replacement function, cost what they always did.
  expectText(
      "function login(a) local n = 0 for i = 1, 1000 do n = n + #a.user:match('@(.+)$') end "
      "return {text = a.user:gsub('%a', function(c) return c:upper() end)} end",
      "ALICE@DEMO.TEST");
}

// Comparing two long strings that are equal is one instruction to the count hook, but a memcmp of all their bytes:
// counted alone, this loop of the default million instructions ran for 25 s. Ten times its nominal 5 ms ends it.
TEST_F(LuaPolicyTest, WorkTheCountCannotSeeIsStoppedByTime) {
  open({{"memory_limit_kib", "4096"}, {"instruction_limit", "1000000"}});
  const auto started = Clock::now();
  expectStopped("local a, b = ('a'):rep(1000000), ('a'):rep(999999) .. 'a'\nfunction login() while a == b do end end",
                "CPU time over 50 ms");
  // A pcall that catches the stop does not change why the call ended.
  expectStopped(
      "local a, b = ('a'):rep(1000000), ('a'):rep(999999) .. 'a'\n"
      "function login() pcall(function() while a == b do end end) while true do end end",
      "CPU time over 50 ms");
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(500));
}

TEST_F(LuaPolicyTest, ASimplePatternStillWorks) {
  const auto outcome = decide("function login(a) return {domain = a.user:match('@(.+)$')} end");
  ASSERT_EQ(outcome.status, POSTAMT_OK) << outcome.error;
  EXPECT_EQ(outcome.values.at("domain"), "demo.test");
}

// Lua allows 200 nested C calls; a __tostring that formats itself nests string.format that deep at a kilobyte of
// buffer each, past the end of a session thread's 256 KiB stack (Server.h). It must fail as a script, not crash.
TEST_F(LuaPolicyTest, CRecursionStopsBeforeTheEndOfASmallThreadStack) {
  const std::string script =
      "local mt = {}\n"
      "mt.__tostring = function(o) return string.format('%s', setmetatable({}, mt)) end\n"
      "function login() tostring(setmetatable({}, mt)) return {} end";
  Outcome outcome;
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, 256 * 1024);
  std::function<void()> call = [&] { outcome = decide(script); };
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attributes,
                [](void* work) -> void* {
                  (*static_cast<std::function<void()>*>(work))();
                  return nullptr;
                },
                &call),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
  EXPECT_EQ(outcome.status, POSTAMT_PERM_FAIL);
  EXPECT_NE(outcome.error.find("stack overflow"), std::string::npos) << outcome.error;
}

// Each of these is one instruction to the count hook but copies the whole 64 KiB string: a thousand of them are some
// 6,000 instructions, yet 64 MiB of work, over the 200,000-instruction budget's worth.
TEST_F(LuaPolicyTest, StringsMadeInCAreChargedByTheirSize) {
  for (const std::string copy : {"s:upper()", "s:lower()", "s:reverse()", "s .. 'x'", "string.format('%s', s)"}) {
    expectStopped("local s = ('a'):rep(65536)\nfunction login() for i = 1, 1000 do local _ = " + copy + " end return {} end",
                  "instruction budget");
  }
  // A policy's usual strings cost next to nothing.
  EXPECT_EQ(decide("function login(a) return {text = a.user:upper() .. '!'} end").status, POSTAMT_OK);
}

// Lua's own xpcall runs its handler where the error was raised, with the hooks off when a hook raised it: there a
// handler escaped both the budget and the C stack guard. The sandbox's runs it once the stack is unwound.
TEST_F(LuaPolicyTest, AnXpcallHandlerIsBoundLikeAnyCode) {
  expectStopped("function login() xpcall(function() while true do end end, function() while true do end end) end",
                "instruction budget");
  Outcome caught = decide(
      "function login() local ok, e = xpcall(function(x) error('no ' .. x, 0) end, function(m) return m .. '!' end, 'way') "
      "return {text = tostring(ok) .. ' ' .. e} end");
  EXPECT_EQ(caught.status, POSTAMT_OK) << caught.error;
  EXPECT_EQ(caught.values["text"], "false no way!");
  Outcome fine = decide("function login() return {text = select(2, xpcall(string.upper, tostring, 'ok'))} end");
  EXPECT_EQ(fine.values["text"], "OK") << fine.error;
}

// The least limit the setting accepts (1000) loads and runs a plain script: what opening the libraries allocates is
// not the script's to pay.
TEST_F(LuaPolicyTest, TheLeastInstructionLimitStillRunsAPlainScript) {
  open({{"instruction_limit", "1000"}});
  const Outcome outcome = decide("local delay = 60\nfunction login(a) return {login_delay = delay} end");
  EXPECT_EQ(outcome.status, POSTAMT_OK) << outcome.error;
}

TEST_F(LuaPolicyTest, TableWalksAreChargedToTheBudget) {
  expectStopped("function login() table.move({}, 1, 1e18, 2) return {} end", "instruction budget");
  expectStopped("function login() return {text = table.concat({}, '', 1, 1e15)} end", "instruction budget");
}

TEST_F(LuaPolicyTest, AMalformedDecisionFails) {
  expectStopped("function login() return 'yes' end", "must return a table");
  expectStopped("function login() return {refuse = {}} end", "'refuse' is a table");
  expectStopped("function login() return {[1] = 'x'} end", "names");
  expectStopped("function login() return {delay = 1.5} end", "whole number");
}

TEST_F(LuaPolicyTest, ARaisingHookFailsWithItsMessage) {
  expectStopped("function login()\n  error('closed for maintenance')\nend", "policy:2: closed for maintenance");
}

TEST_F(LuaPolicyTest, ANewVersionReplacesTheScript) {
  EXPECT_EQ(decide("function login() return {v = 1} end", "login", {}, 1, 1).values.at("v"), "1");
  EXPECT_EQ(decide("function login() return {v = 2} end", "login", {}, 1, 2).values.at("v"), "2");
}

TEST_F(LuaPolicyTest, TenantsDoNotSeeEachOthersScripts) {
  EXPECT_EQ(decide("function login() return {who = 'one'} end", "login", {}, 1, 1).values.at("who"), "one");
  EXPECT_EQ(decide("function quota() return {} end", "login", {}, 2, 1).status, POSTAMT_NOT_FOUND);
  EXPECT_EQ(decide("function login() return {who = 'one'} end", "login", {}, 1, 1).values.at("who"), "one");
}

// One tenant's runaway script keeps one thread busy for its budget, no more, and no other tenant waits for it.
TEST_F(LuaPolicyTest, ARunawayTenantDoesNotStallAnother) {
  std::thread runaway([&] {
    for (int i = 0; i < 20; ++i) decide("function login() while true do end end", "login", {}, 7, 1);
  });
  const auto started = Clock::now();
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(decide("function login() return {ok = true} end", "login", {}, 8, 1).status, POSTAMT_OK);
  }
  const auto took = Clock::now() - started;
  runaway.join();
  EXPECT_LT(took, std::chrono::seconds(2));
}

}  // namespace
}  // namespace postamt::testing
