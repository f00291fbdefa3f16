#pragma once

#include <postamt/abi.h>

#include <string>

namespace postamt::plugin {

// The services every plugin instance receives in create(): logging to
// Poco::Logger::get(source), and password hashing through auth/PasswordHash.
// The functions are thread-safe and never throw; the table lives for the
// whole process.
const postamt_host_api& hostApi();

// The scheme hash_password(NULL, ...) uses; "SHA512-CRYPT" until set.
// Throws std::invalid_argument for a scheme that cannot be hashed.
void setDefaultPasswordScheme(const std::string& scheme);

}  // namespace postamt::plugin
