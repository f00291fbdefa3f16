#include "PostgresStore.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <ctime>

#include "Statements.h"
#include "postamt/sdk/Plugin.hpp"
#include "postamt/sdk/RuleBounds.hpp"
#include "postamt/sdk/Uidl.hpp"

namespace postamt::store_postgres {
namespace {

const std::string kName = "store-postgres";
// Bodies are stored and read in rows of this many octets: RETR of any size
// holds at most one of them per session (TOOLCHAIN pitfall 15: libpq buffers
// a whole value, so a body in one bytea would be in memory whole).
constexpr std::uint64_t kChunkBytes = 256 * 1024;

std::int64_t unixNow() { return static_cast<std::int64_t>(std::time(nullptr)); }

// An int4 in PostgreSQL's binary format: network byte order.
std::uint64_t bigEndian32(const char* value) {
  const auto* octets = reinterpret_cast<const unsigned char*>(value);
  return (std::uint64_t{octets[0]} << 24) | (std::uint64_t{octets[1]} << 16) | (std::uint64_t{octets[2]} << 8) | octets[3];
}

Params mailboxParams(std::int64_t tenantId, const std::string& address) {
  Params params;
  params.add(tenantId).add(address);
  return params;
}

Params lockParams(const sdk::LockLeases::Lock& lock) {
  Params params = mailboxParams(lock.tenantId, lock.address);
  params.add(lock.holder);
  return params;
}

// One bodies row for all recipients, its chunks filled from the host's copy
// one at a time.
std::int64_t storeBody(Connection& db, std::int64_t tenantId, sdk::MessageSource& message) {
  const std::uint64_t size = message.size();
  Params body;
  body.add(tenantId).add(static_cast<std::int64_t>(size)).add(static_cast<std::int64_t>(kChunkBytes));
  const std::int64_t bodyId = db.run(kInsertBody, body).integer(0, 0);

  std::vector<char> chunk(static_cast<std::size_t>(std::min(kChunkBytes, size)));
  for (std::uint64_t offset = 0, seq = 0; offset < size; ++seq) {
    const std::size_t length = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - offset));
    for (std::size_t filled = 0; filled < length;) {
      const std::size_t got = message.read(offset + filled, sdk::Span<char>(chunk.data() + filled, length - filled));
      if (got == 0 || got > length - filled)
        throw sdk::Error(POSTAMT_TEMP_FAIL, "the message source ended at " + std::to_string(offset + filled) + " of " +
                                                std::to_string(size) + " octets");
      filled += got;
    }
    Params row;
    row.add(tenantId).add(bodyId).add(static_cast<std::int64_t>(seq)).addOctets(chunk.data(), length);
    db.run(kInsertChunk, row);
    offset += length;
  }
  return bodyId;
}

// The maildrop's next UID, taken (and the maildrop made when missing):
// next_uid only ever grows, so no UID, and no UIDL made from it, is handed out twice.
struct TakenUid {
  std::int64_t uid;
  std::int64_t uidValidity;
};

TakenUid takeUid(Connection& db, const sdk::Mailbox& mailbox) {
  const Result taken = db.run(kTakeUid, mailboxParams(mailbox.tenantId, mailbox.address));
  return {taken.integer(0, 0), taken.integer(0, 1)};
}

void insertMessage(Connection& db, const sdk::Mailbox& mailbox, std::int64_t uid, const std::string& uidl, std::uint64_t size,
                   std::int64_t receivedAt, std::int64_t bodyId) {
  Params message = mailboxParams(mailbox.tenantId, mailbox.address);
  message.add(uid).add(uidl).add(static_cast<std::int64_t>(size)).add(receivedAt).add(bodyId);
  db.run(kInsertMessage, message);
}

// Bodies shared with other recipients stay until their last message goes. The
// bodies are locked in one order first, so two sessions purging a shared body
// neither deadlock nor both keep it.
void purgeBodies(Connection& db, std::int64_t tenantId, const std::vector<std::string>& bodyIds) {
  if (bodyIds.empty()) return;
  Params ofBodies;
  ofBodies.add(tenantId).addArray(bodyIds);
  db.run(kLockBodies, ofBodies);
  db.run(kPurgeBodies, ofBodies);
}

