// The StoreDecorator adapter: a C++ decorator seen through the C table it
// produces, wrapping another store through that store's C table, as postamtd
// hands them over (abi.h postamt_store_decorator_api).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "postamt/sdk/Plugin.hpp"
#include "postamt/sdk/StoreDecorator.hpp"

#include "HostSide.h"

namespace postamt::sdk {
namespace {

std::vector<std::string> seen;  // what the wrapped store was asked, in order

class InnerMaildrop : public Maildrop {
 public:
  ~InnerMaildrop() override { seen.push_back("close"); }
  void list(const ListingFn& each) override {
    each("uidl-1", 5);
    each("uidl-2", 7);
  }
  std::size_t read(std::size_t index, std::uint64_t offset, Span<char> buffer) override {
    if (index > 1) throw Error(POSTAMT_NOT_FOUND, "no message " + std::to_string(index + 1));
    const std::string text = "hello";
    const std::size_t n = offset < text.size() ? std::min(buffer.size(), text.size() - offset) : 0;
    std::memcpy(buffer.data(), text.data() + offset, n);
    return n;
  }
  void expunge(Span<const std::size_t> indexes) override {
    std::string text = "expunge";
    for (std::size_t index : indexes) text += " " + std::to_string(index);
    seen.push_back(text);
  }
  void markRetrieved(std::size_t index) noexcept override { seen.push_back("retrieved " + std::to_string(index)); }
};

class InnerStore : public Store {
 public:
  InnerStore(Host, const Settings&) {}
  std::unique_ptr<Maildrop> openMaildrop(const Mailbox& mailbox, const std::string& lockHolder) override {
    if (lockHolder == "busy") throw Error(POSTAMT_IN_USE, mailbox.address + " is locked");
    seen.push_back("open " + mailbox.address + " " + lockHolder);
    return std::make_unique<InnerMaildrop>();
  }
  std::unique_ptr<Maildrop> openMaildropWithRules(const Mailbox& mailbox, const std::string& lockHolder,
                                                  const MaildropRules& rules) override {
    seen.push_back("open ruled keep_deleted " + std::to_string(rules.keepDeletedDays) + " expire " +
                   std::to_string(rules.expireAfterDays));
    return openMaildrop(mailbox, lockHolder);
  }
  std::vector<postamt_status> deliver(const std::vector<Mailbox>& recipients, MessageSource& message) override {
    std::vector<char> buffer(message.size());
    std::string text = "deliver " + std::string(buffer.data(), message.read(0, Span<char>(buffer.data(), buffer.size())));
    for (const Mailbox& recipient : recipients) text += " to " + recipient.address;
    seen.push_back(text);
    return std::vector<postamt_status>(recipients.size(), POSTAMT_OK);
  }
  postamt_status importMessage(const Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                               MessageSource&) override {
    seen.push_back("import " + mailbox.address + " " + uidl + " " + std::to_string(receivedAt));
    return uidl == "taken" ? POSTAMT_EXISTS : POSTAMT_OK;
  }
  std::uint64_t restore(const Mailbox& mailbox) override {
    seen.push_back("restore " + mailbox.address);
    return 3;
  }
  Usage usage(std::int64_t tenantId, const Mailbox* mailbox) override {
    seen.push_back("usage " + std::to_string(tenantId) + (mailbox != nullptr ? " " + mailbox->address : ""));
    return {2, 12};
  }
};

// Overrides only what it watches: deliveries and expunges.
class CountingMaildrop : public MaildropDecorator {
 public:
  CountingMaildrop(std::unique_ptr<Maildrop> wrapped, int& expunges)
      : MaildropDecorator(std::move(wrapped)), expunges_(expunges) {}
  void expunge(Span<const std::size_t> indexes) override {
    MaildropDecorator::expunge(indexes);
    ++expunges_;  // only once the wrapped store has applied it
  }

 private:
  int& expunges_;
};

class CountingDecorator : public StoreDecorator {
 public:
  CountingDecorator(Host, const Settings& settings, std::unique_ptr<Store> wrapped)
      : StoreDecorator(std::move(wrapped)), label_(settings.get("label")) {}

  std::vector<postamt_status> deliver(const std::vector<Mailbox>& recipients, MessageSource& message) override {
    ++deliveries_;
    return StoreDecorator::deliver(recipients, message);
  }
  std::unique_ptr<Maildrop> openMaildrop(const Mailbox& mailbox, const std::string& lockHolder) override {
    return std::make_unique<CountingMaildrop>(StoreDecorator::openMaildrop(mailbox, lockHolder), expunges_);
  }

  std::string label_;
  int deliveries_ = 0;
  int expunges_ = 0;
};

using hostside::kNoHost;
using hostside::sourceOf;

class SdkStoreDecoratorTest : public ::testing::Test {
 protected:
  SdkStoreDecoratorTest() {
    seen.clear();
    inner_ = innerApi_.create(&kNoHost, &none_, &error_);
  }
  ~SdkStoreDecoratorTest() override {
    if (decorator_ != nullptr) api_->destroy(decorator_);
    innerApi_.destroy(inner_);
  }

