#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "delivery/MessageSpool.h"

namespace postamt::migration {

// One file of a mailbox being imported, open for reading only. Failures throw
// SourceError naming the file.
class SourceFile {
 public:
  explicit SourceFile(std::string path);
  ~SourceFile();
  SourceFile(const SourceFile&) = delete;
  SourceFile& operator=(const SourceFile&) = delete;

  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }

  // Reads up to `length` octets from `offset`; fewer only at the end of the file.
  std::size_t read(std::uint64_t offset, char* into, std::size_t length) const;
  // Appends octets [from, to) to `spool` in bounded pieces.
  void copyTo(delivery::MessageSpool& spool, std::uint64_t from, std::uint64_t to) const;

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace postamt::migration
