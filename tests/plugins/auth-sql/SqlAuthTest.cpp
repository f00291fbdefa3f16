// auth-sql, black-box through the C ABI as postamtd uses it.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../PluginTesting.h"
#include "plugin/HostApi.h"

namespace postamt::testing {
namespace {

class SqlAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plugin_ = &loadPlugin("auth-sql");
    auth_ = plugin_->auth;
    instance_ = create({{"connect", db_.path()}});
    ASSERT_NE(instance_, nullptr) << error_;
  }

  void TearDown() override {
    for (void* instance : instances_) auth_->destroy(instance);
  }

  void* create(std::initializer_list<std::pair<std::string, std::string>> values) {
    SettingList settings(values);
    postamt_error error{error_, sizeof error_};
    void* instance = auth_->create(&plugin::hostApi(), settings.get(), &error);
    if (instance != nullptr) instances_.push_back(instance);
    return instance;
  }

  postamt_error error() { return {error_, sizeof error_}; }

  postamt_status add(std::int64_t tenant, const std::string& address, const std::string& password, void* instance = nullptr) {
    TestMailbox user(tenant, address);
    postamt_error e = error();
    return auth_->add_user(instance != nullptr ? instance : instance_, user.get(), password.c_str(), &e);
  }

  postamt_status verify(std::int64_t tenant, const std::string& address, const std::string& password) {
    TestMailbox user(tenant, address);
    postamt_error e = error();
    return auth_->verify_password(instance_, user.get(), password.data(), password.size(), &e);
  }

  postamt_status lookup(std::int64_t tenant, const std::string& address) {
    TestMailbox user(tenant, address);
    postamt_error e = error();
    return auth_->lookup(instance_, user.get(), &e);
  }

  postamt_status setPassword(std::int64_t tenant, const std::string& address, const std::string& password) {
    TestMailbox user(tenant, address);
    postamt_error e = error();
    return auth_->set_password(instance_, user.get(), password.c_str(), &e);
  }

  postamt_status setEnabled(std::int64_t tenant, const std::string& address, bool enabled) {
    TestMailbox user(tenant, address);
    postamt_error e = error();
    return auth_->set_enabled(instance_, user.get(), enabled ? 1 : 0, &e);
  }

  postamt_status remove(std::int64_t tenant, const std::string& address) {
    TestMailbox user(tenant, address);
    postamt_error e = error();
    return auth_->delete_user(instance_, user.get(), &e);
  }

  std::vector<std::pair<std::string, bool>> list(std::int64_t tenant) {
    std::vector<std::pair<std::string, bool>> users;
    postamt_error e = error();
    auto each = [](void* context, const char* address, int enabled) noexcept {
      static_cast<std::vector<std::pair<std::string, bool>>*>(context)->emplace_back(address, enabled != 0);
    };
    EXPECT_EQ(auth_->list_users(instance_, tenant, each, &users, &e), POSTAMT_OK) << error_;
    return users;
  }

  postamt_status fetch(std::int64_t tenant, const std::string& address, std::string& stored, std::size_t capacity = 1024) {
    TestMailbox user(tenant, address);
    postamt_error e = error();
    std::vector<char> out(capacity);
    const postamt_status status = auth_->fetch_credentials(instance_, user.get(), out.data(), out.size(), &e);
    if (status == POSTAMT_OK) stored = out.data();
    return status;
  }

  std::string storedPassword(const std::string& address) {
    return db_.query("SELECT password FROM users WHERE address = '" + address + "'");
  }

  ScratchDatabase db_;
  const postamt_plugin* plugin_ = nullptr;
  const postamt_auth_api* auth_ = nullptr;
  void* instance_ = nullptr;
  std::vector<void*> instances_;
  char error_[512] = "";
};

