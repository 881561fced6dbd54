// BufferPool: recycled byte buffers of one fixed capacity.
//
// Contract:
// - `get()` returns a Buffer with capacity() == buffer_size() and size() == 0. Its bytes are
//   whatever the previous user left, unless the pool scrubs on release (then they are zero) or
//   the buffer is newly allocated (then they are uninitialized).
// - `put(std::move(buffer))` accepts only a buffer whose capacity equals buffer_size(). Any
//   other buffer is rejected with kRejectedForeignSize and left intact with the caller. An
//   accepted buffer is cached (kPooled) or, when the bounds are reached, freed (kReleased). In
//   both cases the caller's Buffer is left empty.
// - With `scrub_on_release`, put() zeroes the whole capacity before caching it, so no bytes of
//   one user reach the next.
// - Bounds, threading and destruction are those of ThreadCache (see thread_cache.h): get() and
//   put() are safe from any number of threads, and the destructor frees every cached buffer.

#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "paybench/memory/buffer.h"
#include "paybench/memory/thread_cache.h"

namespace paybench {

class BufferPool {
  struct FreeStorage {
    void operator()(std::byte* storage) const noexcept { ::operator delete(storage); }
  };

 public:
  using Limits = PoolLimits;

  // Throws std::invalid_argument when buffer_size is 0 or a limit exceeds its maximum.
  explicit BufferPool(std::size_t buffer_size, Limits limits = {}, bool scrub_on_release = false)
      : buffer_size_(validated_buffer_size(buffer_size)),
        scrub_on_release_(scrub_on_release),
        cache_(limits) {}

  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // Returns a buffer of buffer_size() bytes with size() == 0, allocating one when the cache is
  // empty (which may throw std::bad_alloc).
  [[nodiscard]] Buffer get() {
    if (std::byte* storage = cache_.take()) [[likely]] {
      return Buffer(storage, buffer_size_);
    }
    return Buffer::allocate(buffer_size_);
  }

  // Takes the buffer back unless its capacity differs from buffer_size(). See the header comment.
  [[nodiscard]] PutResult put(Buffer&& buffer) {
    if (buffer.capacity() != buffer_size_) {
      return PutResult::kRejectedForeignSize;
    }

    std::byte* storage = buffer.release_storage();
    if (scrub_on_release_) {
      std::memset(storage, 0, buffer_size_);
    }
    return cache_.put(storage) ? PutResult::kPooled : PutResult::kReleased;
  }

  [[nodiscard]] std::size_t buffer_size() const noexcept { return buffer_size_; }
  [[nodiscard]] bool scrub_on_release() const noexcept { return scrub_on_release_; }

  // Returns the number of cached buffers: exact when no thread is calling get() or put(), an
  // approximation while they do.
  [[nodiscard]] std::size_t cached_count() const { return cache_.cached_count(); }

 private:
  static std::size_t validated_buffer_size(std::size_t buffer_size) {
    if (buffer_size == 0) {
      throw std::invalid_argument(
          "BufferPool buffer_size = 0 is invalid: pass a size of 1 byte or more");
    }
    return buffer_size;
  }

  const std::size_t buffer_size_;
  const bool scrub_on_release_;
  ThreadCache<std::byte, FreeStorage> cache_;
};

}  // namespace paybench
