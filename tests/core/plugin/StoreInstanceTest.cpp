// The host side of a store plugin: what StoreInstance may read of a plugin's
// C table, whichever ABI minor version the plugin was built for.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>

#include "plugin/PluginHost.h"
#include "plugin/StoreInstance.h"

namespace postamt::plugin {
namespace {

// What the fake plugin saw.
struct Calls {
  int imports = 0;
  std::string seen;
  postamt_status answer = POSTAMT_OK;
};

Calls calls;  // of the one fake instance

void* create(const postamt_host_api*, const postamt_settings*, postamt_error*) noexcept { return &calls; }

void destroy(void*) noexcept {}

postamt_status importMessage(void* instance, const postamt_mailbox* mailbox, const char* uidl, int64_t receivedAt,
                             const postamt_message_source* message, postamt_error* error) noexcept {
  Calls& calls = *static_cast<Calls*>(instance);
  ++calls.imports;
  char text[64] = {};
  std::size_t got = 0;
  message->read(message->context, 0, text, sizeof text - 1, &got);
  calls.seen = std::string(mailbox->address) + " " + uidl + " " + std::to_string(receivedAt) + " " + std::string(text, got);
  if (calls.answer != POSTAMT_OK && calls.answer != POSTAMT_EXISTS) std::snprintf(error->text, error->capacity, "disk full");
  return calls.answer;
}

// The table as a plugin built for ABI 1.0 (which ends before import_message) or 1.1 hands it over.
postamt_store_api table(std::uint32_t size, decltype(postamt_store_api::import_message) import) {
  postamt_store_api api{};
  api.size = size;
  api.create = &create;
  api.destroy = &destroy;
  api.import_message = import;
  return api;
}

const std::string kMessage = "Subject: x\r\n\r\nhi\r\n";

postamt_message_source source() {
  return {kMessage.size(), nullptr,
          [](void*, std::uint64_t offset, char* buffer, std::size_t capacity, std::size_t* got) noexcept {
            *got = std::min(capacity, static_cast<std::size_t>(kMessage.size() - offset));
            std::memcpy(buffer, kMessage.data() + offset, *got);
            return POSTAMT_OK;
          }};
}

struct Imported {
  StoreInstance::Imported result;
  Calls calls;
};

Imported importThrough(const postamt_store_api& api, postamt_status answer = POSTAMT_OK) {
  calls = Calls{};
  calls.answer = answer;
  const postamt_settings none{nullptr, 0};
  StoreInstance store("store.old", api, none);
  const tenant::Mailbox mailbox(1, tenant::Address{"alice", "one.test"});
  const postamt_message_source message = source();
  return {store.importMessage(mailbox, "000000016b089e42", 1700000000, message), calls};
}

TEST(StoreInstance, PluginBuiltForAbi10CannotImportAndItsTableIsNotReadPastItsSize) {
  // The field is filled here, but a 1.0 plugin's table simply ends before it.
  const Imported imported = importThrough(table(offsetof(postamt_store_api, import_message), &importMessage));
  EXPECT_EQ(imported.result.status, POSTAMT_UNSUPPORTED);
  EXPECT_NE(imported.result.error.find("store.old cannot import"), std::string::npos) << imported.result.error;
  EXPECT_EQ(imported.calls.imports, 0);
}

TEST(StoreInstance, PluginWithoutImportCannotImport) {
  const Imported imported = importThrough(table(sizeof(postamt_store_api), nullptr));
  EXPECT_EQ(imported.result.status, POSTAMT_UNSUPPORTED);
}

TEST(StoreInstance, ImportPassesMailboxUidlDateAndMessage) {
  Imported imported = importThrough(table(sizeof(postamt_store_api), &importMessage));
  EXPECT_EQ(imported.result.status, POSTAMT_OK);
  EXPECT_EQ(imported.calls.seen, "alice@one.test 000000016b089e42 1700000000 " + kMessage);

  imported = importThrough(table(sizeof(postamt_store_api), &importMessage), POSTAMT_EXISTS);
  EXPECT_EQ(imported.result.status, POSTAMT_EXISTS);
  EXPECT_EQ(imported.result.error, "");

  imported = importThrough(table(sizeof(postamt_store_api), &importMessage), POSTAMT_TEMP_FAIL);
  EXPECT_EQ(imported.result.status, POSTAMT_TEMP_FAIL);
  EXPECT_EQ(imported.result.error, "temporary failure: disk full");
}

// Opening under rules: a store, or a decorator over one without rules, may
// answer open_maildrop_ruled with POSTAMT_UNSUPPORTED; the host then opens
// plainly, as for a table without the field.
struct Opens {
  int ruled = 0;
  int plain = 0;
} opens;

postamt_store_api ruledUnsupported() {
  postamt_store_api api = table(sizeof(postamt_store_api), nullptr);
  api.open_maildrop_ruled = [](void*, const postamt_mailbox*, const char*, const postamt_maildrop_rules*, void**,
                               postamt_error*) noexcept {
    ++opens.ruled;
    return POSTAMT_UNSUPPORTED;
  };
  api.open_maildrop = [](void*, const postamt_mailbox*, const char*, void** handle, postamt_error*) noexcept {
    ++opens.plain;
    *handle = &opens;
    return POSTAMT_OK;
  };
  api.list = [](void*, postamt_listing_fn, void*, postamt_error*) noexcept { return POSTAMT_OK; };
  api.close_maildrop = [](void*) noexcept {};
  return api;
}

TEST(StoreInstance, RulesAnsweredUnsupportedOpenPlainly) {
  opens = Opens{};
  const postamt_store_api api = ruledUnsupported();
  const postamt_settings none{nullptr, 0};
  StoreInstance store("store.layered", api, none);
  const tenant::Mailbox mailbox(1, tenant::Address{"alice", "one.test"});
  const postamt_maildrop_rules rules{sizeof(postamt_maildrop_rules), 30, 0, 0, 0, 0};
  const auto opened = store.open(mailbox, "pop3-1", &rules);
  EXPECT_EQ(opened.status, POSTAMT_OK) << opened.error;
  EXPECT_NE(opened.maildrop, nullptr);
  EXPECT_EQ(opens.ruled, 1);
  EXPECT_EQ(opens.plain, 1);
}

// A decorator is created with the wrapped instance's own table and instance.
const postamt_store_api* wrappedApi = nullptr;
void* wrappedInstance = nullptr;

TEST(StoreInstance, ADecoratorGetsTheWrappedTableAndInstance) {
  const postamt_store_api api = table(sizeof(postamt_store_api), &importMessage);
  const postamt_settings none{nullptr, 0};
  StoreInstance inner("store.main", api, none);
  postamt_store_decorator_api decorator{sizeof(postamt_store_decorator_api),
                                        [](const postamt_host_api*, const postamt_settings*, const postamt_store_api* innerApi,
                                           void* innerInstance, postamt_error*) noexcept -> void* {
                                          wrappedApi = innerApi;
                                          wrappedInstance = innerInstance;
                                          return innerInstance;
                                        },
                                        &destroy, &api};
  StoreInstance outer("store.outer", decorator, none, inner);
  EXPECT_EQ(wrappedApi, &api);
  EXPECT_EQ(wrappedInstance, &calls);

  decorator.store = nullptr;
  try {
    StoreInstance broken("store.broken", decorator, none, inner);
    ADD_FAILURE() << "a decorator without a store table was created";
  } catch (const PluginError& e) {
    EXPECT_STREQ(e.what(), "cannot create store.broken: its plugin's store decorator table is incomplete");
  }
}

// A store whose maildrop is in use for the first `inUseFor` opens, then answers `after`.
struct LockedStore {
  int opens = 0;
  int inUseFor = 0;
  postamt_status after = POSTAMT_TEMP_FAIL;
};
LockedStore locked;

postamt_status openLocked(void*, const postamt_mailbox*, const char*, void**, postamt_error*) noexcept {
  return ++locked.opens <= locked.inUseFor ? POSTAMT_IN_USE : locked.after;
}

StoreInstance::Opened openWhenFreeThrough(int inUseFor, std::chrono::milliseconds patience) {
  locked = LockedStore{0, inUseFor, POSTAMT_TEMP_FAIL};
  postamt_store_api api = table(sizeof(postamt_store_api), &importMessage);
  api.open_maildrop = &openLocked;
  const postamt_settings none{nullptr, 0};
  StoreInstance store("store.main", api, none);
  return store.openWhenFree(tenant::Mailbox(1, tenant::Address{"alice", "one.test"}), "test", patience);
}

// A lock held for a moment (the purge sweep's) is waited out: the open goes on to whatever the store says next.
TEST(StoreInstance, OpenWhenFreeTriesAgainWhileTheMaildropIsInUse) {
  EXPECT_EQ(openWhenFreeThrough(2, std::chrono::seconds(5)).status, POSTAMT_TEMP_FAIL);
  EXPECT_EQ(locked.opens, 3);
}

// A lock another session keeps: IN-USE once the patience is spent, not before and not forever.
TEST(StoreInstance, OpenWhenFreeGivesUpAfterItsPatience) {
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(openWhenFreeThrough(1000000, std::chrono::milliseconds(100)).status, POSTAMT_IN_USE);
  EXPECT_GE(std::chrono::steady_clock::now() - began, std::chrono::milliseconds(100));
  EXPECT_GT(locked.opens, 1);  // it did try again meanwhile
}

}  // namespace
}  // namespace postamt::plugin
