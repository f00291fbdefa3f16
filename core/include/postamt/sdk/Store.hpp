// Message stores in C++: derive from Store and Maildrop, then hand
// storeApi<YourStore>() to POSTAMT_PLUGIN (Plugin.hpp).
#ifndef POSTAMT_SDK_STORE_HPP
#define POSTAMT_SDK_STORE_HPP

#include <postamt/abi.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "postamt/sdk/Boundary.hpp"
#include "postamt/sdk/Error.hpp"
#include "postamt/sdk/Host.hpp"
#include "postamt/sdk/Instance.hpp"
#include "postamt/sdk/Mailbox.hpp"
#include "postamt/sdk/Settings.hpp"
#include "postamt/sdk/Span.hpp"

namespace postamt::sdk {

// The message being delivered or imported: `size()` octets, CRLF-normalised,
// readable at any offset any number of times, valid only during the
// Store::deliver() or Store::importMessage() call that passed it.
class MessageSource {
 public:
  explicit MessageSource(const postamt_message_source& source) : source_(source) {}

  std::uint64_t size() const noexcept { return source_.size; }

  // Reads up to buffer.size() octets from `offset`; 0 at the end. Throws Error
  // with the host's status when the host cannot provide the bytes.
  std::size_t read(std::uint64_t offset, Span<char> buffer) const {
    std::size_t got = 0;
    postamt_status status = source_.read(source_.context, offset, buffer.data(), buffer.size(), &got);
    if (status != POSTAMT_OK) throw Error(status, "reading the message from the host failed");
    return got;
  }

 private:
  const postamt_message_source& source_;
};

// One opened, exclusively locked maildrop. Used by one thread at a time, from
// Store::openMaildrop() until it is destroyed; destroying it releases the lock
// and applies nothing. Failures throw Error (unknown index: POSTAMT_NOT_FOUND).
class Maildrop {
 public:
  using ListingFn = std::function<void(const std::string& uidl, std::uint64_t size)>;

  virtual ~Maildrop() = default;

  // Calls `each` per message in the order fixed at open; index 0 is message 1.
  virtual void list(const ListingFn& each) = 0;
  // Reads message `index` from `offset`; returns 0 at the end of the message.
  virtual std::size_t read(std::size_t index, std::uint64_t offset, Span<char> buffer) = 0;
  // Removes all the given messages, or none of them when it throws.
  virtual void expunge(Span<const std::size_t> indexes) = 0;
  // Optional (ABI 1.2): message `index` was sent whole (RETR). Must not throw;
  // may be recorded when the maildrop is destroyed.
  virtual void markRetrieved(std::size_t /*index*/) noexcept {}
};

// A message store. One instance serves every session and delivery, so every
// member must be thread-safe. Failures throw Error; another session holding
// the maildrop is Error(POSTAMT_IN_USE).
class Store {
 public:
  virtual ~Store() = default;

  virtual std::unique_ptr<Maildrop> openMaildrop(const Mailbox& mailbox, const std::string& lockHolder) = 0;
  // Stores the message durably for every recipient (all of one tenant) before
  // returning; one status per recipient, in order. When it throws, every
  // recipient gets the thrown status.
  virtual std::vector<postamt_status> deliver(const std::vector<Mailbox>& recipients, MessageSource& message) = 0;
  // Optional (ABI 1.1): appends the message under the caller's `uidl`, which
  // the adapter has already checked against RFC 1939 section 7, so a maildrop
  // moved from another server keeps its UIDLs. Returns POSTAMT_OK, or
  // POSTAMT_EXISTS with nothing stored when the maildrop already has `uidl`;
  // UIDLs the store makes later must never equal an imported one. The default
  // refuses with POSTAMT_UNSUPPORTED.
  virtual postamt_status importMessage(const Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                                       MessageSource& message);