TEST_F(SqlAuthTest, EntryPointDescribesAnAuthSource) {
  EXPECT_EQ(plugin_->abi_major, POSTAMT_ABI_MAJOR);
  EXPECT_EQ(plugin_->abi_minor, POSTAMT_ABI_MINOR);
  EXPECT_EQ(plugin_->size, sizeof(postamt_plugin));
  EXPECT_STREQ(plugin_->name, "auth-sql");
  EXPECT_EQ(plugin_->store, nullptr);
  ASSERT_NE(plugin_->auth, nullptr);
  EXPECT_EQ(plugin_->auth->size, sizeof(postamt_auth_api));
  for (auto fn : {(void*)auth_->add_user, (void*)auth_->set_password, (void*)auth_->set_enabled, (void*)auth_->delete_user,
                  (void*)auth_->list_users, (void*)auth_->fetch_credentials})
    EXPECT_NE(fn, nullptr);
}

// An existing user table, e.g. Dovecot's SQL passdb on SQLite, read as Dovecot reads it.
TEST_F(SqlAuthTest, PasswordQueryReadsAnExistingTableAndNeverWritesIt) {
  db_.exec(
      "CREATE TABLE mailbox (username TEXT, password TEXT, active INTEGER);"
      "INSERT INTO mailbox VALUES ('dave@pfa.test', '{PLAIN}secret', 1), ('frank@pfa.test', '{PLAIN}secret', 0)");
  instance_ = create({{"connect", db_.path()}, {"password_query", "SELECT password, active FROM mailbox WHERE username = '%u'"}});
  ASSERT_NE(instance_, nullptr) << error_;
  EXPECT_EQ(verify(1, "dave@pfa.test", "secret"), POSTAMT_OK);
  EXPECT_EQ(verify(1, "dave@pfa.test", "wrong"), POSTAMT_DENIED);
  EXPECT_EQ(verify(1, "frank@pfa.test", "secret"), POSTAMT_DENIED);
  EXPECT_EQ(verify(1, "x' OR '1'='1", "secret"), POSTAMT_NOT_FOUND);
  EXPECT_EQ(lookup(1, "dave@pfa.test"), POSTAMT_OK);
  EXPECT_EQ(setPassword(1, "dave@pfa.test", "new"), POSTAMT_UNSUPPORTED);
  EXPECT_NE(std::string(error_).find("password_query"), std::string::npos) << error_;
  EXPECT_EQ(db_.query("SELECT password FROM mailbox WHERE username = 'dave@pfa.test'"), "{PLAIN}secret");

  // Without a second column every user found may log in.
  instance_ = create({{"connect", db_.path()}, {"password_query", "SELECT password FROM mailbox WHERE username = %u"}});
  ASSERT_NE(instance_, nullptr) << error_;
  EXPECT_EQ(verify(1, "frank@pfa.test", "secret"), POSTAMT_OK);

  EXPECT_EQ(create({{"connect", db_.path()}, {"password_query", "SELECT password FROM nosuch WHERE username = %u"}}), nullptr);
  EXPECT_NE(std::string(error_).find("setting 'password_query' does not run"), std::string::npos) << error_;
}

TEST_F(SqlAuthTest, CreateNamesWhatIsWrong) {
  EXPECT_EQ(create({}), nullptr);
  EXPECT_NE(std::string(error_).find("'connect'"), std::string::npos) << error_;
  EXPECT_EQ(create({{"connect", db_.path()}, {"connector", "Oracle"}}), nullptr);
  EXPECT_NE(std::string(error_).find("Oracle"), std::string::npos) << error_;
  EXPECT_EQ(create({{"connect", db_.path()}, {"password_scheme", "MD5-CRYPT"}}), nullptr);
  EXPECT_NE(std::string(error_).find("password_scheme"), std::string::npos) << error_;
  EXPECT_EQ(create({{"connect", (db_.directory() / "empty.db").string()}}), nullptr);
  EXPECT_NE(std::string(error_).find("postamtctl db init"), std::string::npos) << error_;
}

TEST_F(SqlAuthTest, AddedUserVerifies) {
  ASSERT_EQ(add(1, "alice@one.test", "s3cret pässword"), POSTAMT_OK) << error_;
  EXPECT_EQ(verify(1, "alice@one.test", "s3cret pässword"), POSTAMT_OK) << error_;
  EXPECT_EQ(verify(1, "alice@one.test", "s3cret password"), POSTAMT_DENIED);
  EXPECT_EQ(verify(1, "alice@one.test", ""), POSTAMT_DENIED);
  EXPECT_EQ(verify(1, "bob@one.test", "s3cret pässword"), POSTAMT_NOT_FOUND);
  EXPECT_EQ(lookup(1, "alice@one.test"), POSTAMT_OK);
  EXPECT_EQ(lookup(1, "bob@one.test"), POSTAMT_NOT_FOUND);
}

