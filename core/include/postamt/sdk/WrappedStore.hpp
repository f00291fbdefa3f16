// The store a decorator wraps, seen as a C++ Store (StoreDecorator.hpp).
#ifndef POSTAMT_SDK_WRAPPED_STORE_HPP
#define POSTAMT_SDK_WRAPPED_STORE_HPP

#include <postamt/abi.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "postamt/sdk/Error.hpp"
#include "postamt/sdk/Offers.hpp"
#include "postamt/sdk/Store.hpp"

namespace postamt::sdk {

namespace detail {

// One line of error text from the wrapped store, turned into the Error that
// carries its status on through the decorator.
class InnerError {
 public:
  postamt_error* get() noexcept { return &error_; }
  void check(postamt_status status, const char* what) const {
    if (status != POSTAMT_OK)
      throw Error(status, std::string(what) + (text_[0] != '\0' ? std::string(": ") + text_ : std::string()));
  }

 private:
  char text_[512] = {};
  postamt_error error_{text_, sizeof text_};
};

inline postamt_mailbox viewOf(const Mailbox& mailbox) noexcept {
  return {mailbox.tenantId, mailbox.address.c_str(), mailbox.localPart.c_str(), mailbox.domain.c_str()};
}

// A MessageSource as the C table takes it, so the wrapped store reads the
// very bytes the decorator was given.
inline postamt_message_source sourceOf(MessageSource& message) noexcept {
  return {message.size(), &message,
          [](void* context, std::uint64_t offset, char* buffer, std::size_t capacity, std::size_t* got) noexcept {
            *got = 0;
            return guarded(nullptr, [&] {
              *got = static_cast<MessageSource*>(context)->read(offset, Span<char>(buffer, capacity));
              return POSTAMT_OK;
            });
          }};
}

// A maildrop handle of the wrapped store; closing it is this object's job.
class WrappedMaildrop final : public Maildrop {
 public:
  WrappedMaildrop(const postamt_store_api& api, void* handle) noexcept : api_(api), handle_(handle) {}
  ~WrappedMaildrop() override { api_.close_maildrop(handle_); }
  WrappedMaildrop(const WrappedMaildrop&) = delete;
  WrappedMaildrop& operator=(const WrappedMaildrop&) = delete;

  void list(const ListingFn& each) override {
    struct Listing {
      const ListingFn& each;
      std::exception_ptr failed;
    } listing{each, nullptr};
    InnerError error;
    const postamt_status status = api_.list(
        handle_,
        [](void* context, const char* uidl, std::uint64_t size) noexcept {
          auto& l = *static_cast<Listing*>(context);
          if (l.failed) return;
          try {
            l.each(uidl, size);
          } catch (...) {
            l.failed = std::current_exception();  // must not unwind through the wrapped store's C frames
          }
        },
        &listing, error.get());
    if (listing.failed) std::rethrow_exception(listing.failed);
    error.check(status, "the wrapped store cannot list the maildrop");
  }

  std::size_t read(std::size_t index, std::uint64_t offset, Span<char> buffer) override {
    InnerError error;
    std::size_t got = 0;
    error.check(api_.read(handle_, index, offset, buffer.data(), buffer.size(), &got, error.get()),
                "the wrapped store cannot read the message");
    return got;
  }

  void expunge(Span<const std::size_t> indexes) override {
    InnerError error;
    error.check(api_.expunge(handle_, indexes.data(), indexes.size(), error.get()), "the wrapped store cannot expunge");
  }

  void markRetrieved(std::size_t index) noexcept override {
    if (offers(api_, &postamt_store_api::mark_retrieved)) api_.mark_retrieved(handle_, index);
  }

 private:
  const postamt_store_api& api_;
  void* handle_;
};

}  // namespace detail

// The wrapped store instance of a decorator: every call goes to its C table,
// and every failure comes back as Error with the wrapped store's own status
// and text. What the wrapped store does not offer (an older ABI, or NULL)
// throws Error(POSTAMT_UNSUPPORTED), as Store's defaults do. Thread-safe as
// the wrapped store is; valid as long as the decorator (abi.h).
class WrappedStore final : public Store {
 public:
  WrappedStore(const postamt_store_api& api, void* instance) : api_(api), instance_(instance) {
    if (instance_ == nullptr) throw Error(POSTAMT_PERM_FAIL, "no store instance to wrap");
  }

