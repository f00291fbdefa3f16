#include "events/ObservedLogin.h"

#include <numeric>
#include <optional>

namespace postamt::events {
namespace {

// What a session does with its maildrop, as events. A retrieval is reported
// once it ends: when the last octet is read, when the session moves on to
// another message (TOP reads only the head), or when the maildrop closes.
class ObservedMaildrop : public pop3::Maildrop {
 public:
  ObservedMaildrop(std::unique_ptr<pop3::Maildrop> inner, EventBus& bus, const Origin& origin, Event identity)
      : inner_(std::move(inner)), bus_(bus), origin_(origin), identity_(std::move(identity)) {}

  ~ObservedMaildrop() override { reportRetrieval(); }

  const std::vector<pop3::MessageInfo>& messages() const override { return inner_->messages(); }

  std::size_t read(std::size_t index, std::uint64_t offset, std::span<char> buffer) override {
    if (retrieving_ && (retrieving_->index != index || offset == 0)) reportRetrieval();
    const std::size_t got = inner_->read(index, offset, buffer);
    if (got == 0) {
      reportRetrieval();  // the end, read once more: nothing new begins
      return got;
    }
    if (!retrieving_) retrieving_ = Retrieval{index, 0};
    retrieving_->octets += got;
    if (offset + got >= messages()[index].size) reportRetrieval();
    return got;
  }

  void markRetrieved(std::size_t index) noexcept override { inner_->markRetrieved(index); }

  void expunge(const std::vector<std::size_t>& indexes) override {
    reportRetrieval();
    std::vector<pop3::MessageInfo> removed;  // as listed before the store changes anything
    for (std::size_t index : indexes) removed.push_back(messages().at(index));
    inner_->expunge(indexes);  // throws, and nothing is reported, when nothing was removed
    std::uint64_t octets = 0;
    for (const pop3::MessageInfo& message : removed) {
      Event deleted = about(POSTAMT_EVENT_MESSAGE_DELETED);
      deleted.uidl = message.uidl;
      deleted.octets = message.size;
      bus_.publish(deleted);
      octets += message.size;
    }
    Event committed = about(POSTAMT_EVENT_UPDATE_COMMITTED);
    committed.count = indexes.size();
    committed.octets = octets;
    bus_.publish(committed);
  }

 private:
  struct Retrieval {
    std::size_t index;
    std::uint64_t octets;
  };

  Event about(postamt_event_type type) const {
    Event event(type, origin_);
    event.tenantId = identity_.tenantId;
    event.tenant = identity_.tenant;
    event.user = identity_.user;
    return event;
  }

  void reportRetrieval() {
    if (!retrieving_) return;
    Event retrieved = about(POSTAMT_EVENT_MESSAGE_RETRIEVED);
    retrieved.uidl = messages()[retrieving_->index].uidl;
    retrieved.octets = retrieving_->octets;
    retrieving_.reset();
    bus_.publish(retrieved);
  }

  std::unique_ptr<pop3::Maildrop> inner_;
  EventBus& bus_;
  const Origin& origin_;
  const Event identity_;  // tenant and user of every event
  std::optional<Retrieval> retrieving_;
};

postamt_status statusOf(pop3::LoginResult::Outcome outcome) {
  switch (outcome) {
    case pop3::LoginResult::Outcome::Ok: return POSTAMT_OK;
    case pop3::LoginResult::Outcome::Denied:
    case pop3::LoginResult::Outcome::TooSoon: return POSTAMT_DENIED;  // the tenant's LOGIN-DELAY
    case pop3::LoginResult::Outcome::InUse: return POSTAMT_IN_USE;
    case pop3::LoginResult::Outcome::TempFail: return POSTAMT_TEMP_FAIL;
    case pop3::LoginResult::Outcome::PermFail: return POSTAMT_PERM_FAIL;
  }
  return POSTAMT_PERM_FAIL;
}

}  // namespace

ObservedLogin::ObservedLogin(pop3::Authenticator& inner, EventBus& bus, const Origin& origin)
    : inner_(inner), bus_(bus), origin_(origin) {}

pop3::LoginResult ObservedLogin::login(const pop3::LoginRequest& request) { return reported(request, inner_.login(request)); }

pop3::LoginResult ObservedLogin::openProven(const pop3::LoginRequest& request) {
  return reported(request, inner_.openProven(request));
}

sasl::StoredSecret ObservedLogin::storedSecret(const std::string& user) { return inner_.storedSecret(user); }

std::optional<pop3::PolicyAnnouncement> ObservedLogin::announcedBeforeLogin() { return inner_.announcedBeforeLogin(); }

void ObservedLogin::loginFailed(const pop3::LoginRequest& request, const std::string& reason) {
  inner_.loginFailed(request, reason);
  Event failed(POSTAMT_EVENT_AUTH_FAILED, origin_);
  failed.user = request.user;
  failed.detail = reason;
  failed.status = POSTAMT_DENIED;
  bus_.publish(failed);
}

sasl::TokenCheck ObservedLogin::verifyBearerToken(const std::string& user, const std::string& token) {
  const sasl::TokenCheck check = inner_.verifyBearerToken(user, token);
  if (check != sasl::TokenCheck::Valid) {
    Event refused(POSTAMT_EVENT_AUTH_FAILED, origin_);
    refused.user = user;
    refused.detail = "bearer token refused";
    refused.status = check == sasl::TokenCheck::TempFail ? POSTAMT_TEMP_FAIL : POSTAMT_DENIED;
    bus_.publish(refused);
  }
  return check;
}

pop3::LoginResult ObservedLogin::reported(const pop3::LoginRequest& request, pop3::LoginResult result) {
  const bool ok = result.outcome == pop3::LoginResult::Outcome::Ok;
  Event identity(ok ? POSTAMT_EVENT_AUTH_SUCCEEDED : POSTAMT_EVENT_AUTH_FAILED, origin_);
  identity.tenantId = result.tenantId;
  identity.tenant = result.tenant;
  identity.user = request.user;
  if (!ok) {
    identity.detail = result.text;
    identity.status = statusOf(result.outcome);
  }
  bus_.publish(identity);
  if (!ok) return result;

  Event opened = identity;
  opened.type = POSTAMT_EVENT_MAILDROP_OPENED;
  const auto& messages = result.maildrop->messages();
  opened.count = messages.size();
  opened.octets = std::accumulate(messages.begin(), messages.end(), std::uint64_t{0},
                                  [](std::uint64_t sum, const pop3::MessageInfo& m) { return sum + m.size; });
  bus_.publish(opened);
  result.maildrop = std::make_unique<ObservedMaildrop>(std::move(result.maildrop), bus_, origin_, identity);
  return result;
}

}  // namespace postamt::events
