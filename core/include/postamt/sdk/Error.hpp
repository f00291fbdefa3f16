// The exception a plugin throws to fail an operation with a chosen status.
#ifndef POSTAMT_SDK_ERROR_HPP
#define POSTAMT_SDK_ERROR_HPP

#include <postamt/abi.h>

#include <stdexcept>
#include <string>

namespace postamt::sdk {

// Thrown anywhere inside a plugin's C++ code; the adapters turn it into its
// status and one line of error text at the C boundary. Any other exception
// becomes POSTAMT_TEMP_FAIL: an unexpected failure must not bounce mail or
// lock a user out for good.
class Error : public std::runtime_error {
 public:
  Error(postamt_status status, const std::string& what) : std::runtime_error(what), status_(status) {}
  postamt_status status() const noexcept { return status_; }

 private:
  postamt_status status_;
};

}  // namespace postamt::sdk

#endif
