// Store decorators in C++ (ABI 1.3): derive from StoreDecorator, override only
// the calls you change, then hand storeDecoratorApi<YourDecorator>() to
// POSTAMT_PLUGIN (Plugin.hpp). The config says what it wraps:
//   store.audited.plugin = store-audit
//   store.audited.wraps = main
#ifndef POSTAMT_SDK_STORE_DECORATOR_HPP
#define POSTAMT_SDK_STORE_DECORATOR_HPP

#include <postamt/abi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "postamt/sdk/Instance.hpp"
#include "postamt/sdk/Store.hpp"
#include "postamt/sdk/WrappedStore.hpp"

namespace postamt::sdk {

// A maildrop that passes every call to the one it wraps. Derive from it to
// see or change some calls (expunge, for an audit trail) and keep the rest.
// Used by one thread at a time, as every Maildrop; destroying it closes the
// wrapped one.
class MaildropDecorator : public Maildrop {
 public:
  explicit MaildropDecorator(std::unique_ptr<Maildrop> wrapped) : wrapped_(std::move(wrapped)) {}

  void list(const ListingFn& each) override { wrapped_->list(each); }
  std::size_t read(std::size_t index, std::uint64_t offset, Span<char> buffer) override {
    return wrapped_->read(index, offset, buffer);
  }
  void expunge(Span<const std::size_t> indexes) override { wrapped_->expunge(indexes); }
  void markRetrieved(std::size_t index) noexcept override { wrapped_->markRetrieved(index); }

 protected:
  Maildrop& wrapped() noexcept { return *wrapped_; }

 private:
  std::unique_ptr<Maildrop> wrapped_;
};

// A store that passes every call to the store instance it wraps, which the
// host creates before and destroys after it. The wrapped store's failures
// arrive as Error with its status; let them pass, so the host answers as it
// would without the decorator. Thread-safe as Store requires, as long as what
// a subclass adds is.
class StoreDecorator : public Store {
 public:
  explicit StoreDecorator(std::unique_ptr<Store> wrapped) : wrapped_(std::move(wrapped)) {
    if (!wrapped_) throw Error(POSTAMT_PERM_FAIL, "a store decorator needs a store to wrap");
  }

  std::unique_ptr<Maildrop> openMaildrop(const Mailbox& mailbox, const std::string& lockHolder) override {
    return wrapped_->openMaildrop(mailbox, lockHolder);
  }
  std::unique_ptr<Maildrop> openMaildropWithRules(const Mailbox& mailbox, const std::string& lockHolder,
                                                  const MaildropRules& rules) override {
    return wrapped_->openMaildropWithRules(mailbox, lockHolder, rules);
  }
  std::vector<postamt_status> deliver(const std::vector<Mailbox>& recipients, MessageSource& message) override {
    return wrapped_->deliver(recipients, message);
  }
  postamt_status importMessage(const Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                               MessageSource& message) override {
    return wrapped_->importMessage(mailbox, uidl, receivedAt, message);
  }
  std::uint64_t restore(const Mailbox& mailbox) override { return wrapped_->restore(mailbox); }
  Usage usage(std::int64_t tenantId, const Mailbox* mailbox) override { return wrapped_->usage(tenantId, mailbox); }

 protected:
  Store& wrapped() noexcept { return *wrapped_; }

 private:
  std::unique_ptr<Store> wrapped_;
};

namespace detail {

template <class T>
struct StoreDecoratorAdapter {
  static_assert(std::is_base_of<StoreDecorator, T>::value, "a store decorator must derive from StoreDecorator");
  static_assert(std::is_constructible<T, Host, const Settings&, std::unique_ptr<Store>>::value,
                "T must be constructible from (Host, const Settings&, std::unique_ptr<Store> wrapped)");

  // NULL, with the reason in `error`, when T's constructor throws.
  static void* create(const postamt_host_api* host, const postamt_settings* settings, const postamt_store_api* innerApi,
                      void* innerInstance, postamt_error* error) noexcept {
    return InstanceAdapter<Store, T>::createWith(host, settings, error, [&](Host h, const Settings& s) {
      if (innerApi == nullptr) throw Error(POSTAMT_PERM_FAIL, "no store to wrap");
      return new T(h, s, std::make_unique<WrappedStore>(*innerApi, innerInstance));
    });
  }
};

}  // namespace detail

// The C table for decorator class T, which derives from StoreDecorator and is
// constructible from (Host, const Settings&, std::unique_ptr<Store> wrapped).
// Its store calls are storeApi()'s own adapter. One static table per T.
template <class T>
const postamt_store_decorator_api* storeDecoratorApi() noexcept {
  using A = detail::StoreDecoratorAdapter<T>;
  static const postamt_store_api store = detail::storeTable<T>(nullptr, nullptr);
  static const postamt_store_decorator_api api = {sizeof(postamt_store_decorator_api), &A::create,
                                                  &detail::InstanceAdapter<Store, T>::destroy, &store};
  return &api;
}

}  // namespace postamt::sdk

#endif
