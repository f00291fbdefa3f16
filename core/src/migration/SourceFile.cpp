#include "migration/SourceFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "migration/SourceError.h"

namespace postamt::migration {
namespace {

constexpr std::size_t kCopyChunk = 64 * 1024;

}  // namespace

SourceFile::SourceFile(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw SourceError("cannot open " + path_ + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int error = errno;
    ::close(fd_);
    throw SourceError("cannot stat " + path_ + ": " + std::strerror(error));
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
}

SourceFile::~SourceFile() { ::close(fd_); }

std::size_t SourceFile::read(std::uint64_t offset, char* into, std::size_t length) const {
  std::size_t got = 0;
  while (got < length) {
    const ssize_t n = ::pread(fd_, into + got, length - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw SourceError("cannot read " + path_ + ": " + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

void SourceFile::copyTo(delivery::MessageSpool& spool, std::uint64_t from, std::uint64_t to) const {
  char chunk[kCopyChunk];
  while (from < to) {
    const std::size_t got = read(from, chunk, static_cast<std::size_t>(std::min<std::uint64_t>(sizeof chunk, to - from)));
    if (got == 0) throw SourceError(path_ + " changed while it was imported: it ends at " + std::to_string(from) + " octets");
    spool.append(chunk, got);
    from += got;
  }
}

}  // namespace postamt::migration
