#pragma once

#include <stdexcept>

namespace postamt::migration {

// A mailbox that cannot be read the way Dovecot reads it. The text names the
// path and what is wrong, for the operator.
class SourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace postamt::migration
