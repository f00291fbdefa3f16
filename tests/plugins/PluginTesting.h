#pragma once

// What the plugin tests share: loading a built plugin through its C entry
// point, and a scratch SQLite database initialised from schemas/sqlite.

#include <dlfcn.h>
#include <postamt/abi.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace postamt::testing {

// Loads POSTAMT_PLUGIN_DIR/<name>.so as postamtd does (RTLD_LOCAL) and calls
// its entry point. The library stays loaded for the rest of the process.
inline const postamt_plugin& loadPlugin(const std::string& name) {
  std::string path = std::string(POSTAMT_PLUGIN_DIR) + "/" + name + ".so";
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) throw std::runtime_error(dlerror());
  auto entry = reinterpret_cast<postamt_plugin_entry_fn>(dlsym(library, POSTAMT_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) throw std::runtime_error(path + " has no " POSTAMT_PLUGIN_ENTRY_SYMBOL);
  return *entry();
}

// Settings as the host passes them; keeps the strings alive.
class SettingList {
 public:
  SettingList(std::initializer_list<std::pair<std::string, std::string>> values) : values_(values) {
    for (const auto& [key, value] : values_) items_.push_back({key.c_str(), value.c_str()});
  }
  const postamt_settings* get() {
    settings_ = {items_.data(), items_.size()};
    return &settings_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<postamt_setting> items_;
  postamt_settings settings_{};
};

// A mailbox as the host passes it; keeps the strings alive.
class TestMailbox {
 public:
  TestMailbox(std::int64_t tenantId, std::string address) : address_(std::move(address)) {
    std::size_t at = address_.find('@');
    localPart_ = address_.substr(0, at);
    domain_ = at == std::string::npos ? std::string() : address_.substr(at + 1);
    mailbox_ = {tenantId, address_.c_str(), localPart_.c_str(), domain_.c_str()};
  }
  TestMailbox(const TestMailbox&) = delete;
  TestMailbox& operator=(const TestMailbox&) = delete;
  const postamt_mailbox* get() const { return &mailbox_; }

 private:
  std::string address_, localPart_, domain_;
  postamt_mailbox mailbox_{};
};

// A fresh database file in its own temporary directory, with the schema
// applied as `postamtctl db init` does and tenants 1 and 2 created.
class ScratchDatabase {
 public:
  ScratchDatabase() {
    std::string pattern = (std::filesystem::temp_directory_path() / "postamt-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    directory_ = pattern;
    path_ = (directory_ / "postamt.db").string();
    std::vector<std::filesystem::path> migrations;
    for (const auto& entry : std::filesystem::directory_iterator(POSTAMT_SOURCE_DIR "/schemas/sqlite"))
      if (entry.path().extension() == ".sql") migrations.push_back(entry.path());
    std::sort(migrations.begin(), migrations.end());
    for (const auto& migration : migrations) {
      std::ifstream in(migration);
      std::stringstream sql;
      sql << in.rdbuf();
      exec(sql.str());
    }
    exec(
        "INSERT INTO tenants (tenant_id, name, auth_instance, store_instance) VALUES "
        "(1, 'one', 'auth.main', 'store.main'), (2, 'two', 'auth.main', 'store.main')");
  }
  ~ScratchDatabase() { std::filesystem::remove_all(directory_); }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& path() const { return path_; }
  const std::filesystem::path& directory() const { return directory_; }

  void exec(const std::string& sql) const {
    Connection db(path_);
    char* message = nullptr;
    if (sqlite3_exec(db.handle, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "?";
      sqlite3_free(message);
      throw std::runtime_error(text);
    }
  }

  // The first column of the first row, as text ("" when there is no row).
  std::string query(const std::string& sql) const {
    Connection db(path_);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db.handle, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db.handle));
    std::string value;
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr)
      value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    return value;
  }

  std::int64_t count(const std::string& table) const { return std::stoll(query("SELECT COUNT(*) FROM " + table)); }

  // A separate connection, for holding locks against the plugin.
  struct Connection {
    explicit Connection(const std::string& path) {
      if (sqlite3_open(path.c_str(), &handle) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
      sqlite3_busy_timeout(handle, 5000);
    }
    ~Connection() { sqlite3_close(handle); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    sqlite3* handle = nullptr;
  };

 private:
  std::filesystem::path directory_;
  std::string path_;
};

}  // namespace postamt::testing
