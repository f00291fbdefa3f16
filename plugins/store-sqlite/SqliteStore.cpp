#include "SqliteStore.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include "postamt/sdk/Plugin.hpp"
#include "postamt/sdk/RuleBounds.hpp"
#include "postamt/sdk/Uidl.hpp"

namespace postamt::store_sqlite {
namespace {

using sdk::ownUidOf;
using sdk::uidlOf;

const std::string kName = "store-sqlite";
constexpr std::size_t kChunkBytes = 64 * 1024;  // deliveries copy the body in pieces this size

std::int64_t unixNow() { return static_cast<std::int64_t>(std::time(nullptr)); }

void checkFits(Connection& db, std::uint64_t size) {
  const auto limit = static_cast<std::uint64_t>(sqlite3_limit(db.handle(), SQLITE_LIMIT_LENGTH, -1));
  if (size > limit)
    throw sdk::Error(POSTAMT_PERM_FAIL,
                     "a message of " + std::to_string(size) + " octets is over the store's limit of " + std::to_string(limit));
}

// A new maildrop's uid_validity is its creation time, so a maildrop deleted
// and created again (in a later second) does not hand out the old UIDLs.
void ensureMaildrop(Connection& db, const sdk::Mailbox& mailbox, std::int64_t now) {
  Statement insert(db,
                   "INSERT INTO maildrops (tenant_id, address, uid_validity) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (tenant_id, address) DO NOTHING");
  insert.bind(1, mailbox.tenantId).bind(2, mailbox.address).bind(3, now).step();
}

// The maildrop's next UID, taken: next_uid only ever grows, so no UID (and no
// UIDL made from it) is handed out twice.
struct TakenUid {
  std::int64_t uid;
  std::int64_t uidValidity;
};

TakenUid takeUid(Connection& db, const sdk::Mailbox& mailbox) {
  Statement nextUid(db,
                    "UPDATE maildrops SET next_uid = next_uid + 1 WHERE tenant_id = ?1 AND address = ?2 "
                    "RETURNING next_uid - 1, uid_validity");
  if (!nextUid.bind(1, mailbox.tenantId).bind(2, mailbox.address).step())
    throw sdk::Error(POSTAMT_TEMP_FAIL, "maildrop " + mailbox.address + " vanished while adding a message");
  const TakenUid taken{nextUid.integer(0), nextUid.integer(1)};
  nextUid.step();  // finish the UPDATE
  return taken;
}

void insertMessage(Connection& db, const sdk::Mailbox& mailbox, std::int64_t uid, const std::string& uidl, std::uint64_t size,
                   std::int64_t receivedAt, std::int64_t bodyId) {
  Statement insert(db,
                   "INSERT INTO messages (tenant_id, address, uid, uidl, size, received_at, body_id) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert.bind(1, mailbox.tenantId).bind(2, mailbox.address).bind(3, uid).bind(4, uidl);
  insert.bind(5, static_cast<std::int64_t>(size)).bind(6, receivedAt).bind(7, bodyId).step();
}

// Bodies shared with other recipients stay until their last message goes.
void purgeBodies(Connection& db, const std::vector<std::int64_t>& bodyIds) {
  Statement purge(db, "DELETE FROM bodies WHERE body_id = ?1 AND NOT EXISTS (SELECT 1 FROM messages WHERE body_id = ?1)");
  for (std::int64_t bodyId : bodyIds) {
    purge.bind(1, bodyId).step();
    purge.reset();
  }
}

// A policy's retention, and the end of keep-on-server's days, in one pass
// per maildrop open: the rules are evaluated here, never message by message in
// the policy. Runs under the maildrop lock, so no session sees it half done.
const std::string kExpired =
    "FROM messages WHERE tenant_id = ?1 AND address = ?2 AND "
    "((hidden_until IS NOT NULL AND hidden_until <= ?3) "
    " OR (?4 > 0 AND received_at < ?3 - ?4 AND size > ?5 AND (?6 = 0 OR retrieved_at IS NOT NULL)) "
    " OR (?7 > 0 AND retrieved_at IS NOT NULL AND retrieved_at < ?3 - ?7))";

void purgeExpired(Connection& db, const sdk::Mailbox& mailbox, const sdk::RuleBounds& rules, std::int64_t now) {
  const auto bound = [&](Statement& statement) -> Statement& {
    statement.bind(1, mailbox.tenantId).bind(2, mailbox.address).bind(3, now);
    statement.bind(4, rules.expireAfterSeconds).bind(5, rules.expireLargerThan);
    return statement.bind(6, std::int64_t{rules.expireRetrievedOnly ? 1 : 0}).bind(7, rules.keepRetrievedSeconds);
  };
  // Most opens find nothing expired. Asking first spares them the DELETE, whose RETURNING builds a temporary table
  // on every run.
  static const std::string anyExpired = "SELECT 1 " + kExpired + " LIMIT 1";
  Statement probe(db, anyExpired.c_str());
  if (!bound(probe).step()) return;
  static const std::string deleteExpired = "DELETE " + kExpired + " RETURNING body_id";
  Statement expired(db, deleteExpired.c_str());
  bound(expired);
  std::vector<std::int64_t> bodyIds;
  while (expired.step()) bodyIds.push_back(expired.integer(0));
  purgeBodies(db, bodyIds);
}

void checkSchema(Connection& db, const std::string& path) {
  for (const char* table : {"maildrops", "messages", "bodies"}) {
    Statement exists(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    if (!exists.bind(1, std::string(table)).step())
      throw sdk::Error(POSTAMT_PERM_FAIL,
                       "table '" + std::string(table) + "' is missing in " + path + ": run postamtctl db init");
  }
  Statement wal(db, "PRAGMA journal_mode = WAL");  // persistent: stored in the file once set
  if (!wal.step() || wal.text(0) != "wal")
    throw sdk::Error(POSTAMT_PERM_FAIL, path + " cannot use write-ahead logging (journal_mode=" + wal.text(0) + ")");
}

}  // namespace

SqliteStore::SqliteStore(sdk::Host host, const sdk::Settings& settings)
    : host_(host),
      leaseSeconds_(settings.getInt("lock_lease_seconds", 900, 1, INT_MAX)),
      pool_(settings.get("path"), static_cast<int>(settings.getInt("busy_timeout_ms", 5000, 0, INT_MAX)),
            static_cast<std::size_t>(settings.getInt("pool_size", 8, 0, 1024)), Durability::Synced),
      locks_(settings.get("path"), static_cast<int>(settings.getInt("busy_timeout_ms", 5000, 0, INT_MAX)),
             static_cast<std::size_t>(settings.getInt("pool_size", 8, 0, 1024)), Durability::Unsynced),
      leases_(host, kName, leaseSeconds_, [this](const std::vector<sdk::LockLeases::Lock>& held) { renew(held); }) {
  checkSchema(*pool_.acquire(), settings.get("path"));
}

// Every lease this process holds, in one transaction: unsynced like every lock write.
void SqliteStore::renew(const std::vector<sdk::LockLeases::Lock>& held) {
  std::lock_guard<std::mutex> queued(lockWrites_);
  ConnectionPool::Lease lease = locks_.acquire();
  Transaction transaction(*lease);
  Statement renew(*lease, "UPDATE maildrops SET lock_expires_at = ?4 WHERE tenant_id = ?1 AND address = ?2 AND lock_holder = ?3");
  renew.bind(4, unixNow() + leaseSeconds_);
  for (const auto& lock : held) {
    renew.bind(1, lock.tenantId).bind(2, lock.address).bind(3, lock.holder).step();
    renew.reset();
  }
  transaction.commit();
}

std::unique_ptr<sdk::Maildrop> SqliteStore::openMaildrop(const sdk::Mailbox& mailbox, const std::string& lockHolder) {
  return openMaildropWithRules(mailbox, lockHolder, {});
}

std::unique_ptr<sdk::Maildrop> SqliteStore::openMaildropWithRules(const sdk::Mailbox& mailbox, const std::string& lockHolder,
                                                                  const MaildropRules& rules) {
  std::lock_guard<std::mutex> queued(lockWrites_);
  ConnectionPool::Lease lease = locks_.acquire();  // takes the lock and reads the listing: nothing to sync
  Connection& db = *lease;
  Transaction transaction(db);
  const std::int64_t now = unixNow();

  // RFC 1939 section 4: an exclusive-access lock per maildrop, taken by the statement that creates the maildrop on
  // its first open. A lease that has run out is free to take, so a crashed postamtd cannot lock a maildrop for good.
  Statement lock(db,
                 "INSERT INTO maildrops (tenant_id, address, uid_validity, lock_holder, lock_expires_at) "
                 "VALUES (?1, ?2, ?5, ?3, ?4) "
                 "ON CONFLICT (tenant_id, address) DO UPDATE SET lock_holder = ?3, lock_expires_at = ?4 "
                 "WHERE lock_holder IS NULL OR lock_holder = ?3 OR lock_expires_at IS NULL OR lock_expires_at < ?5");
  lock.bind(1, mailbox.tenantId).bind(2, mailbox.address).bind(3, lockHolder).bind(4, now + leaseSeconds_).bind(5, now).step();
  if (db.changes() == 0) throw sdk::Error(POSTAMT_IN_USE, "maildrop " + mailbox.address + " is locked by another session");

  const sdk::RuleBounds bounds = sdk::RuleBounds::of(rules);
  purgeExpired(db, mailbox, bounds, now);
  std::vector<ListedMessage> messages;
  Statement listing(db,
                    "SELECT uid, uidl, size, body_id FROM messages WHERE tenant_id = ?1 AND address = ?2 AND hidden_until IS NULL "
                    "ORDER BY uid");
  listing.bind(1, mailbox.tenantId).bind(2, mailbox.address);
  while (listing.step())
    messages.push_back({listing.integer(0), listing.text(1), static_cast<std::uint64_t>(listing.integer(2)), listing.integer(3)});
  transaction.commit();
  return std::make_unique<SqliteMaildrop>(host_, pool_, durableWrites_, locks_, lockWrites_, leases_, mailbox, lockHolder,
                                          leaseSeconds_, std::move(messages), bounds.keepDeletedSeconds);
}

std::uint64_t SqliteStore::restore(const sdk::Mailbox& mailbox) {
  std::uint64_t restored = 0;
  durableWrites_.run([&](Connection& db) {
    Statement unhide(db, "UPDATE messages SET hidden_until = NULL WHERE tenant_id = ?1 AND address = ?2 AND hidden_until IS NOT NULL");
    unhide.bind(1, mailbox.tenantId).bind(2, mailbox.address).step();
    restored = static_cast<std::uint64_t>(db.changes());
  });
  return restored;
}

std::vector<postamt_status> SqliteStore::deliver(const std::vector<sdk::Mailbox>& recipients, sdk::MessageSource& message) {
  std::vector<postamt_status> results(recipients.size(), POSTAMT_OK);
  if (recipients.empty()) return results;
  checkFits(*pool_.acquire(), message.size());
  try {
    durableWrites_.run([&](Connection& db) {
      const std::int64_t tenantId = recipients.front().tenantId;
      const std::int64_t bodyId = storeBody(db, tenantId, message);
      const std::int64_t now = unixNow();
      for (std::size_t i = 0; i < recipients.size(); ++i) {
        if (recipients[i].tenantId != tenantId) {  // a body belongs to one tenant
          results[i] = POSTAMT_PERM_FAIL;
          host_.log(POSTAMT_LOG_ERROR, kName, "delivery to " + recipients[i].address + " refused: recipients of another tenant");
          continue;
        }
        ensureMaildrop(db, recipients[i], now);
        const TakenUid taken = takeUid(db, recipients[i]);
        insertMessage(db, recipients[i], taken.uid, uidlOf(taken.uid, taken.uidValidity), message.size(), now, bodyId);
      }
    });
  } catch (const sdk::Error& e) {
    // Whatever failed here (a busy or full disk, a tenant missing from this
    // database) an administrator can fix: the sender's MTA keeps the mail queued.
    throw sdk::Error(POSTAMT_TEMP_FAIL, e.what());
  }
  return results;
}

// The message keeps the caller's UIDL and takes the next UID as its place in
// the listing, so imported messages list in the order they were imported.
postamt_status SqliteStore::importMessage(const sdk::Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                                          sdk::MessageSource& message) {
  checkFits(*pool_.acquire(), message.size());
  try {
    postamt_status status = POSTAMT_OK;
    durableWrites_.run([&](Connection& db) {
      ensureMaildrop(db, mailbox, unixNow());
      Statement existing(db, "SELECT 1 FROM messages WHERE tenant_id = ?1 AND address = ?2 AND uidl = ?3");
      if (existing.bind(1, mailbox.tenantId).bind(2, mailbox.address).bind(3, uidl).step()) {
        status = POSTAMT_EXISTS;
        return;
      }
      const std::int64_t bodyId = storeBody(db, mailbox.tenantId, message);
      const TakenUid taken = takeUid(db, mailbox);
      insertMessage(db, mailbox, taken.uid, uidl, message.size(), receivedAt, bodyId);
      if (const std::int64_t claimed = ownUidOf(uidl, taken.uidValidity); claimed > 0) {
        // A later delivery must not make this UIDL again.
        Statement reserve(db, "UPDATE maildrops SET next_uid = MAX(next_uid, ?3) WHERE tenant_id = ?1 AND address = ?2");
        reserve.bind(1, mailbox.tenantId).bind(2, mailbox.address).bind(3, claimed + 1).step();
      }
    });
    return status;
  } catch (const sdk::Error& e) {
    throw sdk::Error(POSTAMT_TEMP_FAIL, e.what());  // as in deliver(): nothing here is the message's fault
  }
}

// A body shared by several recipients counts once per maildrop: each of them holds the message.
sdk::Store::Usage SqliteStore::usage(std::int64_t tenantId, const sdk::Mailbox* mailbox) {
  ConnectionPool::Lease lease = pool_.acquire();
  Statement sum(*lease, mailbox != nullptr
                            ? "SELECT count(*), coalesce(sum(size), 0) FROM messages WHERE tenant_id = ?1 AND address = ?2"
                            : "SELECT count(*), coalesce(sum(size), 0) FROM messages WHERE tenant_id = ?1");
  sum.bind(1, tenantId);
  if (mailbox != nullptr) sum.bind(2, mailbox->address);
  sum.step();
  return {static_cast<std::uint64_t>(sum.integer(0)), static_cast<std::uint64_t>(sum.integer(1))};
}

// One bodies row for all recipients, filled in bounded chunks.
std::int64_t SqliteStore::storeBody(Connection& db, std::int64_t tenantId, sdk::MessageSource& message) {
  const std::uint64_t size = message.size();
  Statement insert(db, "INSERT INTO bodies (tenant_id, data) VALUES (?1, zeroblob(?2))");
  insert.bind(1, tenantId).bind(2, static_cast<std::int64_t>(size)).step();
  const std::int64_t bodyId = sqlite3_last_insert_rowid(db.handle());

  Blob body(db, "bodies", "data", bodyId, true);
  std::vector<char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(kChunkBytes, size)));
  for (std::uint64_t offset = 0; offset < size;) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size - offset));
    const std::size_t got = message.read(offset, sdk::Span<char>(chunk.data(), want));
    if (got == 0 || got > want)
      throw sdk::Error(POSTAMT_TEMP_FAIL,
                       "the message source ended at " + std::to_string(offset) + " of " + std::to_string(size) + " octets");
    body.write(chunk.data(), got, offset);
    offset += got;
  }
  return bodyId;
}