// A policy's retention, and the end of keep-on-server's days, in one statement
// per maildrop open: the rules are evaluated in SQL, never message by message
// in the policy. Runs in the transaction that takes the lock, so no session
// sees it half done.
void purgeExpired(Connection& db, const sdk::Mailbox& mailbox, const sdk::RuleBounds& rules) {
  std::vector<std::string> bodyIds;
  const auto purge = [&](const char* statement, Params params) {
    const Result purged = db.run(statement, params);
    for (int row = 0; row < purged.rows(); ++row) bodyIds.push_back(purged.text(row, 0));
  };
  purge(kPurgeHidden, mailboxParams(mailbox.tenantId, mailbox.address));
  if (rules.expireAfterSeconds > 0) {
    Params old = mailboxParams(mailbox.tenantId, mailbox.address);
    old.add(rules.expireAfterSeconds).add(rules.expireLargerThan).add(rules.expireRetrievedOnly ? "true" : "false");
    purge(kPurgeOld, std::move(old));
  }
  if (rules.keepRetrievedSeconds > 0) {
    Params retrieved = mailboxParams(mailbox.tenantId, mailbox.address);
    retrieved.add(rules.keepRetrievedSeconds);
    purge(kPurgeRetrieved, std::move(retrieved));
  }
  purgeBodies(db, mailbox.tenantId, bodyIds);
}

}  // namespace

PostgresStore::PostgresStore(sdk::Host host, const sdk::Settings& settings)
    : host_(host),
      leaseSeconds_(settings.getInt("lock_lease_seconds", 900, 1, INT_MAX / 1000)),
      pool_(settings.get("connect"), statements(), static_cast<std::size_t>(settings.getInt("pool_size", 16, 1, 1024)),
            std::chrono::milliseconds(settings.getInt("pool_wait_ms", 5000, 0, 600000)),
            static_cast<int>(settings.getInt("statement_timeout_ms", 30000, 1, INT_MAX))),
      leases_(host, "store-postgres", leaseSeconds_, [this](const std::vector<sdk::LockLeases::Lock>& held) { renew(held); }) {
  try {
    pool_.acquire();  // prepares every statement: a missing table fails here, not at the first login
  } catch (const sdk::Error& e) {
    if (e.status() != POSTAMT_PERM_FAIL) throw;
    throw sdk::Error(POSTAMT_PERM_FAIL, std::string(e.what()) + " (run postamtctl db migrate)");
  }
}

// Every lease this process holds, in one statement.
void PostgresStore::renew(const std::vector<sdk::LockLeases::Lock>& held) {
  std::vector<std::string> tenants, addresses, holders;
  for (const auto& lock : held) {
    tenants.push_back(std::to_string(lock.tenantId));
    addresses.push_back(lock.address);
    holders.push_back(lock.holder);
  }
  pool_.run([&](Connection& db) {
    Params params;
    params.addArray(tenants).addArray(addresses).addArray(holders).add(leaseSeconds_);
    return db.run(kRenewLocks, params);
  });
}

std::unique_ptr<sdk::Maildrop> PostgresStore::openMaildrop(const sdk::Mailbox& mailbox, const std::string& lockHolder) {
  return openMaildropWithRules(mailbox, lockHolder, {});
}

std::unique_ptr<sdk::Maildrop> PostgresStore::openMaildropWithRules(const sdk::Mailbox& mailbox, const std::string& lockHolder,
                                                                    const MaildropRules& rules) {
  const sdk::RuleBounds bounds = sdk::RuleBounds::of(rules);
  sdk::LockLeases::Lock lock{mailbox.tenantId, mailbox.address, lockHolder};
  // One transaction: a listing that fails leaves no lock behind, and no purge half done.
  const Result listing = pool_.run([&](Connection& db) {
    Transaction transaction(db);
    Params take = lockParams(lock);
    take.add(leaseSeconds_);
    if (db.run(kTakeLock, take).rows() == 0)
      throw sdk::Error(POSTAMT_IN_USE, "maildrop " + mailbox.address + " is locked by another session");
    purgeExpired(db, mailbox, bounds);
    Result rows = db.run(kListing, mailboxParams(mailbox.tenantId, mailbox.address));
    transaction.commit();
    return rows;
  });
  std::vector<ListedMessage> messages;
  messages.reserve(static_cast<std::size_t>(listing.rows()));
  for (int row = 0; row < listing.rows(); ++row)
    messages.push_back({listing.integer(row, 0), listing.text(row, 1), static_cast<std::uint64_t>(listing.integer(row, 2)),
                        listing.integer(row, 3)});
  return std::make_unique<PostgresMaildrop>(host_, pool_, leases_, std::move(lock), leaseSeconds_, std::move(messages),
                                            bounds.keepDeletedSeconds);
}

// Also while a session holds the maildrop: its listing was fixed at open, so
// the restored messages show from its next login on.
std::uint64_t PostgresStore::restore(const sdk::Mailbox& mailbox) {
  return pool_.run([&](Connection& db) {
    return static_cast<std::uint64_t>(db.run(kRestore, mailboxParams(mailbox.tenantId, mailbox.address)).integer(0, 0));
  });
}

