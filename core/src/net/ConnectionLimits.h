#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace postamt::net {

// How many connections may be open at once; 0 is unlimited.
struct ConnectionLimitSettings {
  std::size_t perAddress = 0;      // from one remote IP, checked when the connection arrives
  std::size_t perUserAddress = 0;  // of one user from one remote IP (Dovecot's mail_max_userip_connections), at login
  std::size_t perTenant = 0;       // logged in to one tenant's maildrops, at login
};

// Counts open connections by remote IP, by user and IP, and by tenant, in this process. A count lives as long as
// the Lease that took it, so it is given back however the connection ends; a key whose count falls to zero is
// forgotten, so memory is bounded by the connections open, not by the addresses ever seen. Thread-safe.
class ConnectionLimits {
 public:
  class Counter;

  // One connection's place in one count; gives it back when destroyed.
  class Lease {
   public:
    Lease() = default;
    Lease(Counter& counter, std::string key) : counter_(&counter), key_(std::move(key)) {}
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

   private:
    Counter* counter_ = nullptr;
    std::string key_;
  };

  class Counter {
   public:
    explicit Counter(std::size_t limit) : limit_(limit) {}
    // None when `key` has reached the limit already.
    std::optional<Lease> take(const std::string& key);
    void giveBack(const std::string& key);
    std::size_t keys() const;

   private:
    const std::size_t limit_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> open_;
  };

  explicit ConnectionLimits(const ConnectionLimitSettings& settings);

  std::optional<Lease> admitAddress(const std::string& address) { return byAddress_.take(address); }
  // `user` is the login name as given; it is compared without regard to ASCII case.
  std::optional<Lease> admitUser(const std::string& user, const std::string& address);
  std::optional<Lease> admitTenant(std::int64_t tenantId) { return byTenant_.take(std::to_string(tenantId)); }

  // The keys counted now, for the tests that check nothing stays behind.
  std::size_t trackedKeys() const { return byAddress_.keys() + byUserAddress_.keys() + byTenant_.keys(); }

 private:
  Counter byAddress_;
  Counter byUserAddress_;
  Counter byTenant_;
};

}  // namespace postamt::net
