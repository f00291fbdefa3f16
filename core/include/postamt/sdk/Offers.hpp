// Whether a plugin's C table holds a function and fills it.
#ifndef POSTAMT_SDK_OFFERS_HPP
#define POSTAMT_SDK_OFFERS_HPP

#include <cstddef>

namespace postamt::sdk {

// True when `table` reaches past `field` and the field is not NULL: a table built for an older ABI ends before the
// fields later versions appended (abi.h, Versioning), so a field beyond its `size` must never be read.
template <class Table, class Field>
bool offers(const Table& table, Field Table::*field) noexcept {
  const auto end = reinterpret_cast<const char*>(&(table.*field)) + sizeof(Field) - reinterpret_cast<const char*>(&table);
  return table.size >= static_cast<std::size_t>(end) && table.*field != nullptr;
}

}  // namespace postamt::sdk

#endif
