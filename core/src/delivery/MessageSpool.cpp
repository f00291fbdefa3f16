#include "delivery/MessageSpool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace postamt::delivery {
namespace {

std::string spoolDirectory() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

}  // namespace

MessageSpool::MessageSpool(std::uint64_t maxSize, LineEnds lineEnds) : maxSize_(maxSize), lineEnds_(lineEnds) {
  // O_TMPFILE: the file has no name, so nothing is left behind by a crash.
  fd_ = ::open(spoolDirectory().c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0) throw SpoolError("cannot create a spool file in " + spoolDirectory() + ": " + std::strerror(errno));
}

MessageSpool::~MessageSpool() {
  if (fd_ >= 0) ::close(fd_);
}

void MessageSpool::put(char c) {
  if (size_ >= maxSize_) throw SpoolError("message exceeds the size limit of " + std::to_string(maxSize_) + " octets");
  buffer_[buffered_++] = c;
  ++size_;
  last_ = c;
  if (buffered_ == sizeof buffer_) flushBuffer();
}

void MessageSpool::append(const char* data, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    const char c = data[i];
    if (lineEnds_ == LineEnds::kAsDovecotSends) {
      if (c == '\n' && last_ != '\r') put('\r');
      put(c);
      continue;
    }
    if (pendingCr_) {
      pendingCr_ = false;
      put('\r');
      put('\n');
      if (c == '\n') continue;  // the CR's own LF
    }
    if (c == '\r') {
      pendingCr_ = true;  // decided by the next byte: CRLF, or a bare CR
    } else if (c == '\n') {
      put('\r');
      put('\n');
    } else {
      put(c);
    }
  }
}

void MessageSpool::appendStream(std::istream& in) {
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) append(chunk, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw SpoolError("reading the message failed");
}

void MessageSpool::finish() {
  if (pendingCr_) {
    pendingCr_ = false;
    put('\r');
    put('\n');
  }
  if (last_ != '\n' || (size_ == 0 && lineEnds_ == LineEnds::kAsDovecotSends)) {
    put('\r');
    put('\n');
  }
  flushBuffer();
}

void MessageSpool::flushBuffer() {
  std::size_t written = 0;
  while (written < buffered_) {
    const ssize_t n = ::write(fd_, buffer_ + written, buffered_ - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw SpoolError(std::string("writing the spool file failed: ") + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
  buffered_ = 0;
}

postamt_message_source MessageSpool::source() {
  return {size_, this, [](void* context, uint64_t offset, char* buffer, size_t capacity, size_t* got) noexcept {
            auto* self = static_cast<MessageSpool*>(context);
            const ssize_t n = ::pread(self->fd_, buffer, capacity, static_cast<off_t>(offset));
            if (n < 0) return POSTAMT_TEMP_FAIL;
            *got = static_cast<std::size_t>(n);
            return POSTAMT_OK;
          }};
}

}  // namespace postamt::delivery