  // What is stored, for quotas.
  struct Usage {
    std::uint64_t messages = 0;
    std::uint64_t octets = 0;
  };
  // A tenant policy's rules for a maildrop (abi.h postamt_maildrop_rules); 0 asks nothing.
  struct MaildropRules {
    std::int64_t expireAfterDays = 0;
    std::uint64_t expireLargerThan = 0;
    std::int64_t keepDeletedDays = 0;
    std::int64_t keepRetrievedDays = 0;  // purged this many days after the first retrieval
    bool expireRetrievedOnly = false;    // expireAfterDays only for retrieved messages
  };
  // Optional (ABI 1.2): openMaildrop() that first purges what `rules` expire
  // and the hidden messages whose days are over; never lists hidden messages;
  // with keepDeletedDays, the maildrop's expunge() hides instead of removing.
  // The default refuses with POSTAMT_UNSUPPORTED.
  virtual std::unique_ptr<Maildrop> openMaildropWithRules(const Mailbox& mailbox, const std::string& lockHolder,
                                                          const MaildropRules& rules);
  // Optional (ABI 1.2): lists every hidden message again; returns how many.
  virtual std::uint64_t restore(const Mailbox& mailbox);

  // Optional (ABI 1.2): what one maildrop holds (`mailbox` set) or all the
  // maildrops of `tenantId` together (`mailbox` null). The default refuses
  // with POSTAMT_UNSUPPORTED.
  virtual Usage usage(std::int64_t tenantId, const Mailbox* mailbox);
};

inline std::unique_ptr<Maildrop> Store::openMaildropWithRules(const Mailbox&, const std::string&, const MaildropRules&) {
  throw Error(POSTAMT_UNSUPPORTED, "this store cannot apply retention or keep-on-server rules");
}

inline std::uint64_t Store::restore(const Mailbox&) { throw Error(POSTAMT_UNSUPPORTED, "this store cannot restore messages"); }

inline Store::Usage Store::usage(std::int64_t, const Mailbox*) {
  throw Error(POSTAMT_UNSUPPORTED, "this store cannot report usage");
}

inline postamt_status Store::importMessage(const Mailbox&, const std::string&, std::int64_t, MessageSource&) {
  throw Error(POSTAMT_UNSUPPORTED, "this store cannot import messages");
}

// RFC 1939 section 7: a unique-id is 1 to 70 characters in the range 0x21 to 0x7E.
inline bool isValidUidl(const char* uidl) noexcept {
  std::size_t length = 0;
  for (; uidl[length] != '\0'; ++length)
    if (length == 70 || static_cast<unsigned char>(uidl[length]) < 0x21 || static_cast<unsigned char>(uidl[length]) > 0x7E)
      return false;
  return length > 0;
}

namespace detail {

template <class T>
struct StoreAdapter : InstanceAdapter<Store, T> {

  static postamt_status openMaildrop(void* instance, const postamt_mailbox* mailbox, const char* lockHolder, void** maildrop,
                                     postamt_error* error) noexcept {
    return guarded(error, [&] {
      if (lockHolder == nullptr) throw Error(POSTAMT_PERM_FAIL, "open_maildrop without a lock holder");
      *maildrop = static_cast<T*>(instance)->openMaildrop(Mailbox::from(*mailbox), lockHolder).release();
      return POSTAMT_OK;
    });
  }

  static postamt_status list(void* maildrop, postamt_listing_fn each, void* context, postamt_error* error) noexcept {
    return guarded(error, [&] {
      static_cast<Maildrop*>(maildrop)->list(
          [&](const std::string& uidl, std::uint64_t size) { each(context, uidl.c_str(), size); });
      return POSTAMT_OK;
    });
  }

  static postamt_status read(void* maildrop, std::size_t index, std::uint64_t offset, char* buffer, std::size_t capacity,
                             std::size_t* got, postamt_error* error) noexcept {
    *got = 0;
    return guarded(error, [&] {
      *got = static_cast<Maildrop*>(maildrop)->read(index, offset, Span<char>(buffer, capacity));
      return POSTAMT_OK;
    });
  }

  static postamt_status expunge(void* maildrop, const std::size_t* indexes, std::size_t count, postamt_error* error) noexcept {
    return guarded(error, [&] {
      static_cast<Maildrop*>(maildrop)->expunge(Span<const std::size_t>(indexes, count));
      return POSTAMT_OK;
    });
  }

  static void closeMaildrop(void* maildrop) noexcept { delete static_cast<Maildrop*>(maildrop); }

