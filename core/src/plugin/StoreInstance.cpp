#include "plugin/StoreInstance.h"

#include <Poco/Logger.h>

#include <cstddef>
#include <thread>

#include "plugin/HostApi.h"
#include "plugin/PluginCall.h"
#include "plugin/PluginHost.h"
#include "postamt/sdk/Offers.hpp"

namespace postamt::plugin {
namespace {

// A maildrop opened through a store plugin, seen as the POP3 session needs it.
class PluginMaildrop final : public pop3::Maildrop {
 public:
  PluginMaildrop(const postamt_store_api& api, void* handle) : api_(api), handle_(handle) {}
  ~PluginMaildrop() override { api_.close_maildrop(handle_); }

  // Fetches the listing the store fixed at open.
  postamt_status list(ErrorText& error) {
    struct Listing {
      std::vector<pop3::MessageInfo>& messages;
      bool complete = true;
    } listing{messages_};
    const postamt_status status = api_.list(
        handle_,
        [](void* context, const char* uidl, uint64_t size) noexcept {
          auto& l = *static_cast<Listing*>(context);
          try {
            l.messages.push_back({uidl, size});
          } catch (const std::bad_alloc&) {
            l.complete = false;  // a short listing would renumber messages: refuse it
          }
        },
        &listing, error.get());
    return status == POSTAMT_OK && !listing.complete ? POSTAMT_TEMP_FAIL : status;
  }

  const std::vector<pop3::MessageInfo>& messages() const override { return messages_; }

  std::size_t read(std::size_t index, std::uint64_t offset, std::span<char> buffer) override {
    ErrorText error;
    std::size_t got = 0;
    const postamt_status status = api_.read(handle_, index, offset, buffer.data(), buffer.size(), &got, error.get());
    if (status != POSTAMT_OK) throw pop3::StoreError(error.describe(status), status != POSTAMT_PERM_FAIL);
    return got;
  }

  void expunge(const std::vector<std::size_t>& indexes) override {
    ErrorText error;
    const postamt_status status = api_.expunge(handle_, indexes.data(), indexes.size(), error.get());
    if (status != POSTAMT_OK) throw pop3::StoreError(error.describe(status), status != POSTAMT_PERM_FAIL);
  }

  void markRetrieved(std::size_t index) noexcept override {
    if (sdk::offers(api_, &postamt_store_api::mark_retrieved)) api_.mark_retrieved(handle_, index);
  }

