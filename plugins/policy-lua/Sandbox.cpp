#include "Sandbox.h"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include "BoundedLibrary.h"

namespace postamt::policy_lua {
namespace {

// Registry keys: only their (distinct) addresses matter.
char kGlobals;   // the real globals table
char kLoading;   // true while the main chunk runs
char kReadOnly;  // weak set of the read-only views

// The metatable fields whose work runs inside the garbage collector, where no hook counts it: a finalizer (__gc),
// and weak tables (__mode), whose last collection step is quadratic in chains of weak keys and took seconds of every
// call in an audit. Policies need neither.
constexpr std::string_view kCollectorFields[] = {"__gc", "__mode"};

bool isCollectorField(lua_State* state, int key) {
  if (lua_type(state, key) != LUA_TSTRING) return false;
  std::size_t length = 0;
  const char* text = lua_tolstring(state, key, &length);
  return std::find(std::begin(kCollectorFields), std::end(kCollectorFields), std::string_view(text, length)) !=
         std::end(kCollectorFields);
}

int refuseField(lua_State* state, std::string_view field) {
  return luaL_error(state, "%s is not allowed in policies", std::string(field).c_str());
}

// __newindex of a metatable's own metatable: a collector field cannot be added once the metatable is in use.
int refuseCollectorField(lua_State* state) {
  if (isCollectorField(state, 2)) return refuseField(state, lua_tostring(state, 2));
  lua_settop(state, 3);
  lua_rawset(state, 1);
  return 0;
}

// setmetatable(t, mt) as Lua's, but mt may hold no collector field, now or later: once it is in use, mt gets a
// metatable of its own that refuses them (and hides itself), so a table with a metatable of its own cannot be one.
int refuseCollectorWork(lua_State* state) {
  lua_settop(state, 2);
  const bool table = lua_type(state, 2) == LUA_TTABLE;
  bool guarded = false;
  if (table) {
    for (const std::string_view field : kCollectorFields) {
      lua_pushlstring(state, field.data(), field.size());
      if (lua_rawget(state, 2) != LUA_TNIL) return refuseField(state, field);
      lua_pop(state, 1);
    }
    // Its own metatable could not be given the guard as well.
    if (lua_rawequal(state, 1, 2)) return luaL_error(state, "a table cannot be its own metatable in policies");
    if (lua_getmetatable(state, 2)) {  // guarded by an earlier setmetatable, or given one by the script
      lua_pushliteral(state, "__newindex");
      lua_rawget(state, -2);
      if (lua_tocfunction(state, -1) != refuseCollectorField) {
        return luaL_error(state, "a metatable with a metatable of its own is not allowed in policies");
      }
      lua_settop(state, 2);
      guarded = true;
    }
  }
  lua_pushvalue(state, lua_upvalueindex(1));
  lua_pushvalue(state, 1);
  lua_pushvalue(state, 2);
  lua_call(state, 2, 1);  // may refuse, as Lua's does: then mt stays as it was
  if (table && !guarded) {
    lua_createtable(state, 0, 2);
    lua_pushcfunction(state, refuseCollectorField);
    lua_setfield(state, -2, "__newindex");
    lua_pushboolean(state, 0);
    lua_setfield(state, -2, "__metatable");
    lua_setmetatable(state, 2);
  }
  return 1;
}

bool isReadOnly(lua_State* state, int index) {
  lua_rawgetp(state, LUA_REGISTRYINDEX, &kReadOnly);
  lua_pushvalue(state, index);
  const bool found = lua_rawget(state, -2) != LUA_TNIL;
  lua_pop(state, 2);
  return found;
}

int guardedRawset(lua_State* state) {
  luaL_checktype(state, 1, LUA_TTABLE);
  if (isReadOnly(state, 1)) return luaL_error(state, "rawset: this table is read-only");
  if (isCollectorField(state, 2)) return refuseField(state, lua_tostring(state, 2));
  lua_settop(state, 3);
  lua_rawset(state, 1);
  lua_settop(state, 1);
  return 1;
}

int refuseLibraryWrite(lua_State* state) { return luaL_error(state, "library tables are read-only in policies"); }

int globalsWrite(lua_State* state) {
  lua_rawgetp(state, LUA_REGISTRYINDEX, &kLoading);
  const bool loading = lua_toboolean(state, -1);
  lua_pop(state, 1);
  if (!loading) {
    return luaL_error(state, "cannot assign global '%s': globals are locked once the script is loaded; use a local",
                      luaL_tolstring(state, 2, nullptr));
  }
  lua_rawgetp(state, LUA_REGISTRYINDEX, &kGlobals);
  lua_pushvalue(state, 2);
  lua_pushvalue(state, 3);
  lua_rawset(state, -3);
  return 0;
}

// Pushes an empty table that reads through to the table at `target` and
// routes writes to `writer`; its metatable is hidden from the script.
void pushView(lua_State* state, int target, lua_CFunction writer) {
  target = lua_absindex(state, target);
  lua_newtable(state);
  lua_createtable(state, 0, 3);
  lua_pushvalue(state, target);
  lua_setfield(state, -2, "__index");
  lua_pushcfunction(state, writer);
  lua_setfield(state, -2, "__newindex");
  lua_pushboolean(state, 0);
  lua_setfield(state, -2, "__metatable");  // getmetatable answers false, setmetatable refuses
  lua_setmetatable(state, -2);
  lua_rawgetp(state, LUA_REGISTRYINDEX, &kReadOnly);
  lua_pushvalue(state, -2);
  lua_pushboolean(state, 1);
  lua_rawset(state, -3);
  lua_pop(state, 1);
}

// globals[name] = a read-only view of globals[name].
void publishReadOnly(lua_State* state, int globals, const char* name) {
  lua_getfield(state, globals, name);
  pushView(state, -1, refuseLibraryWrite);
  lua_setfield(state, globals, name);
  lua_pop(state, 1);
}

// xpcall(f, handler, ...) as Lua's, but the handler gets the error once the stack is unwound. Lua's own runs it at
// the point of the error, with the hooks still off if a hook raised it: a handler that loops or nests again there
// escaped the instruction budget and the C stack guard (Budget) and could hang a thread or crash the server.
int xpcallAfterUnwinding(lua_State* state) {
  const int arguments = lua_gettop(state);
  luaL_checkany(state, 1);
  luaL_checktype(state, 2, LUA_TFUNCTION);
  // A C function may count on only LUA_MINSTACK free slots; the copies below need as many as the arguments.
  luaL_checkstack(state, arguments, "too many arguments to xpcall");
  lua_pushvalue(state, 2);  // the handler, kept below what the call leaves
  lua_pushvalue(state, 1);
  for (int i = 3; i <= arguments; ++i) lua_pushvalue(state, i);
  if (lua_pcall(state, arguments - 2, LUA_MULTRET, 0) == LUA_OK) {
    lua_pushboolean(state, 1);
    lua_replace(state, arguments + 1);  // true, in the handler's place, then the results
    return lua_gettop(state) - arguments;
  }
  lua_call(state, 1, 1);  // handler(error)
  lua_pushboolean(state, 0);
  lua_insert(state, -2);
  return 2;
}

}  // namespace

void Sandbox::open(lua_State* state, std::size_t memoryLimit) {
  lua_newtable(state);  // weak-keyed: a view the script dropped may be collected
  lua_createtable(state, 0, 1);
  lua_pushliteral(state, "k");
  lua_setfield(state, -2, "__mode");
  lua_setmetatable(state, -2);
  lua_rawsetp(state, LUA_REGISTRYINDEX, &kReadOnly);

  const luaL_Reg libraries[] = {{LUA_GNAME, luaopen_base},
                                {LUA_TABLIBNAME, luaopen_table},
                                {LUA_STRLIBNAME, luaopen_string},
                                {LUA_MATHLIBNAME, luaopen_math},
                                {LUA_UTF8LIBNAME, luaopen_utf8}};
  for (const auto& library : libraries) {
    luaL_requiref(state, library.name, library.func, 1);
    lua_pop(state, 1);
  }
  lua_pushglobaltable(state);
  const int globals = lua_gettop(state);
  for (const char* name : {"load", "loadfile", "dofile", "require", "collectgarbage", "print", "warn"}) {
    lua_pushnil(state);
    lua_setfield(state, globals, name);
  }
  lua_getfield(state, globals, LUA_STRLIBNAME);
  lua_pushnil(state);
  lua_setfield(state, -2, "dump");  // bytecode out would only be useful with bytecode in
  lua_pop(state, 1);

  lua_getfield(state, globals, "setmetatable");
  lua_pushcclosure(state, refuseCollectorWork, 1);
  lua_setfield(state, globals, "setmetatable");
  lua_pushcfunction(state, guardedRawset);
  lua_setfield(state, globals, "rawset");
  lua_pushcfunction(state, xpcallAfterUnwinding);
  lua_setfield(state, globals, "xpcall");
  boundLibraries(state, memoryLimit);

  // ("x"):rep(...) reaches the string library through the strings' metatable: hide that too.
  lua_pushliteral(state, "");
  lua_getmetatable(state, -1);
  lua_pushboolean(state, 0);
  lua_setfield(state, -2, "__metatable");
  lua_pop(state, 2);

  lua_pushvalue(state, globals);
  lua_rawsetp(state, LUA_REGISTRYINDEX, &kGlobals);
  lua_pop(state, 1);    // globals
  lua_newtable(state);  // `postamt`, for the caller to fill
}

void Sandbox::environment(lua_State* state) {
  lua_setglobal(state, "postamt");
  lua_pushglobaltable(state);
  const int globals = lua_gettop(state);
  for (const char* name : {LUA_TABLIBNAME, LUA_STRLIBNAME, LUA_MATHLIBNAME, LUA_UTF8LIBNAME, "postamt"}) {
    publishReadOnly(state, globals, name);
  }
  pushView(state, globals, globalsWrite);
  lua_pushvalue(state, -1);
  lua_setfield(state, globals, LUA_GNAME);  // _G is the view, never the table behind it
  lua_remove(state, globals);
  lua_pushboolean(state, 1);
  lua_rawsetp(state, LUA_REGISTRYINDEX, &kLoading);
}

void Sandbox::lock(lua_State* state) {
  lua_pushboolean(state, 0);
  lua_rawsetp(state, LUA_REGISTRYINDEX, &kLoading);
}

void Sandbox::pushGlobals(lua_State* state) { lua_rawgetp(state, LUA_REGISTRYINDEX, &kGlobals); }

}  // namespace postamt::policy_lua
