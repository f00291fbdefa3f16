#pragma once

#include <postamt/abi.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pop3/Maildrop.h"
#include "tenant/Mailbox.h"

namespace postamt::plugin {

// A named store instance ("store.main") created from a store plugin, or from
// a store decorator wrapping another instance (abi.h, ABI 1.3). Shared by all
// sessions; the plugin is thread-safe by contract (abi.h). Callers cannot
// tell a decorator from a store: both are used through the same table.
class StoreInstance {
 public:
  StoreInstance(std::string name, const postamt_store_api& api, const postamt_settings& settings);  // throws PluginError
  // `wrapped` must outlive this instance (PluginInstances destroys outermost first).
  StoreInstance(std::string name, const postamt_store_decorator_api& decorator, const postamt_settings& settings,
                StoreInstance& wrapped);  // throws PluginError
  ~StoreInstance();
  StoreInstance(const StoreInstance&) = delete;
  StoreInstance& operator=(const StoreInstance&) = delete;

  struct Opened {
    postamt_status status = POSTAMT_PERM_FAIL;
    std::string error;  // for the log
    std::unique_ptr<pop3::Maildrop> maildrop;
  };
  // Opens and locks the maildrop for `lockHolder` (RFC 1939 section 8), under
  // a policy's `rules` when given (abi.h open_maildrop_ruled); a store that
  // cannot apply them opens plainly, and that is logged.
  Opened open(const tenant::Mailbox& mailbox, const std::string& lockHolder, const postamt_maildrop_rules* rules = nullptr);
  // open(), trying again for up to `patience` while the maildrop is in use: the purge sweep and LMTP's expunges hold
  // a maildrop's lock for milliseconds, only a POP3 session holds it longer, so a short wait tells the two apart.
  Opened openWhenFree(const tenant::Mailbox& mailbox, const std::string& lockHolder, std::chrono::milliseconds patience,
                      const postamt_maildrop_rules* rules = nullptr);

  struct Restored {
    postamt_status status = POSTAMT_PERM_FAIL;
    std::string error;
    std::uint64_t count = 0;
  };
  // Lists the messages keep-on-server hides again (abi.h restore).
  Restored restore(const tenant::Mailbox& mailbox);

  struct Delivered {
    postamt_status status = POSTAMT_PERM_FAIL;  // of the call as a whole
    std::string error;
    std::vector<postamt_status> perRecipient;
  };
  Delivered deliver(const std::vector<tenant::Mailbox>& recipients, const postamt_message_source& message);

  struct Imported {
    postamt_status status = POSTAMT_PERM_FAIL;  // POSTAMT_EXISTS: the maildrop already had `uidl`
    std::string error;
  };
  // Appends one message under a caller-given UIDL (abi.h import_message).
  // POSTAMT_UNSUPPORTED when the plugin predates ABI 1.1 or does not import.
  Imported importMessage(const tenant::Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                         const postamt_message_source& message);

  struct Usage {
    postamt_status status = POSTAMT_PERM_FAIL;
    std::string error;
    std::uint64_t messages = 0;
    std::uint64_t octets = 0;
  };
  // What one maildrop holds (`mailbox` set) or a whole tenant (abi.h usage).
  // POSTAMT_UNSUPPORTED when the plugin predates ABI 1.2 or cannot tell.
  Usage usage(std::int64_t tenantId, const tenant::Mailbox* mailbox);

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  const postamt_store_api& api_;
  void (*destroy_)(void*) noexcept;  // the store's own, or its decorator's
  void* instance_ = nullptr;
};

}  // namespace postamt::plugin