TEST_F(SqlAuthTest, PasswordsAreStoredHashedInTheConfiguredScheme) {
  ASSERT_EQ(add(1, "alice@one.test", "secret"), POSTAMT_OK) << error_;
  EXPECT_EQ(storedPassword("alice@one.test").rfind("{SHA512-CRYPT}$6$", 0), 0u) << storedPassword("alice@one.test");

  void* blowfish = create({{"connect", db_.path()}, {"password_scheme", "BLF-CRYPT"}});
  ASSERT_NE(blowfish, nullptr) << error_;
  ASSERT_EQ(add(1, "bob@one.test", "secret", blowfish), POSTAMT_OK) << error_;
  EXPECT_EQ(storedPassword("bob@one.test").rfind("{BLF-CRYPT}$2y$", 0), 0u) << storedPassword("bob@one.test");
  EXPECT_EQ(verify(1, "bob@one.test", "secret"), POSTAMT_OK);
}

TEST_F(SqlAuthTest, ImportedDovecotUsersVerify) {
  std::ifstream in(POSTAMT_TEST_FIXTURES "/dovecot-hashes.txt");
  int imported = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.find("secret\t") != 0) continue;
    std::string address = "user" + std::to_string(++imported) + "@one.test";
    ScratchDatabase::Connection db(db_.path());
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db.handle, "INSERT INTO users (tenant_id, address, password) VALUES (1, ?, ?)", -1, &insert, nullptr);
    sqlite3_bind_text(insert, 1, address.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 2, line.substr(7).c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_finalize(insert);
    EXPECT_EQ(verify(1, address, "secret"), POSTAMT_OK) << line;
    EXPECT_EQ(verify(1, address, "Secret"), POSTAMT_DENIED) << line;
  }
  EXPECT_EQ(imported, 10);
}

// Issue 4: with rehash_on_login a password that verified in another scheme is stored again in password_scheme, so
// imported users move to the tenant's preferred scheme as they log in; without it nothing is written.
TEST_F(SqlAuthTest, RehashOnLoginMovesUsersToThePreferredScheme) {
  db_.exec("INSERT INTO users (tenant_id, address, password) VALUES (1, 'old@one.test', '{PLAIN}secret')");
  EXPECT_EQ(verify(1, "old@one.test", "secret"), POSTAMT_OK);
  EXPECT_EQ(storedPassword("old@one.test"), "{PLAIN}secret");

  instance_ = create({{"connect", db_.path()}, {"rehash_on_login", "true"}});
  ASSERT_NE(instance_, nullptr) << error_;
  EXPECT_EQ(verify(1, "old@one.test", "wrong"), POSTAMT_DENIED);
  EXPECT_EQ(storedPassword("old@one.test"), "{PLAIN}secret");
  EXPECT_EQ(verify(1, "old@one.test", "secret"), POSTAMT_OK);
  const std::string rehashed = storedPassword("old@one.test");
  EXPECT_EQ(rehashed.rfind("{SHA512-CRYPT}$6$", 0), 0u) << rehashed;
  EXPECT_EQ(verify(1, "old@one.test", "secret"), POSTAMT_OK);
  EXPECT_EQ(storedPassword("old@one.test"), rehashed);  // already in the scheme: left alone
}

TEST_F(SqlAuthTest, RehashOnLoginIsTrueOrFalse) {
  EXPECT_EQ(create({{"connect", db_.path()}, {"rehash_on_login", "yes"}}), nullptr);
  EXPECT_NE(std::string(error_).find("rehash_on_login"), std::string::npos) << error_;
}

TEST_F(SqlAuthTest, UnknownStoredSchemeIsDenied) {
  db_.exec("INSERT INTO users (tenant_id, address, password) VALUES (1, 'old@one.test', '{RPA}abcdef')");
  EXPECT_EQ(verify(1, "old@one.test", "abcdef"), POSTAMT_DENIED);
}