  // Wraps the inner store as postamtd does, through its C table.
  void wrap(const postamt_store_api& inner) {
    postamt_setting label{"label", "audit"};
    const postamt_settings settings{&label, 1};
    decorator_ = api_->create(&kNoHost, &settings, &inner, inner_, &error_);
    ASSERT_NE(decorator_, nullptr) << text_;
  }
  CountingDecorator& decorator() { return *static_cast<CountingDecorator*>(decorator_); }

  const postamt_store_decorator_api* api_ = storeDecoratorApi<CountingDecorator>();
  const postamt_store_api& store_ = *api_->store;
  postamt_store_api innerApi_ = *storeApi<InnerStore>();
  const postamt_settings none_{nullptr, 0};
  char text_[256] = "";
  postamt_error error_{text_, sizeof text_};
  void* inner_ = nullptr;
  void* decorator_ = nullptr;
  postamt_mailbox alice_{1, "alice@one.test", "alice", "one.test"};
};

TEST_F(SdkStoreDecoratorTest, TableIsCompleteAndItsStoreCallsAreTheStoreAdapters) {
  EXPECT_EQ(api_->size, sizeof(postamt_store_decorator_api));
  EXPECT_EQ(api_, storeDecoratorApi<CountingDecorator>());
  EXPECT_NE(api_->create, nullptr);
  EXPECT_NE(api_->destroy, nullptr);
  ASSERT_NE(api_->store, nullptr);
  EXPECT_EQ(store_.size, sizeof(postamt_store_api));
  // The host creates and destroys a decorator through the decorator table only.
  EXPECT_EQ(store_.create, nullptr);
  EXPECT_EQ(store_.destroy, nullptr);
  EXPECT_EQ(store_.open_maildrop, &detail::StoreAdapter<CountingDecorator>::openMaildrop);
  EXPECT_EQ(store_.mark_retrieved, &detail::StoreAdapter<CountingDecorator>::markRetrieved);
}

TEST_F(SdkStoreDecoratorTest, WhatItDoesNotOverridePassesToTheWrappedStore) {
  wrap(innerApi_);
  void* maildrop = nullptr;
  ASSERT_EQ(store_.open_maildrop(decorator_, &alice_, "pop3-1", &maildrop, &error_), POSTAMT_OK) << text_;
  std::vector<std::string> listing;
  ASSERT_EQ(store_.list(
                maildrop,
                [](void* context, const char* uidl, std::uint64_t size) noexcept {
                  static_cast<std::vector<std::string>*>(context)->push_back(uidl + (" " + std::to_string(size)));
                },
                &listing, &error_),
            POSTAMT_OK);
  EXPECT_EQ(listing, (std::vector<std::string>{"uidl-1 5", "uidl-2 7"}));
  char buffer[16];
  std::size_t got = 0;
  ASSERT_EQ(store_.read(maildrop, 1, 1, buffer, sizeof buffer, &got, &error_), POSTAMT_OK);
  EXPECT_EQ(std::string(buffer, got), "ello");
  EXPECT_EQ(store_.read(maildrop, 5, 0, buffer, sizeof buffer, &got, &error_), POSTAMT_NOT_FOUND);
  EXPECT_STREQ(text_, "the wrapped store cannot read the message: no message 6");
  store_.mark_retrieved(maildrop, 1);
  const std::size_t indexes[] = {0};
  ASSERT_EQ(store_.expunge(maildrop, indexes, 1, &error_), POSTAMT_OK);
  store_.close_maildrop(maildrop);

  const std::string text = "Subject: x\r\n\r\nhi\r\n";
  const postamt_message_source source = sourceOf(text);
  EXPECT_EQ(store_.import_message(decorator_, &alice_, "uidl-9", 1700000000, &source, &error_), POSTAMT_OK);
  EXPECT_EQ(store_.import_message(decorator_, &alice_, "taken", 0, &source, &error_), POSTAMT_EXISTS);
  std::uint64_t restored = 0;
  EXPECT_EQ(store_.restore(decorator_, &alice_, &restored, &error_), POSTAMT_OK);
  EXPECT_EQ(restored, 3u);
  std::uint64_t messages = 0, octets = 0;
  EXPECT_EQ(store_.usage(decorator_, 1, nullptr, &messages, &octets, &error_), POSTAMT_OK);
  EXPECT_EQ(messages + octets, 14u);
  const postamt_maildrop_rules rules{sizeof(postamt_maildrop_rules), 30, 0, 7, 0, 0};
  ASSERT_EQ(store_.open_maildrop_ruled(decorator_, &alice_, "pop3-2", &rules, &maildrop, &error_), POSTAMT_OK) << text_;
  store_.close_maildrop(maildrop);

  EXPECT_EQ(seen, (std::vector<std::string>{"open alice@one.test pop3-1", "retrieved 1", "expunge 0", "close",
                                            "import alice@one.test uidl-9 1700000000", "import alice@one.test taken 0",
                                            "restore alice@one.test", "usage 1", "open ruled keep_deleted 7 expire 30",
                                            "open alice@one.test pop3-2", "close"}));
  EXPECT_EQ(decorator().expunges_, 1);
  EXPECT_EQ(decorator().label_, "audit");
}

TEST_F(SdkStoreDecoratorTest, WhatItOverridesSeesTheCallAndPassesTheSameMessageOn) {
  wrap(innerApi_);
  const std::string text = "Subject: x\r\n\r\nhi\r\n";
  const postamt_message_source source = sourceOf(text);
  const postamt_mailbox recipients[] = {alice_, {1, "bob@one.test", "bob", "one.test"}};
  postamt_status results[2] = {POSTAMT_TEMP_FAIL, POSTAMT_TEMP_FAIL};
  ASSERT_EQ(store_.deliver(decorator_, recipients, 2, &source, results, &error_), POSTAMT_OK) << text_;
  EXPECT_EQ(results[0], POSTAMT_OK);
  EXPECT_EQ(results[1], POSTAMT_OK);
  EXPECT_EQ(decorator().deliveries_, 1);
  EXPECT_EQ(seen, std::vector<std::string>{"deliver " + text + " to alice@one.test to bob@one.test"});
}

TEST_F(SdkStoreDecoratorTest, TheWrappedStoresFailurePassesWithItsStatusAndText) {
  wrap(innerApi_);
  void* maildrop = nullptr;
  EXPECT_EQ(store_.open_maildrop(decorator_, &alice_, "busy", &maildrop, &error_), POSTAMT_IN_USE);
  EXPECT_STREQ(text_, "the wrapped store cannot open the maildrop: alice@one.test is locked");
}

// A store built for ABI 1.0 has a table that ends before import_message: the
// decorator must say unsupported, never read or call past the table's size.
TEST_F(SdkStoreDecoratorTest, AnOlderWrappedStoreIsNotReadPastItsTable) {
  innerApi_.size = offsetof(postamt_store_api, import_message);  // every field still filled
  wrap(innerApi_);
  const std::string text = "x\r\n";
  const postamt_message_source source = sourceOf(text);
  EXPECT_EQ(store_.import_message(decorator_, &alice_, "uidl-9", 0, &source, &error_), POSTAMT_UNSUPPORTED);
  std::uint64_t restored = 0, messages = 0, octets = 0;
  EXPECT_EQ(store_.restore(decorator_, &alice_, &restored, &error_), POSTAMT_UNSUPPORTED);
  EXPECT_EQ(store_.usage(decorator_, 1, &alice_, &messages, &octets, &error_), POSTAMT_UNSUPPORTED);
  const postamt_maildrop_rules rules{sizeof(postamt_maildrop_rules), 30, 0, 0, 0, 0};
  void* maildrop = nullptr;
  EXPECT_EQ(store_.open_maildrop_ruled(decorator_, &alice_, "pop3-1", &rules, &maildrop, &error_), POSTAMT_UNSUPPORTED);
  ASSERT_EQ(store_.open_maildrop(decorator_, &alice_, "pop3-2", &maildrop, &error_), POSTAMT_OK);
  store_.mark_retrieved(maildrop, 0);
  store_.close_maildrop(maildrop);
  EXPECT_EQ(seen, (std::vector<std::string>{"open alice@one.test pop3-2", "close"}));
}

TEST_F(SdkStoreDecoratorTest, CreateFailsWithoutAStoreToWrap) {
  EXPECT_EQ(api_->create(&kNoHost, &none_, nullptr, inner_, &error_), nullptr);
  EXPECT_STREQ(text_, "no store to wrap");
  postamt_setting label{"label", "audit"};
  const postamt_settings settings{&label, 1};
  EXPECT_EQ(api_->create(&kNoHost, &settings, &innerApi_, nullptr, &error_), nullptr);
  EXPECT_STREQ(text_, "no store instance to wrap");
}

TEST(SdkPluginDescriptor, KindsAreKnownByTheirTableNotTheirPlace) {
  const postamt_plugin decorator = detail::describePlugin("store-audit", "1.0", storeDecoratorApi<CountingDecorator>());
  EXPECT_EQ(decorator.store_decorator, storeDecoratorApi<CountingDecorator>());
  EXPECT_EQ(decorator.store, nullptr);
  EXPECT_EQ(decorator.size, sizeof(postamt_plugin));
  EXPECT_EQ(decorator.abi_minor, POSTAMT_ABI_MINOR);
  // The positional form older plugins use still describes the same plugin.
  const postamt_plugin both = detail::describePlugin("store-both", "1.0", storeApi<InnerStore>(), nullptr, nullptr, nullptr,
                                                     storeDecoratorApi<CountingDecorator>());
  EXPECT_EQ(both.store, storeApi<InnerStore>());
  EXPECT_EQ(both.store_decorator, storeDecoratorApi<CountingDecorator>());
  EXPECT_EQ(both.auth, nullptr);
}

}  // namespace
}  // namespace postamt::sdk
