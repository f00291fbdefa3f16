#pragma once

// What the importer tests share: a scratch directory for mailboxes, and the
// octets an imported message ends up as.

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "delivery/MessageSpool.h"
#include "migration/DovecotMaildrop.h"

namespace postamt::migration::testing {

class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "postamt-migration-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDirectory() { std::filesystem::remove_all(path_); }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `data` to `name` (below this directory), creating folders on the way.
  std::filesystem::path write(const std::string& name, const std::string& data) const {
    const std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << data;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// Message `index` of `source` as the importer hands it to the store.
inline std::string imported(const DovecotMaildrop& source, std::size_t index) {
  delivery::MessageSpool spool(1 << 20, delivery::MessageSpool::LineEnds::kAsDovecotSends);
  source.copy(index, spool);
  spool.finish();
  const postamt_message_source view = spool.source();
  std::string octets(view.size, '\0');
  std::size_t got = 0;
  view.read(view.context, 0, octets.data(), octets.size(), &got);
  octets.resize(got);
  return octets;
}

}  // namespace postamt::migration::testing
