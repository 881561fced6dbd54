// Buffer: a move-only owner of a fixed-capacity heap byte array, the unit that BufferPool and
// SizeClassPool hand out and take back.
//
// Contract: every Buffer's storage comes from `::operator new(capacity)`, whether a pool or
// `Buffer::allocate()` made it. A Buffer therefore frees its storage in its destructor wherever
// it came from, and any pool of the matching size may accept it. `size()` is the number of bytes
// in use and never exceeds `capacity()`. The bytes of a new buffer are uninitialized.

#pragma once

#include <cstddef>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace paybench {

class Buffer {
 public:
  // An empty buffer: no storage, capacity() == 0.
  Buffer() noexcept = default;

  // Allocates a buffer of `capacity` uninitialized bytes with size() == 0. A capacity of 0
  // allocates nothing. Throws std::bad_alloc.
  [[nodiscard]] static Buffer allocate(std::size_t capacity) {
    if (capacity == 0) {
      return Buffer();
    }
    return Buffer(static_cast<std::byte*>(::operator new(capacity)), capacity);
  }

  Buffer(Buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        capacity_(std::exchange(other.capacity_, 0)),
        size_(std::exchange(other.size_, 0)) {}

  Buffer& operator=(Buffer&& other) noexcept {
    if (this != &other) {
      free_storage();
      data_ = std::exchange(other.data_, nullptr);
      capacity_ = std::exchange(other.capacity_, 0);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  ~Buffer() { free_storage(); }

  [[nodiscard]] std::byte* data() noexcept { return data_; }
  [[nodiscard]] const std::byte* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  // Sets the number of bytes in use. Bytes between the old and the new size keep whatever they
  // held. Throws std::length_error when new_size exceeds capacity().
  void resize(std::size_t new_size) {
    if (new_size > capacity_) {
      throw std::length_error("Buffer::resize(" + std::to_string(new_size) +
                              ") exceeds the capacity " + std::to_string(capacity_) +
                              ": get a larger buffer");
    }
    size_ = new_size;
  }

  // Returns the bytes in use, [data(), data() + size()).
  [[nodiscard]] std::span<std::byte> bytes() noexcept { return {data_, size_}; }
  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }

 private:
  friend class BufferPool;

  Buffer(std::byte* data, std::size_t capacity) noexcept : data_(data), capacity_(capacity) {}

  // Gives up the storage without freeing it and leaves the buffer empty.
  std::byte* release_storage() noexcept {
    capacity_ = 0;
    size_ = 0;
    return std::exchange(data_, nullptr);
  }

  // The null check saves a call for buffers already handed back to a pool, because the compiler
  // cannot drop a call to the replaceable operator delete on its own.
  void free_storage() noexcept {
    if (data_ != nullptr) {
      ::operator delete(data_);
    }
  }

  std::byte* data_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

// Outcome of returning a Buffer to a pool.
enum class PutResult {
  // The pool cached the storage for a later get(). The Buffer is now empty.
  kPooled,
  // The pool's cache was full, so the storage was freed. The Buffer is now empty.
  kReleased,
  // The capacity is not a size that this pool hands out. The pool took nothing: the Buffer,
  // its storage, size and bytes are unchanged and still owned by the caller.
  kRejectedForeignSize,
};

[[nodiscard]] constexpr std::string_view to_string(PutResult result) noexcept {
  switch (result) {
    case PutResult::kPooled:
      return "pooled";
    case PutResult::kReleased:
      return "released";
    case PutResult::kRejectedForeignSize:
      return "rejected foreign size";
  }
  return "unknown PutResult";
}

}  // namespace paybench
