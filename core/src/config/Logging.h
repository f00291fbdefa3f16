#pragma once

#include <string>

namespace postamt::config {

// Sends every logger to stderr as "time level source: text" at `level`
// (error, warning, information, debug). Throws ConfigError on a bad level.
void setUpLogging(const std::string& level);

}  // namespace postamt::config