SqliteMaildrop::OpenBody::OpenBody(std::size_t index, ConnectionPool::Lease lease, std::int64_t bodyId)
    : index(index), lease(std::move(lease)), blob(*this->lease, "bodies", "data", bodyId, false) {}

SqliteMaildrop::SqliteMaildrop(sdk::Host host, ConnectionPool& pool, CommitGroup& durableWrites, ConnectionPool& locks,
                               std::mutex& lockWrites, sdk::LockLeases& leases, sdk::Mailbox mailbox, std::string lockHolder,
                               std::int64_t leaseSeconds, std::vector<ListedMessage> messages, std::int64_t keepDeletedSeconds)
    : host_(host),
      pool_(pool),
      durableWrites_(durableWrites),
      locks_(locks),
      lockWrites_(lockWrites),
      leases_(leases),
      mailbox_(std::move(mailbox)),
      lockHolder_(std::move(lockHolder)),
      leaseSeconds_(leaseSeconds),
      messages_(std::move(messages)),
      keepDeletedSeconds_(keepDeletedSeconds) {
  leases_.hold({mailbox_.tenantId, mailbox_.address, lockHolder_});
}

void SqliteMaildrop::markRetrieved(std::size_t index) noexcept {
  if (index >= messages_.size()) return;
  try {
    retrieved_.push_back(messages_[index].uid);
  } catch (const std::bad_alloc&) {
    // Not recorded: the message is only kept longer than its rule says.
  }
}

