#include "tenant/DomainCache.h"

namespace postamt::tenant {

DomainCache::DomainCache(Clock::duration ttl, std::size_t capacity) : ttl_(ttl), capacity_(capacity) {}

std::optional<DomainCache::Answer> DomainCache::find(const std::string& domain, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(domain);
  if (found == entries_.end() || found->second.expires <= now) return std::nullopt;
  return found->second.answer;
}

void DomainCache::remember(const std::string& domain, const Answer& answer, Clock::time_point now) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  // Full of names (real or made up by a client): those expired go first, else all of them.
  if (entries_.size() >= capacity_ && !entries_.contains(domain)) {
    std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires <= now; });
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_.insert_or_assign(domain, Entry{answer, now + ttl_});
}

}  // namespace postamt::tenant
