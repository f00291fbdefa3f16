// A view of contiguous elements: std::span in C++20, a minimal stand-in in C++17.
#ifndef POSTAMT_SDK_SPAN_HPP
#define POSTAMT_SDK_SPAN_HPP

#include <cstddef>

#if __cplusplus >= 202002L && __has_include(<span>)
#include <span>
namespace postamt::sdk {
template <class T>
using Span = std::span<T>;
}
#else
namespace postamt::sdk {
// Only what the adapters need: pointer, size, iteration, indexing.
template <class T>
class Span {
 public:
  Span(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T* begin() const noexcept { return data_; }
  T* end() const noexcept { return data_ + size_; }
  T& operator[](std::size_t i) const noexcept { return data_[i]; }

 private:
  T* data_;
  std::size_t size_;
};
}  // namespace postamt::sdk
#endif

#endif