TEST_F(SqlAuthTest, AddingAnExistingUserIsExists) {
  ASSERT_EQ(add(1, "alice@one.test", "first"), POSTAMT_OK) << error_;
  EXPECT_EQ(add(1, "alice@one.test", "second"), POSTAMT_EXISTS);
  EXPECT_EQ(verify(1, "alice@one.test", "first"), POSTAMT_OK);
}

TEST_F(SqlAuthTest, DisabledUserIsDenied) {
  ASSERT_EQ(add(1, "alice@one.test", "secret"), POSTAMT_OK) << error_;
  ASSERT_EQ(setEnabled(1, "alice@one.test", false), POSTAMT_OK) << error_;
  EXPECT_EQ(verify(1, "alice@one.test", "secret"), POSTAMT_DENIED);
  EXPECT_EQ(lookup(1, "alice@one.test"), POSTAMT_DENIED);
  ASSERT_EQ(setEnabled(1, "alice@one.test", true), POSTAMT_OK) << error_;
  EXPECT_EQ(verify(1, "alice@one.test", "secret"), POSTAMT_OK);
  EXPECT_EQ(setEnabled(1, "bob@one.test", false), POSTAMT_NOT_FOUND);
}

TEST_F(SqlAuthTest, SetPasswordReplacesTheOldOne) {
  ASSERT_EQ(add(1, "alice@one.test", "old"), POSTAMT_OK) << error_;
  ASSERT_EQ(setPassword(1, "alice@one.test", "new"), POSTAMT_OK) << error_;
  EXPECT_EQ(verify(1, "alice@one.test", "old"), POSTAMT_DENIED);
  EXPECT_EQ(verify(1, "alice@one.test", "new"), POSTAMT_OK);
  EXPECT_EQ(setPassword(1, "bob@one.test", "new"), POSTAMT_NOT_FOUND);
}

TEST_F(SqlAuthTest, ListIsOrderedByAddress) {
  for (const char* address : {"carol@one.test", "alice@one.test", "bob@one.test"}) ASSERT_EQ(add(1, address, "pw"), POSTAMT_OK);
  ASSERT_EQ(setEnabled(1, "bob@one.test", false), POSTAMT_OK);
  EXPECT_EQ(list(1), (std::vector<std::pair<std::string, bool>>{
                         {"alice@one.test", true}, {"bob@one.test", false}, {"carol@one.test", true}}));
  EXPECT_TRUE(list(2).empty());
}

// ABI 1.2: SCRAM (RFC 5802) checks a proof against the stored secret, so the host needs it as stored.
TEST_F(SqlAuthTest, FetchCredentialsGivesTheStoredSecretOfEnabledUsersOnly) {
  ASSERT_EQ(add(1, "alice@one.test", "secret"), POSTAMT_OK) << error_;
  std::string stored;
  ASSERT_EQ(fetch(1, "alice@one.test", stored), POSTAMT_OK) << error_;
  EXPECT_EQ(stored, storedPassword("alice@one.test"));
  EXPECT_EQ(fetch(1, "bob@one.test", stored), POSTAMT_NOT_FOUND);
  EXPECT_EQ(fetch(2, "alice@one.test", stored), POSTAMT_NOT_FOUND);
  ASSERT_EQ(setEnabled(1, "alice@one.test", false), POSTAMT_OK);
  EXPECT_EQ(fetch(1, "alice@one.test", stored), POSTAMT_DENIED);
}

TEST_F(SqlAuthTest, FetchCredentialsThatDoNotFitAreAFailureNotATruncation) {
  ASSERT_EQ(add(1, "alice@one.test", "secret"), POSTAMT_OK) << error_;
  std::string stored;
  EXPECT_EQ(fetch(1, "alice@one.test", stored, storedPassword("alice@one.test").size()), POSTAMT_PERM_FAIL);
  EXPECT_EQ(fetch(1, "alice@one.test", stored, storedPassword("alice@one.test").size() + 1), POSTAMT_OK);
}

