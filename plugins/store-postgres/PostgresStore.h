#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "Pg.h"
#include "postamt/sdk/Host.hpp"
#include "postamt/sdk/LockLeases.hpp"
#include "postamt/sdk/Settings.hpp"
#include "postamt/sdk/Store.hpp"

// The production message store: maildrops, messages and bodies in PostgreSQL
// (schemas/postgres), shared by any number of postamtd frontends.
namespace postamt::store_postgres {

// Settings: connect (a libpq conninfo, required), pool_size (16: connections
// shared by every session of the instance), pool_wait_ms (5000: how long an
// operation waits for one), lock_lease_seconds (900), statement_timeout_ms
// (30000: longer statements fail as temporary). Thread-safe.
class PostgresStore : public sdk::Store {
 public:
  PostgresStore(sdk::Host host, const sdk::Settings& settings);

  std::unique_ptr<sdk::Maildrop> openMaildrop(const sdk::Mailbox& mailbox, const std::string& lockHolder) override;
  std::unique_ptr<sdk::Maildrop> openMaildropWithRules(const sdk::Mailbox& mailbox, const std::string& lockHolder,
                                                       const MaildropRules& rules) override;
  std::uint64_t restore(const sdk::Mailbox& mailbox) override;
  Usage usage(std::int64_t tenantId, const sdk::Mailbox* mailbox) override;
  std::vector<postamt_status> deliver(const std::vector<sdk::Mailbox>& recipients, sdk::MessageSource& message) override;
  postamt_status importMessage(const sdk::Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                               sdk::MessageSource& message) override;

 private:
  void renew(const std::vector<sdk::LockLeases::Lock>& held);

  sdk::Host host_;
  const std::int64_t leaseSeconds_;
  ConnectionPool pool_;
  sdk::LockLeases leases_;  // after pool_: its renewer thread stops before the pool goes
};

// One entry of the listing fixed at open.
struct ListedMessage {
  std::int64_t uid;
  std::string uidl;
  std::uint64_t size;
  std::int64_t bodyId;
};

// An open maildrop holding the lock; LockLeases renews it until the maildrop
// is destroyed, which releases it.
class PostgresMaildrop : public sdk::Maildrop {
 public:
  PostgresMaildrop(sdk::Host host, ConnectionPool& pool, sdk::LockLeases& leases, sdk::LockLeases::Lock lock,
                   std::int64_t leaseSeconds, std::vector<ListedMessage> messages, std::int64_t keepDeletedSeconds);
  ~PostgresMaildrop() override;

  void list(const ListingFn& each) override;
  std::size_t read(std::size_t index, std::uint64_t offset, sdk::Span<char> buffer) override;
  void expunge(sdk::Span<const std::size_t> indexes) override;
  void markRetrieved(std::size_t index) noexcept override;

 private:
  // The chunk last read: RETR asks for less than a chunk at a time, so one
  // chunk row serves several reads. At most one chunk per session in memory.
  struct CachedChunk {
    std::size_t index;
    std::uint64_t start;  // the offset of its first octet in the message
    std::size_t length;
    Result data;  // chunk_size (int4), data: binary
  };

  const ListedMessage& message(std::size_t index) const;

  sdk::Host host_;
  ConnectionPool& pool_;
  sdk::LockLeases& leases_;
  const sdk::LockLeases::Lock lock_;
  const std::int64_t leaseSeconds_;
  const std::vector<ListedMessage> messages_;
  const std::int64_t keepDeletedSeconds_;  // keep-on-server: expunge() hides for this long; 0 removes
  std::vector<std::string> retrieved_;     // UIDs sent whole, recorded when the maildrop closes
  std::unique_ptr<CachedChunk> chunk_;
};

}  // namespace postamt::store_postgres
