#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace passwd_file {

// The users of one Dovecot passwd-file
// (https://doc.dovecot.org/configuration_manual/authentication/passwd_file/):
// one "user:password:uid:gid:gecos:home:shell:extra" line each, of which only
// the first two fields matter to POP3. '#' starts a comment line.
class PasswdFile {
 public:
  // Throws std::runtime_error naming the line that is not a passwd-file line.
  static PasswdFile parse(std::string_view text);

  // The stored password ("{SCHEME}hash") of `user`, a full address matched
  // without regard to case, as Dovecot's default username_format %u is.
  std::optional<std::string> password(const std::string& user) const;

 private:
  std::unordered_map<std::string, std::string> passwords_;
};

}  // namespace passwd_file
