#include "migration/DovecotMaildir.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <tuple>

#include "migration/DovecotUidlist.h"
#include "migration/MaildirName.h"
#include "migration/SourceError.h"
#include "migration/SourceFile.h"

namespace postamt::migration {
namespace {

namespace fs = std::filesystem;

struct MessageFile {
  std::string name;
  std::string path;
  std::int64_t modifiedAt = 0;
  std::uint32_t uid = 0;
  const DovecotUidlist::Record* record = nullptr;  // null: Dovecot has not numbered it yet
};

// The message files of cur/ and new/ by base name. Dovecot skips dot files
// (a client's temporary files); cur/ wins when a move to it left a file in both.
std::map<std::string, MessageFile> messageFiles(const fs::path& root) {
  std::map<std::string, MessageFile> files;
  for (const char* folder : {"new", "cur"}) {
    const fs::path directory = root / folder;
    std::error_code error;
    if (!fs::exists(directory, error)) continue;
    for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
      const std::string name = it->path().filename().string();
      if (name.empty() || name[0] == '.' || !it->is_regular_file(error)) continue;
      struct stat st {};
      if (::stat(it->path().c_str(), &st) != 0)
        throw SourceError("cannot stat " + it->path().string() + ": " + std::strerror(errno));
      files[std::string(maildirBaseName(name))] = {name, it->path().string(), static_cast<std::int64_t>(st.st_mtime)};
    }
    if (error) throw SourceError("cannot list " + directory.string() + ": " + error.message());
  }
  return files;
}

std::optional<DovecotUidlist> readUidlist(const fs::path& root) {
  const fs::path path = root / "dovecot-uidlist";
  std::error_code error;
  if (!fs::exists(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SourceError("cannot read " + path.string());
  return DovecotUidlist::parse(in, path.string());
}

}  // namespace

DovecotMaildir::DovecotMaildir(const std::string& path) {
  const fs::path root(path);
  std::map<std::string, MessageFile> byBase = messageFiles(root);
  const std::optional<DovecotUidlist> uidlist = readUidlist(root);

  std::vector<MessageFile> files;
  std::vector<MessageFile> unnumbered;
  for (auto& [base, file] : byBase) {
    if (uidlist)
      if (const auto record = uidlist->records.find(base); record != uidlist->records.end()) file.record = &record->second;
    if (file.record != nullptr) {
      file.uid = file.record->uid;
      files.push_back(std::move(file));
    } else {
      unnumbered.push_back(std::move(file));
    }
  }
  std::sort(unnumbered.begin(), unnumbered.end(),
            [](const MessageFile& a, const MessageFile& b) { return dovecotNumbersFirst(a.name, b.name); });
  std::uint32_t nextUid = uidlist ? uidlist->nextUid : 1;
  for (MessageFile& file : unnumbered) {
    file.uid = nextUid++;
    files.push_back(std::move(file));
  }
  // POP3 order first where Dovecot kept one, the rest after them by UID.
  auto listingKey = [](const MessageFile& f) {
    const bool ordered = f.record != nullptr && f.record->pop3Order.has_value();
    return std::make_tuple(!ordered, ordered ? *f.record->pop3Order : 0u, f.uid);
  };
  std::sort(files.begin(), files.end(),
            [&](const MessageFile& a, const MessageFile& b) { return listingKey(a) < listingKey(b); });

  for (const MessageFile& file : files) {
    messages_.push_back({"", file.modifiedAt});
    files_.push_back(file.path);
  }
  const std::uint32_t uidValidity = uidlist ? uidlist->uidValidity : uidValidityForUnnumbered(messages_);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const MessageFile& file = files[i];
    if (file.record != nullptr && file.record->pop3Uidl)
      messages_[i].uidl = file.record->pop3Uidl->empty() ? std::string(maildirBaseName(file.name)) : *file.record->pop3Uidl;
    else
      messages_[i].uidl = dovecotDefaultUidl(file.uid, uidValidity);
  }

  if (!uidlist && !files.empty()) {
    notes_.push_back(path + " has no dovecot-uidlist: Dovecot never numbered its " + std::to_string(files.size()) +
                     " message(s), so no POP3 client has seen their UIDLs; they get new ones");
  } else if (!unnumbered.empty()) {
    notes_.push_back(std::to_string(unnumbered.size()) +
                     " message(s) not yet in dovecot-uidlist get the UIDLs Dovecot would have given them next");
  }
}

void DovecotMaildir::copy(std::size_t index, delivery::MessageSpool& spool) const {
  const SourceFile file(files_.at(index));
  file.copyTo(spool, 0, file.size());
}

}  // namespace postamt::migration
