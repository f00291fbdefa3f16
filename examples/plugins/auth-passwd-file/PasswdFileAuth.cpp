// auth-passwd-file: users from a Dovecot passwd-file, read-only.
// Settings: path (required). The file is read again when it changes, so an
// admin edits it in place (or renames a new one over it) without a restart.
#include <postamt/sdk/Auth.hpp>
#include <postamt/sdk/Plugin.hpp>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "PasswdFile.h"

namespace passwd_file {
namespace {

const std::string kName = "auth-passwd-file";

class PasswdFileAuth : public postamt::sdk::Auth {
 public:
  PasswdFileAuth(postamt::sdk::Host host, const postamt::sdk::Settings& settings)
      : host_(host), path_(settings.get("path")) {
    current();  // a missing or malformed file stops postamtd at start, not at the first login
  }

  postamt_status verifyPassword(const postamt::sdk::Mailbox& user, std::string_view password) override {
    const auto stored = current()->password(user.address);
    if (!stored) return POSTAMT_NOT_FOUND;
    if (stored->empty()) return POSTAMT_DENIED;  // no password: nobody logs in as this user
    return host_.verifyPassword(*stored, password) == POSTAMT_OK ? POSTAMT_OK : POSTAMT_DENIED;
  }

  postamt_status lookup(const postamt::sdk::Mailbox& user) override {
    return current()->password(user.address) ? POSTAMT_OK : POSTAMT_NOT_FOUND;
  }

 private:
  // The users as the file is now. Sessions call this from many threads; a
  // reload swaps the table under the mutex, and readers keep the one they got.
  std::shared_ptr<const PasswdFile> current() {
    struct stat now{};
    if (::stat(path_.c_str(), &now) != 0)
      throw postamt::sdk::Error(POSTAMT_TEMP_FAIL, "cannot stat " + path_);
    std::lock_guard<std::mutex> guard(mutex_);
    if (!file_ || now.st_mtim.tv_sec != seen_.st_mtim.tv_sec || now.st_mtim.tv_nsec != seen_.st_mtim.tv_nsec ||
        now.st_size != seen_.st_size || now.st_ino != seen_.st_ino) {
      file_ = std::make_shared<const PasswdFile>(read());
      seen_ = now;
      host_.log(POSTAMT_LOG_INFO, kName, "read " + path_);
    }
    return file_;
  }

  PasswdFile read() const {
    std::ifstream in(path_, std::ios::binary);
    std::ostringstream text;
    if (!(in && text << in.rdbuf())) throw postamt::sdk::Error(POSTAMT_TEMP_FAIL, "cannot read " + path_);
    try {
      return PasswdFile::parse(text.str());
    } catch (const std::runtime_error& e) {
      throw postamt::sdk::Error(POSTAMT_PERM_FAIL, path_ + ": " + e.what());
    }
  }

  postamt::sdk::Host host_;
  const std::string path_;
  std::mutex mutex_;
  std::shared_ptr<const PasswdFile> file_;
  struct stat seen_{};
};

}  // namespace
}  // namespace passwd_file

POSTAMT_PLUGIN("auth-passwd-file", PLUGIN_VERSION, nullptr, postamt::sdk::authApi<passwd_file::PasswdFileAuth>())