TEST_F(SqlAuthTest, DeletedUserIsGone) {
  ASSERT_EQ(add(1, "alice@one.test", "secret"), POSTAMT_OK) << error_;
  EXPECT_EQ(remove(1, "alice@one.test"), POSTAMT_OK) << error_;
  EXPECT_EQ(verify(1, "alice@one.test", "secret"), POSTAMT_NOT_FOUND);
  EXPECT_EQ(remove(1, "alice@one.test"), POSTAMT_NOT_FOUND);
  EXPECT_TRUE(list(1).empty());
}

TEST_F(SqlAuthTest, TenantsDoNotSeeEachOthersUsers) {
  ASSERT_EQ(add(1, "alice@shared.test", "one"), POSTAMT_OK) << error_;
  EXPECT_EQ(verify(2, "alice@shared.test", "one"), POSTAMT_NOT_FOUND);
  EXPECT_EQ(lookup(2, "alice@shared.test"), POSTAMT_NOT_FOUND);
  EXPECT_EQ(setPassword(2, "alice@shared.test", "two"), POSTAMT_NOT_FOUND);
  EXPECT_EQ(remove(2, "alice@shared.test"), POSTAMT_NOT_FOUND);
  EXPECT_TRUE(list(2).empty());

  ASSERT_EQ(add(2, "alice@shared.test", "two"), POSTAMT_OK) << error_;
  EXPECT_EQ(verify(2, "alice@shared.test", "one"), POSTAMT_DENIED);
  EXPECT_EQ(verify(1, "alice@shared.test", "one"), POSTAMT_OK);
  EXPECT_EQ(verify(1, "alice@shared.test", "two"), POSTAMT_DENIED);
}

TEST_F(SqlAuthTest, UserOfAnUnknownTenantIsRefused) {
  EXPECT_NE(add(99, "alice@nowhere.test", "secret"), POSTAMT_OK);
  EXPECT_EQ(db_.count("users"), 0);
}

TEST_F(SqlAuthTest, ConcurrentWritersDoNotFail) {
  constexpr int kThreads = 4;
  constexpr int kEach = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        TestMailbox user(1, "user" + std::to_string(t) + "-" + std::to_string(i) + "@one.test");
        if (auth_->add_user(instance_, user.get(), "pw", nullptr) != POSTAMT_OK) ++failures;
        if (auth_->verify_password(instance_, user.get(), "pw", 2, nullptr) != POSTAMT_OK) ++failures;
      }
    });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(db_.count("users"), kThreads * kEach);
}

// Logins reuse a few lookups prepared once; with a pool of two sessions only one is kept, so concurrent logins
// also take the unprepared path. Each must read its own user, and a change must show at the next login.
TEST_F(SqlAuthTest, ConcurrentLoginsEachReadTheirOwnUserAsItIsNow) {
  void* small = create({{"connect", db_.path()}, {"pool_size", "2"}});
  ASSERT_NE(small, nullptr) << error_;
  constexpr int kUsers = 6;
  for (int u = 0; u < kUsers; ++u) ASSERT_EQ(add(1, "user" + std::to_string(u) + "@one.test", "pw" + std::to_string(u), small), POSTAMT_OK);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int u = 0; u < kUsers; ++u)
    threads.emplace_back([&, u] {
      TestMailbox user(1, "user" + std::to_string(u) + "@one.test");
      const std::string right = "pw" + std::to_string(u), other = "pw" + std::to_string((u + 1) % kUsers);
      for (int i = 0; i < 20; ++i) {
        if (auth_->verify_password(small, user.get(), right.data(), right.size(), nullptr) != POSTAMT_OK) ++wrong;
        if (auth_->verify_password(small, user.get(), other.data(), other.size(), nullptr) != POSTAMT_DENIED) ++wrong;
      }
    });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);

  TestMailbox first(1, "user0@one.test");
  postamt_error e = error();
  ASSERT_EQ(auth_->set_password(small, first.get(), "changed", &e), POSTAMT_OK);
  EXPECT_EQ(auth_->verify_password(small, first.get(), "pw0", 3, nullptr), POSTAMT_DENIED);
  EXPECT_EQ(auth_->verify_password(small, first.get(), "changed", 7, nullptr), POSTAMT_OK);
}

}  // namespace
}  // namespace postamt::testing