// A body shared by several recipients counts once per maildrop: each of them holds the message.
sdk::Store::Usage PostgresStore::usage(std::int64_t tenantId, const sdk::Mailbox* mailbox) {
  const Result sum = pool_.run([&](Connection& db) {
    if (mailbox != nullptr) return db.run(kMaildropUsage, mailboxParams(tenantId, mailbox->address));
    Params ofTenant;
    ofTenant.add(tenantId);
    return db.run(kTenantUsage, ofTenant);
  });
  return {static_cast<std::uint64_t>(sum.integer(0, 0)), static_cast<std::uint64_t>(sum.integer(0, 1))};
}

std::vector<postamt_status> PostgresStore::deliver(const std::vector<sdk::Mailbox>& recipients, sdk::MessageSource& message) {
  std::vector<postamt_status> results(recipients.size(), POSTAMT_OK);
  if (recipients.empty()) return results;
  const std::int64_t tenantId = recipients.front().tenantId;
  try {
    pool_.run([&](Connection& db) {
      Transaction transaction(db);
      const std::int64_t bodyId = storeBody(db, tenantId, message);
      const std::int64_t now = unixNow();
      for (std::size_t i = 0; i < recipients.size(); ++i) {
        if (recipients[i].tenantId != tenantId) {  // a body belongs to one tenant
          results[i] = POSTAMT_PERM_FAIL;
          host_.log(POSTAMT_LOG_ERROR, kName, "delivery to " + recipients[i].address + " refused: recipients of another tenant");
          continue;
        }
        const TakenUid taken = takeUid(db, recipients[i]);
        insertMessage(db, recipients[i], taken.uid, sdk::uidlOf(taken.uid, taken.uidValidity), message.size(), now, bodyId);
      }
      transaction.commit();  // synchronous: the message is durable before the host answers 250
      return 0;
    });
  } catch (const sdk::Error& e) {
    // Whatever failed here (the database down, a tenant missing from it) an
    // administrator can fix: the sender's MTA keeps the mail queued.
    throw sdk::Error(POSTAMT_TEMP_FAIL, e.what());
  }
  return results;
}

// The message keeps the caller's UIDL and takes the next UID as its place in
// the listing, so imported messages list in the order they were imported.
postamt_status PostgresStore::importMessage(const sdk::Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                                            sdk::MessageSource& message) {
  try {
    return pool_.run([&](Connection& db) {
      Transaction transaction(db);
      Params existing = mailboxParams(mailbox.tenantId, mailbox.address);
      existing.add(uidl);
      if (db.run(kHasUidl, existing).rows() > 0) return POSTAMT_EXISTS;
      const std::int64_t bodyId = storeBody(db, mailbox.tenantId, message);
      const TakenUid taken = takeUid(db, mailbox);
      insertMessage(db, mailbox, taken.uid, uidl, message.size(), receivedAt, bodyId);
      if (const std::int64_t claimed = sdk::ownUidOf(uidl, taken.uidValidity); claimed > 0) {
        Params reserve = mailboxParams(mailbox.tenantId, mailbox.address);
        reserve.add(claimed + 1);
        db.run(kReserveUid, reserve);  // a later delivery must not make this UIDL again
      }
      transaction.commit();
      return POSTAMT_OK;
    });
  } catch (const sdk::Error& e) {
    throw sdk::Error(POSTAMT_TEMP_FAIL, e.what());  // as in deliver(): nothing here is the message's fault
  }
}

PostgresMaildrop::PostgresMaildrop(sdk::Host host, ConnectionPool& pool, sdk::LockLeases& leases, sdk::LockLeases::Lock lock,
                                   std::int64_t leaseSeconds, std::vector<ListedMessage> messages,
                                   std::int64_t keepDeletedSeconds)
    : host_(host),
      pool_(pool),
      leases_(leases),
      lock_(std::move(lock)),
      leaseSeconds_(leaseSeconds),
      messages_(std::move(messages)),
      keepDeletedSeconds_(keepDeletedSeconds) {
  leases_.hold(lock_);
}

void PostgresMaildrop::markRetrieved(std::size_t index) noexcept {
  if (index >= messages_.size()) return;
  try {
    retrieved_.push_back(std::to_string(messages_[index].uid));
  } catch (const std::bad_alloc&) {
    // Not recorded: the message is only kept longer than its rule says.
  }
}