SqliteMaildrop::~SqliteMaildrop() {
  try {
    leases_.release({mailbox_.tenantId, mailbox_.address, lockHolder_});
  } catch (const std::bad_alloc&) {
    // The renewer goes on, but its UPDATE finds the lock released below and changes nothing.
  }
  body_.reset();
  // The first retrieval only, so "N days after retrieval" counts from when the user first had it. Unsynced, like
  // the lock writes: a mark lost in a power cut only keeps a message longer.
  try {
    if (!retrieved_.empty()) {
      std::lock_guard<std::mutex> queued(lockWrites_);
      ConnectionPool::Lease lease = locks_.acquire();
      Transaction transaction(*lease);
      Statement mark(*lease,
                     "UPDATE messages SET retrieved_at = ?4 WHERE tenant_id = ?1 AND address = ?2 AND uid = ?3 AND retrieved_at IS NULL");
      mark.bind(1, mailbox_.tenantId).bind(2, mailbox_.address).bind(4, unixNow());
      for (std::int64_t uid : retrieved_) {
        mark.bind(3, uid).step();
        mark.reset();
      }
      transaction.commit();
    }
  } catch (const std::exception& e) {
    try {
      host_.log(POSTAMT_LOG_WARNING, kName, "retrievals from " + mailbox_.address + " not recorded: " + e.what());
    } catch (...) {
      // Out of memory while logging: the messages are only kept longer.
    }
  }
  try {
    std::lock_guard<std::mutex> queued(lockWrites_);
    ConnectionPool::Lease lease = locks_.acquire();
    Statement unlock(*lease,
                     "UPDATE maildrops SET lock_holder = NULL, lock_expires_at = NULL "
                     "WHERE tenant_id = ?1 AND address = ?2 AND lock_holder = ?3");
    unlock.bind(1, mailbox_.tenantId).bind(2, mailbox_.address).bind(3, lockHolder_).step();
  } catch (const std::exception& e) {
    try {
      host_.log(POSTAMT_LOG_WARNING, kName, "the lock on " + mailbox_.address + " stays until its lease ends: " + e.what());
    } catch (...) {
      // Out of memory while logging: the lease still ends the lock.
    }
  }
}

