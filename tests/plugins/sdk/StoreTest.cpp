// The Store adapter: a C++ store class seen through the C table it produces.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "postamt/sdk/Store.hpp"

#include "HostSide.h"

namespace postamt::sdk {
namespace {

class ToyMaildrop : public Maildrop {
 public:
  void list(const ListingFn& each) override { each("uidl-1", 3); }
  std::size_t read(std::size_t index, std::uint64_t offset, Span<char> buffer) override {
    if (index != 0) throw Error(POSTAMT_NOT_FOUND, "no message " + std::to_string(index + 1));
    const std::string text = "abc";
    std::size_t n = offset < text.size() ? std::min(buffer.size(), text.size() - offset) : 0;
    std::memcpy(buffer.data(), text.data() + offset, n);
    return n;
  }
  void expunge(Span<const std::size_t>) override { throw std::runtime_error("first line\nsecond line"); }
};

class ToyStore : public Store {
 public:
  ToyStore(Host, const Settings& settings) : mode_(settings.get("mode")) {}

  std::unique_ptr<Maildrop> openMaildrop(const Mailbox& mailbox, const std::string& lockHolder) override {
    if (lockHolder == "busy") throw Error(POSTAMT_IN_USE, mailbox.address + " is locked");
    if (lockHolder == "odd") throw 42;
    return std::make_unique<ToyMaildrop>();
  }

  std::vector<postamt_status> deliver(const std::vector<Mailbox>& recipients, MessageSource& message) override {
    if (mode_ == "throw") throw std::runtime_error("database down");
    if (mode_ == "short") return {};
    std::vector<char> buffer(message.size());
    delivered_.assign(buffer.data(), message.read(0, Span<char>(buffer.data(), buffer.size())));
    std::vector<postamt_status> results;
    for (const Mailbox& recipient : recipients)
      results.push_back(recipient.domain == "one.test" ? POSTAMT_OK : POSTAMT_PERM_FAIL);
    return results;
  }

  std::string mode_;
  std::string delivered_;
};

// Imports once per UIDL; mode "odd" returns a status importMessage() must not return.
class ImportingStore : public ToyStore {
 public:
  using ToyStore::ToyStore;

  postamt_status importMessage(const Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                               MessageSource& message) override {
    if (mode_ == "odd") return POSTAMT_IN_USE;
    if (!imported_.insert(uidl).second) return POSTAMT_EXISTS;
    std::vector<char> buffer(message.size());
    last_ = mailbox.address + " " + uidl + " " + std::to_string(receivedAt) + " " +
            std::string(buffer.data(), message.read(0, Span<char>(buffer.data(), buffer.size())));
    return POSTAMT_OK;
  }

  std::set<std::string> imported_;
  std::string last_;
};

using hostside::kNoHost;
using hostside::sourceOf;

class SdkStoreTest : public ::testing::Test {
 protected:
  void* create(const char* mode) {
    postamt_setting item{"mode", mode};
    postamt_settings settings{&item, mode != nullptr ? 1u : 0u};
    postamt_error error{text_, sizeof text_};
    return api_->create(&kNoHost, &settings, &error);
  }