  static postamt_status deliver(void* instance, const postamt_mailbox* recipients, std::size_t count,
                                const postamt_message_source* message, postamt_status* results, postamt_error* error) noexcept {
    postamt_status status = guarded(error, [&] {
      std::vector<Mailbox> mailboxes;
      mailboxes.reserve(count);
      for (std::size_t i = 0; i < count; ++i) mailboxes.push_back(Mailbox::from(recipients[i]));
      MessageSource source(*message);
      std::vector<postamt_status> outcomes = static_cast<T*>(instance)->deliver(mailboxes, source);
      if (outcomes.size() != count) throw Error(POSTAMT_PERM_FAIL, "deliver() returned the wrong number of results");
      for (std::size_t i = 0; i < count; ++i) results[i] = outcomes[i];
      return POSTAMT_OK;
    });
    if (status != POSTAMT_OK)
      for (std::size_t i = 0; i < count; ++i) results[i] = status;
    return status;
  }

  static postamt_status importMessage(void* instance, const postamt_mailbox* mailbox, const char* uidl, std::int64_t receivedAt,
                                      const postamt_message_source* message, postamt_error* error) noexcept {
    return guarded(error, [&] {
      if (uidl == nullptr || !isValidUidl(uidl))
        throw Error(POSTAMT_PERM_FAIL, "a UIDL must be 1 to 70 printable ASCII characters (RFC 1939 section 7)");
      MessageSource source(*message);
      const postamt_status status = static_cast<T*>(instance)->importMessage(Mailbox::from(*mailbox), uidl, receivedAt, source);
      if (status != POSTAMT_OK && status != POSTAMT_EXISTS)
        throw Error(POSTAMT_PERM_FAIL, "importMessage() returned neither POSTAMT_OK nor POSTAMT_EXISTS");
      return status;
    });
  }

  static postamt_status openMaildropRuled(void* instance, const postamt_mailbox* mailbox, const char* lockHolder,
                                         const postamt_maildrop_rules* rules, void** maildrop, postamt_error* error) noexcept {
    return guarded(error, [&] {
      if (lockHolder == nullptr) throw Error(POSTAMT_PERM_FAIL, "open_maildrop_ruled without a lock holder");
      Store::MaildropRules wanted;
      if (rules != nullptr && rules->size >= sizeof(postamt_maildrop_rules)) {
        wanted = {rules->expire_after_days, rules->expire_larger_than, rules->keep_deleted_days, rules->keep_retrieved_days,
                  rules->expire_retrieved_only != 0};
      }
      *maildrop = static_cast<T*>(instance)->openMaildropWithRules(Mailbox::from(*mailbox), lockHolder, wanted).release();
      return POSTAMT_OK;
    });
  }

  static void markRetrieved(void* maildrop, std::size_t index) noexcept { static_cast<Maildrop*>(maildrop)->markRetrieved(index); }

  static postamt_status restore(void* instance, const postamt_mailbox* mailbox, std::uint64_t* restored,
                                postamt_error* error) noexcept {
    return guarded(error, [&] {
      *restored = static_cast<T*>(instance)->restore(Mailbox::from(*mailbox));
      return POSTAMT_OK;
    });
  }

  static postamt_status usage(void* instance, std::int64_t tenantId, const postamt_mailbox* mailbox, std::uint64_t* messages,
                              std::uint64_t* octets, postamt_error* error) noexcept {
    return guarded(error, [&] {
      std::optional<Mailbox> user;
      if (mailbox != nullptr) user = Mailbox::from(*mailbox);
      const Store::Usage used = static_cast<T*>(instance)->usage(tenantId, user ? &*user : nullptr);
      *messages = used.messages;
      *octets = used.octets;
      return POSTAMT_OK;
    });
  }
};

// The C table of store class T, whose instances `create` and `destroy` make
// and end: storeApi() and storeDecoratorApi() (StoreDecorator.hpp) share it.
template <class T>
constexpr postamt_store_api storeTable(decltype(postamt_store_api::create) create,
                                       decltype(postamt_store_api::destroy) destroy) noexcept {
  using A = StoreAdapter<T>;
  return {sizeof(postamt_store_api), create,      destroy,           &A::openMaildrop, &A::list,         &A::read,
          &A::expunge,               &A::closeMaildrop, &A::deliver, &A::importMessage, &A::usage,
          &A::openMaildropRuled,     &A::restore, &A::markRetrieved};
}

}  // namespace detail

// The C table for store class T, which derives from Store and is
// constructible from (Host, const Settings&). One static table per T.
template <class T>
const postamt_store_api* storeApi() noexcept {
  static const postamt_store_api api =
      detail::storeTable<T>(&detail::InstanceAdapter<Store, T>::create, &detail::InstanceAdapter<Store, T>::destroy);
  return &api;
}

}  // namespace postamt::sdk

#endif
