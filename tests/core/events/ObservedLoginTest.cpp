#include "events/ObservedLogin.h"

#include <gtest/gtest.h>

#include <array>
#include <mutex>

#include "../pop3/FakeAuthenticator.h"

namespace postamt::events {
namespace {

using pop3::test::FakeAuthenticator;
using pop3::test::FakeStore;

class Collector : public Subscriber {
 public:
  const std::string& name() const override { return name_; }
  void onEvent(const Event& event) override {
    std::lock_guard<std::mutex> guard(mutex_);
    events_.push_back(event);
  }
  std::vector<Event> events() {
    std::lock_guard<std::mutex> guard(mutex_);
    return events_;
  }

 private:
  std::string name_ = "collector";
  std::mutex mutex_;
  std::vector<Event> events_;
};

class ObservedLoginTest : public ::testing::Test {
 protected:
  ObservedLoginTest() : inner_(store_), observed_(inner_, bus_, origin_) {
    store_.messages = {{"uid-1", std::string(100, 'a')}, {"uid-2", std::string(50, 'b')}};
    bus_.subscribe(collector_);
  }

  std::vector<Event> events() {
    bus_.stop();
    return collector_->events();
  }

  std::unique_ptr<pop3::Maildrop> login() {
    auto result = observed_.login({"alice@example.org", "secret", "192.0.2.1", false});
    EXPECT_EQ(result.outcome, pop3::LoginResult::Outcome::Ok);
    return std::move(result.maildrop);
  }

  // Reads message `index` as MessageWriter does: chunk by chunk, up to `limit` octets, then once more at the end.
  static void readAll(pop3::Maildrop& maildrop, std::size_t index, std::size_t chunk) {
    std::array<char, 256> buffer{};
    std::uint64_t offset = 0;
    while (std::size_t got = maildrop.read(index, offset, std::span<char>(buffer.data(), chunk))) offset += got;
  }

  FakeStore store_;
  FakeAuthenticator inner_;
  Origin origin_{42, "pop3", "192.0.2.1", false};
  EventBus bus_{100};
  std::shared_ptr<Collector> collector_ = std::make_shared<Collector>();
  ObservedLogin observed_;
};

TEST_F(ObservedLoginTest, AFailedLoginIsOneEventWithItsReasonAndNoPassword) {
  observed_.login({"alice@example.org", "wrong-password", "192.0.2.1", false});
  const auto all = events();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].type, POSTAMT_EVENT_AUTH_FAILED);
  EXPECT_EQ(all[0].origin.session, 42u);
  EXPECT_EQ(all[0].user, "alice@example.org");
  EXPECT_NE(all[0].detail.find(FakeAuthenticator::kLogMarker), std::string::npos);
  EXPECT_EQ(all[0].detail.find("wrong-password"), std::string::npos);
}

TEST_F(ObservedLoginTest, ALoginOpensTheMaildropWithItsListing) {
  auto maildrop = login();
  const auto all = events();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].type, POSTAMT_EVENT_AUTH_SUCCEEDED);
  EXPECT_EQ(all[1].type, POSTAMT_EVENT_MAILDROP_OPENED);
  EXPECT_EQ(all[1].count, 2u);
  EXPECT_EQ(all[1].octets, 150u);
}

TEST_F(ObservedLoginTest, EachRetrievalIsOneEventHoweverManyReadsItTakes) {
  auto maildrop = login();
  readAll(*maildrop, 0, 7);    // RETR 1 in small chunks
  readAll(*maildrop, 1, 256);  // RETR 2 in one
  readAll(*maildrop, 0, 256);  // RETR 1 again
  maildrop.reset();
  const auto all = events();
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t i = 2; i < 5; ++i) EXPECT_EQ(all[i].type, POSTAMT_EVENT_MESSAGE_RETRIEVED);
  EXPECT_EQ(all[2].uidl, "uid-1");
  EXPECT_EQ(all[2].octets, 100u);
  EXPECT_EQ(all[3].uidl, "uid-2");
  EXPECT_EQ(all[3].octets, 50u);
  EXPECT_EQ(all[4].uidl, "uid-1");
}

TEST_F(ObservedLoginTest, ARetrievalCutShortIsReportedWithWhatWasRead) {
  auto maildrop = login();
  std::array<char, 30> buffer{};
  maildrop->read(0, 0, buffer);  // TOP: the head only, and no read at the end
  maildrop->read(1, 0, buffer);  // the next message begins
  maildrop.reset();              // the session ends mid-message
  const auto all = events();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].uidl, "uid-1");
  EXPECT_EQ(all[2].octets, 30u);
  EXPECT_EQ(all[3].uidl, "uid-2");
  EXPECT_EQ(all[3].octets, 30u);
}

TEST_F(ObservedLoginTest, UpdateReportsEveryDeletionThenTheCommit) {
  auto maildrop = login();
  maildrop->expunge({0, 1});
  const auto all = events();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[2].type, POSTAMT_EVENT_MESSAGE_DELETED);
  EXPECT_EQ(all[2].uidl, "uid-1");
  EXPECT_EQ(all[3].type, POSTAMT_EVENT_MESSAGE_DELETED);
  EXPECT_EQ(all[3].uidl, "uid-2");
  EXPECT_EQ(all[4].type, POSTAMT_EVENT_UPDATE_COMMITTED);
  EXPECT_EQ(all[4].count, 2u);
  EXPECT_EQ(all[4].octets, 150u);
}

TEST_F(ObservedLoginTest, AFailedUpdateReportsNothing) {
  store_.expungeFailsTemporary = true;
  auto maildrop = login();
  EXPECT_THROW(maildrop->expunge({0}), pop3::StoreError);
  EXPECT_EQ(events().size(), 2u);
}

}  // namespace
}  // namespace postamt::events
