// The C/C++ boundary used by the adapters in Store.hpp and Auth.hpp; plugin
// authors do not call it themselves.
#ifndef POSTAMT_SDK_BOUNDARY_HPP
#define POSTAMT_SDK_BOUNDARY_HPP

#include <postamt/abi.h>

#include <cstring>
#include <exception>
#include <new>

#include "postamt/sdk/Error.hpp"

namespace postamt::sdk::detail {

// Copies `text` into the caller's buffer as one line (abi.h promises a line).
inline void writeError(postamt_error* error, const char* text) noexcept {
  if (error == nullptr || error->text == nullptr || error->capacity == 0) return;
  std::size_t length = std::strlen(text);
  if (length > error->capacity - 1) length = error->capacity - 1;
  for (std::size_t i = 0; i < length; ++i) error->text[i] = (text[i] == '\n' || text[i] == '\r') ? ' ' : text[i];
  error->text[length] = '\0';
}

// Runs `body` (returning a postamt_status) so that no exception leaves it.
template <class Body>
postamt_status guarded(postamt_error* error, Body&& body) noexcept {
  try {
    return body();
  } catch (const Error& e) {
    writeError(error, e.what());
    return e.status();
  } catch (const std::bad_alloc&) {
    writeError(error, "out of memory");
    return POSTAMT_TEMP_FAIL;
  } catch (const std::exception& e) {
    writeError(error, e.what());
    return POSTAMT_TEMP_FAIL;
  } catch (...) {
    writeError(error, "unknown exception");
    return POSTAMT_TEMP_FAIL;
  }
}

}  // namespace postamt::sdk::detail

#endif