  std::unique_ptr<Maildrop> openMaildrop(const Mailbox& mailbox, const std::string& lockHolder) override {
    detail::InnerError error;
    const postamt_mailbox view = detail::viewOf(mailbox);
    void* handle = nullptr;
    error.check(api_.open_maildrop(instance_, &view, lockHolder.c_str(), &handle, error.get()),
                "the wrapped store cannot open the maildrop");
    return adopt(handle);
  }

  std::unique_ptr<Maildrop> openMaildropWithRules(const Mailbox& mailbox, const std::string& lockHolder,
                                                  const MaildropRules& rules) override {
    if (!offers(api_, &postamt_store_api::open_maildrop_ruled))
      return Store::openMaildropWithRules(mailbox, lockHolder, rules);
    detail::InnerError error;
    const postamt_mailbox view = detail::viewOf(mailbox);
    const postamt_maildrop_rules wanted{sizeof(postamt_maildrop_rules), rules.expireAfterDays,
                                        rules.expireLargerThan,         rules.keepDeletedDays,
                                        rules.keepRetrievedDays,        rules.expireRetrievedOnly ? 1 : 0};
    void* handle = nullptr;
    error.check(api_.open_maildrop_ruled(instance_, &view, lockHolder.c_str(), &wanted, &handle, error.get()),
                "the wrapped store cannot open the maildrop");
    return adopt(handle);
  }

  std::vector<postamt_status> deliver(const std::vector<Mailbox>& recipients, MessageSource& message) override {
    std::vector<postamt_mailbox> views;
    views.reserve(recipients.size());
    for (const Mailbox& recipient : recipients) views.push_back(detail::viewOf(recipient));
    std::vector<postamt_status> results(recipients.size(), POSTAMT_TEMP_FAIL);
    const postamt_message_source source = detail::sourceOf(message);
    detail::InnerError error;
    error.check(api_.deliver(instance_, views.data(), views.size(), &source, results.data(), error.get()),
                "the wrapped store cannot deliver");
    return results;
  }

  postamt_status importMessage(const Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                               MessageSource& message) override {
    if (!offers(api_, &postamt_store_api::import_message))
      return Store::importMessage(mailbox, uidl, receivedAt, message);
    detail::InnerError error;
    const postamt_mailbox view = detail::viewOf(mailbox);
    const postamt_message_source source = detail::sourceOf(message);
    const postamt_status status = api_.import_message(instance_, &view, uidl.c_str(), receivedAt, &source, error.get());
    if (status != POSTAMT_EXISTS) error.check(status, "the wrapped store cannot import");
    return status;
  }

  std::uint64_t restore(const Mailbox& mailbox) override {
    if (!offers(api_, &postamt_store_api::restore)) return Store::restore(mailbox);
    detail::InnerError error;
    const postamt_mailbox view = detail::viewOf(mailbox);
    std::uint64_t restored = 0;
    error.check(api_.restore(instance_, &view, &restored, error.get()), "the wrapped store cannot restore");
    return restored;
  }

  Usage usage(std::int64_t tenantId, const Mailbox* mailbox) override {
    if (!offers(api_, &postamt_store_api::usage)) return Store::usage(tenantId, mailbox);
    detail::InnerError error;
    postamt_mailbox view{};
    if (mailbox != nullptr) view = detail::viewOf(*mailbox);
    Usage used;
    error.check(api_.usage(instance_, tenantId, mailbox != nullptr ? &view : nullptr, &used.messages, &used.octets, error.get()),
                "the wrapped store cannot report usage");
    return used;
  }

 private:
  // Closes the handle again if the wrapper cannot be made, so the lock is not left held.
  std::unique_ptr<Maildrop> adopt(void* handle) {
    try {
      return std::make_unique<detail::WrappedMaildrop>(api_, handle);
    } catch (const std::bad_alloc&) {
      api_.close_maildrop(handle);
      throw;
    }
  }

  const postamt_store_api& api_;
  void* instance_;
};

}  // namespace postamt::sdk

#endif
