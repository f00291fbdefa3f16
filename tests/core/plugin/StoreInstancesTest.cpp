// Store decorators as the config declares them (`store.NAME.wraps = OTHER`):
// the order instances are made and ended in, the config mistakes refused at
// start, and calls passing through a stack of decorators to the real store.
#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "../../plugins/PluginTesting.h"
#include "plugin/StoreInstances.h"

namespace postamt::plugin {
namespace {

const std::string kProbe = POSTAMT_TEST_PLUGIN_DIR "/store-probe.so";

class StoreInstancesTest : public ::testing::Test {
 protected:
  StoreInstancesTest() : config_(new Poco::Util::MapConfiguration), host_(POSTAMT_PLUGIN_DIR) {
    set("store.main.plugin", "store-sqlite");
    set("store.main.path", database_.path());
  }

  void set(const std::string& key, const std::string& value) { config_->setString(key, value); }

  // A store-probe decorator `name` wrapping `wraps`.
  void probe(const std::string& name, const std::string& wraps) {
    set("store." + name + ".plugin", kProbe);
    set("store." + name + ".wraps", wraps);
    set("store." + name + ".trace", trace());
    set("store." + name + ".label", name);
  }

  std::string trace() const { return (database_.directory() / "trace").string(); }

  std::string traced() const {
    std::ifstream in(trace());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // The PluginError the config fails with ("created" when it does not).
  std::string createError() {
    try {
      StoreInstances stores(*config_, host_);
    } catch (const PluginError& e) {
      return e.what();
    }
    return "created";
  }

  testing::ScratchDatabase database_;
  Poco::AutoPtr<Poco::Util::MapConfiguration> config_;
  PluginHost host_;
};

TEST_F(StoreInstancesTest, MakesEachDecoratorAfterWhatItWrapsAndEndsItBefore) {
  // Neither name order nor its reverse is the order of the stack: main <- c <- a <- b.
  probe("b", "a");
  probe("a", "store.c");  // as tenants name it, or as its own key does
  probe("c", "main");
  {
    StoreInstances stores(*config_, host_);
    for (const char* name : {"store.main", "store.a", "store.b", "store.c"}) EXPECT_NE(stores.find(name), nullptr) << name;
    EXPECT_EQ(stores.find("store.other"), nullptr);
    EXPECT_EQ(traced(), "create c\ncreate a\ncreate b\n");
  }
  EXPECT_EQ(traced(), "create c\ncreate a\ncreate b\ndestroy b\ndestroy a\ndestroy c\n");
}

TEST_F(StoreInstancesTest, CallsPassThroughAStackOfDecoratorsToTheWrappedStore) {
  probe("outer", "inner");
  probe("inner", "main");
  StoreInstances stores(*config_, host_);
  const std::string message = "Subject: layered\r\n\r\nhello\r\n";
  const postamt_message_source source{
      message.size(), const_cast<std::string*>(&message),
      [](void* context, std::uint64_t offset, char* buffer, std::size_t capacity, std::size_t* got) noexcept {
        const std::string& text = *static_cast<std::string*>(context);
        *got = std::min(capacity, static_cast<std::size_t>(text.size() - offset));
        std::memcpy(buffer, text.data() + offset, *got);
        return POSTAMT_OK;
      }};
  const tenant::Mailbox alice(1, tenant::Address{"alice", "one.test"});

  const auto delivered = stores.find("store.outer")->deliver({alice}, source);
  ASSERT_EQ(delivered.status, POSTAMT_OK) << delivered.error;
  EXPECT_EQ(delivered.perRecipient, std::vector<postamt_status>{POSTAMT_OK});

  // What the stack delivered is in the store it wraps, and both see the same maildrop.
  auto plain = stores.find("store.main")->open(alice, "test-plain");
  ASSERT_EQ(plain.status, POSTAMT_OK) << plain.error;
  ASSERT_EQ(plain.maildrop->messages().size(), 1u);
  EXPECT_EQ(plain.maildrop->messages()[0].size, message.size());
  // The lock is the wrapped store's, so it holds through the decorators too.
  EXPECT_EQ(stores.find("store.outer")->open(alice, "test-layered").status, POSTAMT_IN_USE);
  plain.maildrop.reset();

  const postamt_maildrop_rules keepDeleted{sizeof(postamt_maildrop_rules), 0, 0, 7, 0, 0};
  auto layered = stores.find("store.outer")->open(alice, "test-layered", &keepDeleted);
  ASSERT_EQ(layered.status, POSTAMT_OK) << layered.error;
  std::vector<char> body(message.size() + 8);
  EXPECT_EQ(std::string(body.data(), layered.maildrop->read(0, 0, body)), message);
  layered.maildrop->expunge({0});
  layered.maildrop.reset();

  // Hidden, not removed, under the rules passed down; restore reaches the wrapped store too.
  const auto used = stores.find("store.outer")->usage(1, &alice);
  ASSERT_EQ(used.status, POSTAMT_OK) << used.error;
  const auto restored = stores.find("store.outer")->restore(alice);
  ASSERT_EQ(restored.status, POSTAMT_OK) << restored.error;
  EXPECT_EQ(restored.count, 1u);
  auto again = stores.find("store.main")->open(alice, "test-plain");
  ASSERT_EQ(again.status, POSTAMT_OK) << again.error;
  EXPECT_EQ(again.maildrop->messages().size(), 1u);
}

TEST_F(StoreInstancesTest, RefusesACycleNamingIt) {
  probe("a", "b");
  probe("b", "a");
  const std::string error = createError();
  EXPECT_NE(error.find("store.b: 'store.b.wraps' closes a cycle of store decorators: store.a -> store.b -> store.a"),
            std::string::npos)
      << error;
}

TEST_F(StoreInstancesTest, RefusesADecoratorWrappingItself) {
  probe("a", "a");
  const std::string error = createError();
  EXPECT_NE(error.find("'store.a.wraps' closes a cycle of store decorators: store.a -> store.a"), std::string::npos) << error;
}

// A failed start ends what it made as a clean stop would: outermost first.
TEST_F(StoreInstancesTest, AFailedStartEndsWhatItMadeOutermostFirst) {
  probe("a", "b");
  probe("b", "main");
  probe("c", "d");
  probe("d", "c");
  EXPECT_NE(createError().find("closes a cycle"), std::string::npos);
  EXPECT_EQ(traced(), "create b\ncreate a\ndestroy a\ndestroy b\n");
}

TEST_F(StoreInstancesTest, RefusesAWrapsNamingNoStore) {
  probe("a", "nowhere");
  const std::string error = createError();
  EXPECT_NE(error.find("store.a: 'store.a.wraps = nowhere' names no store instance ('store.nowhere.plugin' is not set)"),
            std::string::npos)
      << error;
}

TEST_F(StoreInstancesTest, RefusesADecoratorWithoutWraps) {
  set("store.a.plugin", kProbe);
  set("store.a.trace", trace());
  set("store.a.label", "a");
  const std::string error = createError();
  EXPECT_NE(
      error.find("store.a: plugin store-probe is a store decorator, so 'store.a.wraps' must name the store instance it wraps"),
      std::string::npos)
      << error;
}

TEST_F(StoreInstancesTest, RefusesWrapsForAPluginThatIsNoDecorator) {
  set("store.copy.plugin", "store-sqlite");
  set("store.copy.path", database_.path());
  set("store.copy.wraps", "main");
  const std::string error = createError();
  EXPECT_NE(error.find("store.copy: plugin store-sqlite is no store decorator, so it cannot wrap what 'store.copy.wraps' names"),
            std::string::npos)
      << error;
}

TEST_F(StoreInstancesTest, RefusesAPluginThatIsNoStore) {
  set("store.a.plugin", "auth-sql");
  EXPECT_NE(createError().find("store.a: plugin auth-sql is not a store plugin"), std::string::npos);
}

}  // namespace
}  // namespace postamt::plugin
