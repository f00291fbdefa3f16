#include "plugin/PluginCall.h"

namespace postamt::plugin {

const char* statusName(postamt_status status) {
  switch (status) {
    case POSTAMT_OK: return "ok";
    case POSTAMT_NOT_FOUND: return "not found";
    case POSTAMT_DENIED: return "denied";
    case POSTAMT_IN_USE: return "in use";
    case POSTAMT_TEMP_FAIL: return "temporary failure";
    case POSTAMT_PERM_FAIL: return "permanent failure";
    case POSTAMT_UNSUPPORTED: return "unsupported";
    case POSTAMT_EXISTS: return "already exists";
  }
  return "unknown status";
}

std::string ErrorText::describe(postamt_status status) const {
  std::string text = statusName(status);
  if (text_[0] != '\0') text += std::string(": ") + text_;
  return text;
}

}  // namespace postamt::plugin