 private:
  const postamt_store_api& api_;
  void* handle_;
  std::vector<pop3::MessageInfo> messages_;
};

// A decorator table must reach and fill create, destroy and store: the host needs all three.
const postamt_store_decorator_api& complete(const postamt_store_decorator_api& decorator, const std::string& name) {
  if (decorator.size < offsetof(postamt_store_decorator_api, store) + sizeof(decorator.store) || decorator.create == nullptr ||
      decorator.destroy == nullptr || decorator.store == nullptr) {
    throw PluginError("cannot create " + name + ": its plugin's store decorator table is incomplete");
  }
  return decorator;
}

}  // namespace

StoreInstance::StoreInstance(std::string name, const postamt_store_api& api, const postamt_settings& settings)
    : name_(std::move(name)), api_(api), destroy_(api.destroy) {
  ErrorText error;
  instance_ = api_.create(&hostApi(), &settings, error.get());
  if (instance_ == nullptr) throw PluginError("cannot create " + name_ + ": " + error.describe(POSTAMT_PERM_FAIL));
}

StoreInstance::StoreInstance(std::string name, const postamt_store_decorator_api& decorator, const postamt_settings& settings,
                             StoreInstance& wrapped)
    : name_(std::move(name)), api_(*complete(decorator, name_).store), destroy_(decorator.destroy) {
  ErrorText error;
  instance_ = decorator.create(&hostApi(), &settings, &wrapped.api_, wrapped.instance_, error.get());
  if (instance_ == nullptr) throw PluginError("cannot create " + name_ + ": " + error.describe(POSTAMT_PERM_FAIL));
}

StoreInstance::~StoreInstance() { destroy_(instance_); }

StoreInstance::Opened StoreInstance::openWhenFree(const tenant::Mailbox& mailbox, const std::string& lockHolder,
                                                  std::chrono::milliseconds patience, const postamt_maildrop_rules* rules) {
  // Each try is a write (the lock's UPDATE): a few a second tell a moment's lock from a session's without
  // crowding the database's writers.
  constexpr auto kRetryEvery = std::chrono::milliseconds(50);
  const auto giveUp = std::chrono::steady_clock::now() + patience;
  for (;;) {
    Opened opened = open(mailbox, lockHolder, rules);
    if (opened.status != POSTAMT_IN_USE || std::chrono::steady_clock::now() >= giveUp) return opened;
    std::this_thread::sleep_for(kRetryEvery);
  }
}

StoreInstance::Opened StoreInstance::open(const tenant::Mailbox& mailbox, const std::string& lockHolder,
                                          const postamt_maildrop_rules* rules) {
  Opened opened;
  ErrorText error;
  const postamt_mailbox view = mailbox.view();
  void* handle = nullptr;
  opened.status = POSTAMT_UNSUPPORTED;
  if (rules != nullptr && sdk::offers(api_, &postamt_store_api::open_maildrop_ruled)) {
    opened.status = api_.open_maildrop_ruled(instance_, &view, lockHolder.c_str(), rules, &handle, error.get());
  }
  // Unsupported by the table or by the answer (a decorator over a store without rules): open plainly.
  if (opened.status == POSTAMT_UNSUPPORTED) {
    if (rules != nullptr) {
      Poco::Logger::get("store").warning("%s cannot apply retention or keep-on-server rules; %s keeps everything", name_,
                                         mailbox.fullAddress);
    }
    opened.status = api_.open_maildrop(instance_, &view, lockHolder.c_str(), &handle, error.get());
  }
  if (opened.status != POSTAMT_OK) {
    opened.error = error.describe(opened.status);
    return opened;
  }
  auto maildrop = std::make_unique<PluginMaildrop>(api_, handle);
  opened.status = maildrop->list(error);
  if (opened.status != POSTAMT_OK) {
    opened.error = error.describe(opened.status);
    return opened;
  }
  opened.maildrop = std::move(maildrop);
  return opened;
}

StoreInstance::Delivered StoreInstance::deliver(const std::vector<tenant::Mailbox>& recipients,
                                                const postamt_message_source& message) {
  Delivered delivered;
  std::vector<postamt_mailbox> views;
  views.reserve(recipients.size());
  for (const auto& recipient : recipients) views.push_back(recipient.view());
  delivered.perRecipient.assign(recipients.size(), POSTAMT_TEMP_FAIL);
  ErrorText error;
  delivered.status = api_.deliver(instance_, views.data(), views.size(), &message, delivered.perRecipient.data(), error.get());
  if (delivered.status != POSTAMT_OK) delivered.error = error.describe(delivered.status);
  return delivered;
}

StoreInstance::Imported StoreInstance::importMessage(const tenant::Mailbox& mailbox, const std::string& uidl,
                                                     std::int64_t receivedAt, const postamt_message_source& message) {
  Imported imported;
  if (!sdk::offers(api_, &postamt_store_api::import_message)) {
    imported.status = POSTAMT_UNSUPPORTED;
    imported.error = std::string(statusName(POSTAMT_UNSUPPORTED)) + ": " + name_ + " cannot import messages";
    return imported;
  }
  ErrorText error;
  const postamt_mailbox view = mailbox.view();
  imported.status = api_.import_message(instance_, &view, uidl.c_str(), receivedAt, &message, error.get());
  if (imported.status != POSTAMT_OK && imported.status != POSTAMT_EXISTS) imported.error = error.describe(imported.status);
  return imported;
}

StoreInstance::Usage StoreInstance::usage(std::int64_t tenantId, const tenant::Mailbox* mailbox) {
  Usage used;
  if (!sdk::offers(api_, &postamt_store_api::usage)) {
    used.status = POSTAMT_UNSUPPORTED;
    used.error = std::string(statusName(POSTAMT_UNSUPPORTED)) + ": " + name_ + " cannot report usage";
    return used;
  }
  ErrorText error;
  postamt_mailbox view{};
  if (mailbox != nullptr) view = mailbox->view();
  used.status = api_.usage(instance_, tenantId, mailbox != nullptr ? &view : nullptr, &used.messages, &used.octets, error.get());
  if (used.status != POSTAMT_OK) used.error = error.describe(used.status);
  return used;
}

StoreInstance::Restored StoreInstance::restore(const tenant::Mailbox& mailbox) {
  Restored restored;
  if (!sdk::offers(api_, &postamt_store_api::restore)) {
    restored.status = POSTAMT_UNSUPPORTED;
    restored.error = std::string(statusName(POSTAMT_UNSUPPORTED)) + ": " + name_ + " cannot restore messages";
    return restored;
  }
  ErrorText error;
  const postamt_mailbox view = mailbox.view();
  restored.status = api_.restore(instance_, &view, &restored.count, error.get());
  if (restored.status != POSTAMT_OK) restored.error = error.describe(restored.status);
  return restored;
}

}  // namespace postamt::plugin