PostgresMaildrop::~PostgresMaildrop() {
  chunk_.reset();
  // Recorded while the lock is still ours, in one statement for the whole session.
  if (!retrieved_.empty()) {
    try {
      pool_.run([&](Connection& db) {
        Params marked = mailboxParams(lock_.tenantId, lock_.address);
        marked.addArray(retrieved_);
        return db.run(kMarkRetrieved, marked);
      });
    } catch (const std::exception& e) {
      host_.log(POSTAMT_LOG_WARNING, kName, "retrievals from " + lock_.address + " not recorded: " + e.what());
    }
  }
  leases_.release(lock_);
  try {
    pool_.run([&](Connection& db) { return db.run(kReleaseLock, lockParams(lock_)); });
  } catch (const std::exception& e) {
    host_.log(POSTAMT_LOG_WARNING, kName, "the lock on " + lock_.address + " stays until its lease ends: " + e.what());
  }
}

void PostgresMaildrop::list(const ListingFn& each) {
  for (const ListedMessage& entry : messages_) each(entry.uidl, entry.size);
}

std::size_t PostgresMaildrop::read(std::size_t index, std::uint64_t offset, sdk::Span<char> buffer) {
  const ListedMessage& entry = message(index);
  if (offset >= entry.size || buffer.empty()) return 0;
  if (!chunk_ || chunk_->index != index || offset < chunk_->start || offset >= chunk_->start + chunk_->length) {
    chunk_.reset();
    Result data = pool_.run([&](Connection& db) {
      Params params;
      params.add(lock_.tenantId).add(entry.bodyId).add(static_cast<std::int64_t>(offset));
      return db.run(kReadChunk, params, true);
    });
    const std::uint64_t chunkSize = data.rows() == 1 && data.length(0, 0) == 4 ? bigEndian32(data.data(0, 0)) : 0;
    const std::uint64_t start = chunkSize > 0 ? offset / chunkSize * chunkSize : 0;
    const std::size_t length = static_cast<std::size_t>(std::min(chunkSize, entry.size - start));
    if (chunkSize == 0 || data.length(0, 1) != length)
      throw sdk::Error(POSTAMT_PERM_FAIL, "message " + std::to_string(index + 1) + " of " + lock_.address +
                                              " is damaged: the chunk at octet " + std::to_string(offset) + " of body " +
                                              std::to_string(entry.bodyId) + " is missing or has the wrong size");
    chunk_ = std::make_unique<CachedChunk>(CachedChunk{index, start, length, std::move(data)});
  }
  const std::size_t within = static_cast<std::size_t>(offset - chunk_->start);
  const std::size_t count = std::min(buffer.size(), chunk_->length - within);
  std::memcpy(buffer.data(), chunk_->data.data(0, 1) + within, count);
  if (within + count == chunk_->length) chunk_.reset();  // read to its end: free it now, not at the next read
  return count;
}

// RFC 1939 section 6: the UPDATE state removes the marked messages, all in one
// transaction, and only while the lock is still this session's. Under
// keep-on-server they are hidden instead, restorable until their days end.
void PostgresMaildrop::expunge(sdk::Span<const std::size_t> indexes) {
  std::vector<std::string> uids, bodies;
  for (std::size_t index : indexes) {  // every index checked before anything changes
    uids.push_back(std::to_string(message(index).uid));
    bodies.push_back(std::to_string(message(index).bodyId));
  }
  if (uids.empty()) return;
  chunk_.reset();
  pool_.run([&](Connection& db) {
    Transaction transaction(db);
    Params renew = lockParams(lock_);
    renew.add(leaseSeconds_);
    if (db.run(kRenewLock, renew).rows() == 0)
      throw sdk::Error(POSTAMT_IN_USE, "the lock on maildrop " + lock_.address + " was taken over by another session");
    Params ofMessages = mailboxParams(lock_.tenantId, lock_.address);
    ofMessages.addArray(uids);
    if (keepDeletedSeconds_ > 0) {
      ofMessages.add(keepDeletedSeconds_);
      db.run(kHideMessages, ofMessages);
    } else {
      db.run(kDeleteMessages, ofMessages);
      purgeBodies(db, lock_.tenantId, bodies);
    }
    transaction.commit();
    return 0;
  });
}

const ListedMessage& PostgresMaildrop::message(std::size_t index) const {
  if (index >= messages_.size()) throw sdk::Error(POSTAMT_NOT_FOUND, "no message " + std::to_string(index + 1));
  return messages_[index];
}

}  // namespace postamt::store_postgres

POSTAMT_PLUGIN("store-postgres", POSTAMT_PLUGIN_VERSION, postamt::sdk::storeApi<postamt::store_postgres::PostgresStore>(),
               nullptr)
