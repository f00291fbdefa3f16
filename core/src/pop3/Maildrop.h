#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace postamt::pop3 {

struct MessageInfo {
  std::string uidl;    // RFC 1939 section 7: 1-70 printable characters, stable
  std::uint64_t size;  // exact octets RETR sends before byte-stuffing
};

// Thrown by a Maildrop when the store cannot do what was asked. A temporary
// failure becomes -ERR [SYS/TEMP], a permanent one -ERR [SYS/PERM] (RFC 3206).
class StoreError : public std::runtime_error {
 public:
  StoreError(const std::string& what, bool temporary) : std::runtime_error(what), temporary_(temporary) {}
  bool temporary() const { return temporary_; }

 private:
  bool temporary_;
};

// An opened, exclusively locked maildrop (RFC 1939 section 8). Used by one
// session thread. Destroying it releases the lock and applies nothing.
class Maildrop {
 public:
  virtual ~Maildrop() = default;

  // The listing fixed when the maildrop was opened; index i is message i+1.
  virtual const std::vector<MessageInfo>& messages() const = 0;

  // Reads message `index` from `offset` into `buffer`; returns 0 at the end.
  virtual std::size_t read(std::size_t index, std::uint64_t offset, std::span<char> buffer) = 0;

  // The UPDATE state: removes all the given messages or, on StoreError, none.
  virtual void expunge(const std::vector<std::size_t>& indexes) = 0;

  // RETR sent message `index` whole; a policy may keep or expire retrieved mail differently.
  virtual void markRetrieved(std::size_t index) noexcept = 0;
};

}  // namespace postamt::pop3
