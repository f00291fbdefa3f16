#include "migration/DovecotMaildrop.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "migration/DovecotMaildir.h"
#include "migration/DovecotMbox.h"
#include "migration/SourceError.h"

namespace postamt::migration {

std::unique_ptr<DovecotMaildrop> openDovecotMaildrop(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) throw SourceError(path + " does not exist");
  if (error) throw SourceError("cannot read " + path + ": " + error.message());
  // Dovecot, too, takes a directory for a Maildir when it has cur/ (maildir-storage.c).
  if (fs::is_directory(status) && fs::is_directory(fs::path(path) / "cur", error)) return std::make_unique<DovecotMaildir>(path);
  if (fs::is_regular_file(status)) return std::make_unique<DovecotMbox>(path);
  throw SourceError(path + " is neither a Maildir (a directory with cur/) nor an mbox file");
}

std::string dovecotDefaultUidl(std::uint32_t uid, std::uint32_t uidValidity) {
  char text[20];
  std::snprintf(text, sizeof text, "%08x%08x", static_cast<unsigned>(uid), static_cast<unsigned>(uidValidity));
  return text;
}

std::uint32_t uidValidityForUnnumbered(const std::vector<SourceMessage>& messages) {
  std::int64_t oldest = INT64_MAX;
  for (const SourceMessage& message : messages) oldest = std::min(oldest, message.receivedAt);
  return oldest > 0 && oldest <= INT64_C(0xFFFFFFFF) ? static_cast<std::uint32_t>(oldest) : 1;
}

}  // namespace postamt::migration