void SqliteMaildrop::list(const ListingFn& each) {
  for (const ListedMessage& entry : messages_) each(entry.uidl, entry.size);
}

std::size_t SqliteMaildrop::read(std::size_t index, std::uint64_t offset, sdk::Span<char> buffer) {
  const ListedMessage& entry = message(index);
  if (offset >= entry.size || buffer.empty()) return 0;
  if (offset == 0 && entry.size <= buffer.size()) return readWhole(index, buffer);
  try {
    if (!body_ || body_->index != index) {
      body_.reset();
      body_ = std::make_unique<OpenBody>(index, pool_.acquire(), entry.bodyId);
      checkSize(index, body_->blob.size());
    }
    const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), entry.size - offset));
    body_->blob.read(buffer.data(), count, offset);
    if (offset + count == entry.size) body_.reset();  // done: end the read transaction it holds
    return count;
  } catch (...) {
    body_.reset();
    throw;
  }
}

// A message that fits the caller's buffer comes in one statement: opening a blob handle compiles a program each
// time, a ninth of the server's CPU when the download benchmark fetched 20 KB messages.
std::size_t SqliteMaildrop::readWhole(std::size_t index, sdk::Span<char> buffer) {
  body_.reset();
  ConnectionPool::Lease lease = pool_.acquire();
  Statement body(*lease, "SELECT data FROM bodies WHERE body_id = ?1");
  if (!body.bind(1, messages_[index].bodyId).step())
    throw sdk::Error(POSTAMT_PERM_FAIL, "message " + std::to_string(index + 1) + " of " + mailbox_.address + " has no body");
  const std::string_view bytes = body.bytes(0);
  checkSize(index, bytes.size());
  std::copy(bytes.begin(), bytes.end(), buffer.data());
  return bytes.size();
}

