#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "CommitGroup.h"
#include "Sqlite.h"
#include "postamt/sdk/Host.hpp"
#include "postamt/sdk/LockLeases.hpp"
#include "postamt/sdk/Settings.hpp"
#include "postamt/sdk/Store.hpp"

// The embedded default message store: maildrops, messages and bodies in the
// SQLite file that `postamtctl db init` creates (schemas/sqlite).
namespace postamt::store_sqlite {

// Settings: path (required), lock_lease_seconds (900), busy_timeout_ms (5000),
// pool_size (8: connections kept open between uses). Thread-safe.
class SqliteStore : public sdk::Store {
 public:
  SqliteStore(sdk::Host host, const sdk::Settings& settings);

  std::unique_ptr<sdk::Maildrop> openMaildrop(const sdk::Mailbox& mailbox, const std::string& lockHolder) override;
  std::unique_ptr<sdk::Maildrop> openMaildropWithRules(const sdk::Mailbox& mailbox, const std::string& lockHolder,
                                                       const MaildropRules& rules) override;
  std::uint64_t restore(const sdk::Mailbox& mailbox) override;
  std::vector<postamt_status> deliver(const std::vector<sdk::Mailbox>& recipients, sdk::MessageSource& message) override;
  postamt_status importMessage(const sdk::Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                               sdk::MessageSource& message) override;
  Usage usage(std::int64_t tenantId, const sdk::Mailbox* mailbox) override;

 private:
  std::int64_t storeBody(Connection& db, std::int64_t tenantId, sdk::MessageSource& message);
  void renew(const std::vector<sdk::LockLeases::Lock>& held);

  sdk::Host host_;
  std::int64_t leaseSeconds_;
  ConnectionPool pool_;
  CommitGroup durableWrites_{pool_};  // every synced write: deliveries, imports, UPDATE, restore
  ConnectionPool locks_;              // lease bookkeeping only: Durability::Unsynced
  // SQLite admits one writer at a time and makes the others sleep and retry;
  // thousands of sessions taking and releasing locks at once starved some of
  // them past the busy timeout. Queueing this process's lock writes here
  // leaves SQLite's retries to other processes only.
  std::mutex lockWrites_;
  sdk::LockLeases leases_;  // after what it writes with: its renewer thread stops before they go
};

// One entry of the listing fixed at open.
struct ListedMessage {
  std::int64_t uid;
  std::string uidl;
  std::uint64_t size;
  std::int64_t bodyId;
};

// An open maildrop holding the lock under `lockHolder`, its lease renewed
// by the store's LockLeases until the maildrop is destroyed, which releases it.
class SqliteMaildrop : public sdk::Maildrop {
 public:
  SqliteMaildrop(sdk::Host host, ConnectionPool& pool, CommitGroup& durableWrites, ConnectionPool& locks, std::mutex& lockWrites,
                 sdk::LockLeases& leases, sdk::Mailbox mailbox, std::string lockHolder, std::int64_t leaseSeconds,
                 std::vector<ListedMessage> messages, std::int64_t keepDeletedSeconds);
  ~SqliteMaildrop() override;

  void list(const ListingFn& each) override;
  std::size_t read(std::size_t index, std::uint64_t offset, sdk::Span<char> buffer) override;
  void expunge(sdk::Span<const std::size_t> indexes) override;
  void markRetrieved(std::size_t index) noexcept override;

 private:
  // The body being read, kept open between read() calls for one message:
  // reopening a blob walks its overflow pages from the start, which made a
  // 20 MB read in 64 KiB chunks take 1.1 s instead of 11 ms. The price is a
  // WAL read snapshot held until the message is read to its end, another
  // message is read, or the maildrop is closed.
  struct OpenBody {
    OpenBody(std::size_t index, ConnectionPool::Lease lease, std::int64_t bodyId);
    std::size_t index;
    ConnectionPool::Lease lease;
    Blob blob;
  };

  const ListedMessage& message(std::size_t index) const;
  std::size_t readWhole(std::size_t index, sdk::Span<char> buffer);
  void checkSize(std::size_t index, std::uint64_t stored) const;
  // Renews the lease in `db`'s transaction; throws POSTAMT_IN_USE when another session has taken the lock.
  void renewLock(Connection& db);

  sdk::Host host_;
  ConnectionPool& pool_;
  CommitGroup& durableWrites_;
  ConnectionPool& locks_;
  std::mutex& lockWrites_;
  sdk::LockLeases& leases_;
  const sdk::Mailbox mailbox_;
  const std::string lockHolder_;
  const std::int64_t leaseSeconds_;
  const std::vector<ListedMessage> messages_;
  const std::int64_t keepDeletedSeconds_;  // keep-on-server: expunge() hides for this long; 0 removes
  std::vector<std::int64_t> retrieved_;    // UIDs sent whole, recorded when the maildrop closes
  std::unique_ptr<OpenBody> body_;
};

}  // namespace postamt::store_sqlite
