#pragma once

#include <postamt/abi.h>

#include <string>

namespace postamt::plugin {

// The caller-owned error buffer every ABI call takes, and the text to log.
class ErrorText {
 public:
  postamt_error* get() { return &error_; }
  std::string describe(postamt_status status) const;

 private:
  char text_[512] = {};
  postamt_error error_{text_, sizeof text_};
};

const char* statusName(postamt_status status);

}  // namespace postamt::plugin
