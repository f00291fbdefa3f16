#pragma once

#include <vector>

#include "Pg.h"

// All the SQL of store-postgres (schemas/postgres), prepared once per
// connection and run by name. Lease times use the server's clock, which every
// frontend shares; theirs may disagree.
namespace postamt::store_postgres {

// tenant, address, holder, lease seconds -> a row when the lock is ours. RFC 1939
// section 8: one session per maildrop; a lease that ran out is free to take, so a
// crashed frontend cannot lock a maildrop for good. Creates a missing maildrop
// with its uid_validity.
inline constexpr const char* kTakeLock = "take_lock";
// tenant, address -> uid, uidl, size, body_id: the whole listing at once, hidden messages left out.
inline constexpr const char* kListing = "listing";
// tenant, body, offset -> chunk_size, data (binary) of the chunk holding that octet
inline constexpr const char* kReadChunk = "read_chunk";
// tenant, address, holder, lease seconds -> a row while the lock is still ours
inline constexpr const char* kRenewLock = "renew_lock";
// tenants[], addresses[], holders[], lease seconds
inline constexpr const char* kRenewLocks = "renew_locks";
// tenant, address, holder
inline constexpr const char* kReleaseLock = "release_lock";
// tenant, bodies[]: locks the bodies an UPDATE state may purge, in one order,
// so two sessions purging a shared body neither deadlock nor both keep it.
inline constexpr const char* kLockBodies = "lock_bodies";
// tenant, address, uids[]
inline constexpr const char* kDeleteMessages = "delete_messages";
// tenant, bodies[]: those no message refers to any more
inline constexpr const char* kPurgeBodies = "purge_bodies";
// tenant, size, chunk size -> body_id
inline constexpr const char* kInsertBody = "insert_body";
// tenant, body, seq, data (binary)
inline constexpr const char* kInsertChunk = "insert_chunk";
// tenant, address -> next uid (taken), uid_validity; creates a missing maildrop
inline constexpr const char* kTakeUid = "take_uid";
// tenant, address, uid, uidl, size, received_at (epoch seconds), body
inline constexpr const char* kInsertMessage = "insert_message";
// tenant, address, uidl -> a row when the maildrop has that UIDL
inline constexpr const char* kHasUidl = "has_uidl";
// tenant, address, uid: keeps next_uid above an imported UIDL's own uid
inline constexpr const char* kReserveUid = "reserve_uid";

// The purge as a maildrop opens (sdk::RuleBounds), each -> body_id of every message
// purged, each on its own index so a maildrop with nothing due is not read through.
// tenant, address: hidden messages whose days are over
inline constexpr const char* kPurgeHidden = "purge_hidden";
// tenant, address, expire-after seconds, larger-than octets, retrieved only (bool)
inline constexpr const char* kPurgeOld = "purge_old";
// tenant, address, keep-retrieved seconds
inline constexpr const char* kPurgeRetrieved = "purge_retrieved";
// tenant, address, uids[], seconds: keep-on-server hides instead of deleting
inline constexpr const char* kHideMessages = "hide_messages";
// tenant, address -> how many hidden messages are listed again
inline constexpr const char* kRestore = "restore";
// tenant, address, uids[]: the first retrieval only, so "N days after retrieval" counts from then
inline constexpr const char* kMarkRetrieved = "mark_retrieved";
// tenant, address -> messages, octets
inline constexpr const char* kMaildropUsage = "maildrop_usage";
// tenant -> messages, octets
inline constexpr const char* kTenantUsage = "tenant_usage";

inline const std::vector<PreparedStatement>& statements() {
  static const std::vector<PreparedStatement> all = {
      {kTakeLock,
       "INSERT INTO maildrops AS m (tenant_id, address, uid_validity, lock_holder, lock_expires_at) "
       "VALUES ($1, $2, extract(epoch FROM now())::bigint, $3, now() + make_interval(secs => $4)) "
       "ON CONFLICT (tenant_id, address) DO UPDATE SET lock_holder = excluded.lock_holder, "
       "lock_expires_at = excluded.lock_expires_at "
       "WHERE m.lock_holder IS NULL OR m.lock_holder = excluded.lock_holder OR m.lock_expires_at < now() "
       "RETURNING 1"},
      {kListing,
       "SELECT uid, uidl, size, body_id FROM messages "
       "WHERE tenant_id = $1 AND address = $2 AND hidden_until IS NULL ORDER BY uid"},
      {kReadChunk,
       "SELECT b.chunk_size, c.data FROM bodies b JOIN body_chunks c "
       "ON c.tenant_id = b.tenant_id AND c.body_id = b.body_id AND c.seq = $3::bigint / b.chunk_size "
       "WHERE b.tenant_id = $1 AND b.body_id = $2"},
      {kRenewLock,
       "UPDATE maildrops SET lock_expires_at = now() + make_interval(secs => $4) "
       "WHERE tenant_id = $1 AND address = $2 AND lock_holder = $3 RETURNING 1"},
      {kRenewLocks,
       "UPDATE maildrops m SET lock_expires_at = now() + make_interval(secs => $4) "
       "FROM unnest($1::bigint[], $2::text[], $3::text[]) AS h (tenant_id, address, holder) "
       "WHERE m.tenant_id = h.tenant_id AND m.address = h.address AND m.lock_holder = h.holder"},
      {kReleaseLock,
       "UPDATE maildrops SET lock_holder = NULL, lock_expires_at = NULL "
       "WHERE tenant_id = $1 AND address = $2 AND lock_holder = $3"},
      {kLockBodies,
       "SELECT body_id FROM bodies WHERE tenant_id = $1 AND body_id = ANY ($2::bigint[]) ORDER BY body_id FOR UPDATE"},
      {kDeleteMessages, "DELETE FROM messages WHERE tenant_id = $1 AND address = $2 AND uid = ANY ($3::bigint[])"},
      {kPurgeBodies,
       "DELETE FROM bodies b WHERE b.tenant_id = $1 AND b.body_id = ANY ($2::bigint[]) "
       "AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = b.tenant_id AND m.body_id = b.body_id)"},
      {kInsertBody, "INSERT INTO bodies (tenant_id, size, chunk_size) VALUES ($1, $2, $3) RETURNING body_id"},
      {kInsertChunk, "INSERT INTO body_chunks (tenant_id, body_id, seq, data) VALUES ($1, $2, $3, $4)"},
      {kTakeUid,
       "INSERT INTO maildrops AS m (tenant_id, address, uid_validity, next_uid) "
       "VALUES ($1, $2, extract(epoch FROM now())::bigint, 2) "
       "ON CONFLICT (tenant_id, address) DO UPDATE SET next_uid = m.next_uid + 1 "
       "RETURNING next_uid - 1, uid_validity"},
      {kInsertMessage,
       "INSERT INTO messages (tenant_id, address, uid, uidl, size, received_at, body_id) "
       "VALUES ($1, $2, $3, $4, $5, to_timestamp($6), $7)"},
      {kHasUidl, "SELECT 1 FROM messages WHERE tenant_id = $1 AND address = $2 AND uidl = $3"},
      {kReserveUid, "UPDATE maildrops SET next_uid = greatest(next_uid, $3) WHERE tenant_id = $1 AND address = $2"},
      {kPurgeHidden, "DELETE FROM messages WHERE tenant_id = $1 AND address = $2 AND hidden_until <= now() RETURNING body_id"},
      {kPurgeOld,
       "DELETE FROM messages WHERE tenant_id = $1 AND address = $2 AND received_at < now() - make_interval(secs => $3) "
       "AND size > $4 AND (NOT $5::boolean OR retrieved_at IS NOT NULL) RETURNING body_id"},
      {kPurgeRetrieved,
       "DELETE FROM messages WHERE tenant_id = $1 AND address = $2 AND retrieved_at < now() - make_interval(secs => $3) "
       "RETURNING body_id"},
      {kHideMessages,
       "UPDATE messages SET hidden_until = now() + make_interval(secs => $4) "
       "WHERE tenant_id = $1 AND address = $2 AND uid = ANY ($3::bigint[])"},
      {kRestore,
       "WITH restored AS (UPDATE messages SET hidden_until = NULL "
       "WHERE tenant_id = $1 AND address = $2 AND hidden_until IS NOT NULL RETURNING 1) "
       "SELECT count(*) FROM restored"},
      {kMarkRetrieved,
       "UPDATE messages SET retrieved_at = now() "
       "WHERE tenant_id = $1 AND address = $2 AND uid = ANY ($3::bigint[]) AND retrieved_at IS NULL"},
      {kMaildropUsage, "SELECT count(*), coalesce(sum(size), 0) FROM messages WHERE tenant_id = $1 AND address = $2"},
      {kTenantUsage, "SELECT count(*), coalesce(sum(size), 0) FROM messages WHERE tenant_id = $1"},
  };
  return all;
}

}  // namespace postamt::store_postgres