  const postamt_store_api* api_ = storeApi<ToyStore>();
  char text_[256] = "";
  postamt_error error_{text_, sizeof text_};
};

TEST_F(SdkStoreTest, TableIsComplete) {
  EXPECT_EQ(api_->size, sizeof(postamt_store_api));
  EXPECT_EQ(api_, storeApi<ToyStore>());
  for (auto fn : {(void*)api_->create, (void*)api_->destroy, (void*)api_->open_maildrop, (void*)api_->list, (void*)api_->read,
                  (void*)api_->expunge, (void*)api_->close_maildrop, (void*)api_->deliver, (void*)api_->import_message})
    EXPECT_NE(fn, nullptr);
}

TEST_F(SdkStoreTest, StoreWithoutImportSaysUnsupported) {
  void* store = create("normal");
  postamt_mailbox mailbox{1, "alice@one.test", "alice", "one.test"};
  const std::string text = "Subject: x\r\n\r\nhi\r\n";
  const postamt_message_source source = sourceOf(text);
  EXPECT_EQ(api_->import_message(store, &mailbox, "uidl-1", 1700000000, &source, &error_), POSTAMT_UNSUPPORTED);
  EXPECT_STREQ(text_, "this store cannot import messages");
  api_->destroy(store);
}

TEST_F(SdkStoreTest, ImportPassesUidlDateAndMessageAndReportsExisting) {
  const postamt_store_api* api = storeApi<ImportingStore>();
  postamt_setting item{"mode", "normal"};
  postamt_settings settings{&item, 1};
  void* store = api->create(&kNoHost, &settings, &error_);
  ASSERT_NE(store, nullptr) << text_;
  postamt_mailbox mailbox{1, "alice@one.test", "alice", "one.test"};
  const std::string text = "Subject: x\r\n\r\nhi\r\n";
  const postamt_message_source source = sourceOf(text);

  EXPECT_EQ(api->import_message(store, &mailbox, "000000016b089e42", 1700000000, &source, &error_), POSTAMT_OK);
  EXPECT_EQ(static_cast<ImportingStore*>(store)->last_, "alice@one.test 000000016b089e42 1700000000 " + text);
  EXPECT_EQ(api->import_message(store, &mailbox, "000000016b089e42", 1700000000, &source, &error_), POSTAMT_EXISTS);
  api->destroy(store);

  item.value = "odd";
  store = api->create(&kNoHost, &settings, &error_);
  EXPECT_EQ(api->import_message(store, &mailbox, "uidl-2", 0, &source, &error_), POSTAMT_PERM_FAIL);
  api->destroy(store);
}

TEST_F(SdkStoreTest, ImportRefusesWhatIsNoUidlBeforeTheStoreSeesIt) {
  const postamt_store_api* api = storeApi<ImportingStore>();
  postamt_setting item{"mode", "normal"};
  postamt_settings settings{&item, 1};
  void* store = api->create(&kNoHost, &settings, &error_);
  postamt_mailbox mailbox{1, "alice@one.test", "alice", "one.test"};
  const std::string text = "x\r\n";
  const postamt_message_source source = sourceOf(text);
  // RFC 1939 section 7: 1 to 70 characters in the range 0x21 to 0x7E.
  for (const std::string& bad : {std::string(), std::string("has space"), std::string(71, 'u'), std::string("tab\there"),
                                 std::string("\x7f"), std::string("caf\xc3\xa9")}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(api->import_message(store, &mailbox, bad.c_str(), 0, &source, &error_), POSTAMT_PERM_FAIL);
    EXPECT_NE(std::string(text_).find("RFC 1939"), std::string::npos) << text_;
  }
  EXPECT_EQ(api->import_message(store, &mailbox, nullptr, 0, &source, &error_), POSTAMT_PERM_FAIL);
  EXPECT_TRUE(static_cast<ImportingStore*>(store)->imported_.empty());
  EXPECT_EQ(api->import_message(store, &mailbox, std::string(70, '~').c_str(), 0, &source, &error_), POSTAMT_OK);
  EXPECT_EQ(api->import_message(store, &mailbox, "!", 0, &source, &error_), POSTAMT_OK);
  api->destroy(store);
}

TEST_F(SdkStoreTest, CreateFailureBecomesNullAndText) {
  EXPECT_EQ(create(nullptr), nullptr);
  EXPECT_STREQ(text_, "missing required setting 'mode'");
  postamt_error error{text_, sizeof text_};
  EXPECT_EQ(api_->create(nullptr, nullptr, &error), nullptr);
  EXPECT_STREQ(text_, "no host api");
}

TEST_F(SdkStoreTest, ExceptionsBecomeStatusesAndOneLineOfText) {
  void* store = create("normal");
  ASSERT_NE(store, nullptr);
  postamt_mailbox mailbox{1, "alice@one.test", "alice", "one.test"};
  void* maildrop = nullptr;
  EXPECT_EQ(api_->open_maildrop(store, &mailbox, "busy", &maildrop, &error_), POSTAMT_IN_USE);
  EXPECT_STREQ(text_, "alice@one.test is locked");
  EXPECT_EQ(api_->open_maildrop(store, &mailbox, "odd", &maildrop, &error_), POSTAMT_TEMP_FAIL);
  EXPECT_STREQ(text_, "unknown exception");
  EXPECT_EQ(api_->open_maildrop(store, &mailbox, nullptr, &maildrop, &error_), POSTAMT_PERM_FAIL);

  ASSERT_EQ(api_->open_maildrop(store, &mailbox, "session", &maildrop, &error_), POSTAMT_OK);
  std::string listed;
  auto each = [](void* context, const char* uidl, std::uint64_t size) noexcept {
    *static_cast<std::string*>(context) += std::string(uidl) + "=" + std::to_string(size);
  };
  EXPECT_EQ(api_->list(maildrop, each, &listed, &error_), POSTAMT_OK);
  EXPECT_EQ(listed, "uidl-1=3");

  char buffer[2];
  std::size_t got = 99;
  EXPECT_EQ(api_->read(maildrop, 0, 1, buffer, sizeof buffer, &got, &error_), POSTAMT_OK);
  EXPECT_EQ(std::string(buffer, got), "bc");
  EXPECT_EQ(api_->read(maildrop, 4, 0, buffer, sizeof buffer, &got, &error_), POSTAMT_NOT_FOUND);
  EXPECT_EQ(got, 0u);

  std::size_t indexes[] = {0};
  EXPECT_EQ(api_->expunge(maildrop, indexes, 1, &error_), POSTAMT_TEMP_FAIL);
  EXPECT_STREQ(text_, "first line second line");
  char small[6];
  postamt_error truncated{small, sizeof small};
  EXPECT_EQ(api_->expunge(maildrop, indexes, 1, &truncated), POSTAMT_TEMP_FAIL);
  EXPECT_STREQ(small, "first");
  EXPECT_EQ(api_->expunge(maildrop, indexes, 1, nullptr), POSTAMT_TEMP_FAIL);

  api_->close_maildrop(maildrop);
  api_->destroy(store);
}

TEST_F(SdkStoreTest, DeliverGivesEveryRecipientAStatus) {
  std::string text = "Subject: x\r\n\r\nhello\r\n";
  postamt_message_source source{
      text.size(), &text, [](void* context, std::uint64_t offset, char* buffer, std::size_t capacity, std::size_t* got) noexcept {
        const std::string& message = *static_cast<std::string*>(context);
        *got = std::min(capacity, static_cast<std::size_t>(message.size() - offset));
        std::memcpy(buffer, message.data() + offset, *got);
        return POSTAMT_OK;
      }};
  postamt_mailbox recipients[] = {{1, "a@one.test", "a", "one.test"}, {1, "b@two.test", "b", "two.test"}};
  postamt_status results[2] = {POSTAMT_TEMP_FAIL, POSTAMT_TEMP_FAIL};

  void* store = create("normal");
  EXPECT_EQ(api_->deliver(store, recipients, 2, &source, results, &error_), POSTAMT_OK);
  EXPECT_EQ(results[0], POSTAMT_OK);
  EXPECT_EQ(results[1], POSTAMT_PERM_FAIL);
  EXPECT_EQ(static_cast<ToyStore*>(store)->delivered_, text);
  api_->destroy(store);

  store = create("throw");
  EXPECT_EQ(api_->deliver(store, recipients, 2, &source, results, &error_), POSTAMT_TEMP_FAIL);
  EXPECT_EQ(results[0], POSTAMT_TEMP_FAIL);
  EXPECT_EQ(results[1], POSTAMT_TEMP_FAIL);
  EXPECT_STREQ(text_, "database down");
  api_->destroy(store);

  store = create("short");
  EXPECT_EQ(api_->deliver(store, recipients, 2, &source, results, &error_), POSTAMT_PERM_FAIL);
  EXPECT_EQ(results[1], POSTAMT_PERM_FAIL);
  api_->destroy(store);
}

}  // namespace
}  // namespace postamt::sdk