void SqliteMaildrop::checkSize(std::size_t index, std::uint64_t stored) const {
  if (stored != messages_[index].size)
    throw sdk::Error(POSTAMT_PERM_FAIL, "message " + std::to_string(index + 1) + " of " + mailbox_.address + " has " +
                                            std::to_string(stored) + " octets, listed as " +
                                            std::to_string(messages_[index].size));
}

void SqliteMaildrop::expunge(sdk::Span<const std::size_t> indexes) {
  for (std::size_t index : indexes) message(index);  // every index checked before anything changes
  body_.reset();
  durableWrites_.run([&](Connection& db) {
    renewLock(db);
    // Keep-on-server: hidden from every listing until the days are over (purgeExpired), restorable until then.
    Statement remove(db, keepDeletedSeconds_ > 0
                             ? "UPDATE messages SET hidden_until = ?4 WHERE tenant_id = ?1 AND address = ?2 AND uid = ?3"
                             : "DELETE FROM messages WHERE tenant_id = ?1 AND address = ?2 AND uid = ?3");
    remove.bind(1, mailbox_.tenantId).bind(2, mailbox_.address);
    if (keepDeletedSeconds_ > 0) remove.bind(4, unixNow() + keepDeletedSeconds_);
    std::vector<std::int64_t> bodyIds;
    for (std::size_t index : indexes) {
      remove.bind(3, messages_[index].uid).step();
      remove.reset();
      bodyIds.push_back(messages_[index].bodyId);
    }
    if (keepDeletedSeconds_ == 0) purgeBodies(db, bodyIds);
  });
}

const ListedMessage& SqliteMaildrop::message(std::size_t index) const {
  if (index >= messages_.size()) throw sdk::Error(POSTAMT_NOT_FOUND, "no message " + std::to_string(index + 1));
  return messages_[index];
}

void SqliteMaildrop::renewLock(Connection& db) {
  Statement renew(db, "UPDATE maildrops SET lock_expires_at = ?4 WHERE tenant_id = ?1 AND address = ?2 AND lock_holder = ?3");
  renew.bind(1, mailbox_.tenantId).bind(2, mailbox_.address).bind(3, lockHolder_).bind(4, unixNow() + leaseSeconds_).step();
  if (db.changes() == 0)
    throw sdk::Error(POSTAMT_IN_USE, "the lock on maildrop " + mailbox_.address + " was taken over by another session");
}

}  // namespace postamt::store_sqlite

POSTAMT_PLUGIN("store-sqlite", POSTAMT_PLUGIN_VERSION, postamt::sdk::storeApi<postamt::store_sqlite::SqliteStore>())
