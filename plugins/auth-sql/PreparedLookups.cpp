#include "PreparedLookups.h"

#include <Poco/Exception.h>

#include <utility>

namespace postamt::auth_sql {

using namespace Poco::Data::Keywords;

// One checked-out session with the lookup prepared on it. The statement binds these members by reference, so a
// lookup sets them and executes again.
struct PreparedLookups::Lookup {
  Lookup(Poco::Data::SessionPool& pool, const std::string& sql) : session(pool.get()), select(session) {
    select << sql, into(passwords), into(enabled), use(tenantId), use(address);
  }

  Poco::Data::Session session;
  Poco::Int64 tenantId = 0;
  std::string address;
  std::vector<std::string> passwords;
  std::vector<int> enabled;
  Poco::Data::Statement select;
};

PreparedLookups::PreparedLookups(Poco::Data::SessionPool& pool, std::string sql)
    : pool_(pool), sql_(std::move(sql)), capacity_(static_cast<std::size_t>(pool.capacity() / 2)) {}

PreparedLookups::~PreparedLookups() = default;

bool PreparedLookups::find(std::int64_t tenantId, const std::string& address, std::optional<StoredUser>& found) {
  std::unique_ptr<Lookup> lookup = take();
  if (!lookup) return false;
  try {
    lookup->tenantId = tenantId;
    lookup->address = address;
    lookup->passwords.clear();
    lookup->enabled.clear();
    lookup->select.execute();
  } catch (const Poco::Exception&) {
    std::lock_guard lock(mutex_);
    --created_;  // the lookup and its session go: a dropped connection is not kept
    return false;
  }
  found.reset();
  if (!lookup->passwords.empty()) found = StoredUser{lookup->passwords.front(), lookup->enabled.front() != 0};
  giveBack(std::move(lookup));
  return true;
}

std::unique_ptr<PreparedLookups::Lookup> PreparedLookups::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Lookup> lookup = std::move(idle_.back());
      idle_.pop_back();
      return lookup;
    }
    if (created_ >= capacity_) return nullptr;
    ++created_;
  }
  try {
    return std::make_unique<Lookup>(pool_, sql_);
  } catch (const Poco::Exception&) {
    std::lock_guard lock(mutex_);
    --created_;
    return nullptr;
  }
}

void PreparedLookups::giveBack(std::unique_ptr<Lookup> lookup) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(lookup));
}

}  // namespace postamt::auth_sql
