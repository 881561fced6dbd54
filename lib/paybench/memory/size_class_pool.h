// SizeClassPool: recycled byte buffers of varying size, rounded up to power-of-two classes.
//
// Contract:
// - The classes are 64, 128, 256, ... bytes up to max_class_size() (64 KiB by default), and each
//   class is one BufferPool with the same limits and scrub setting.
// - `get(min_size)` returns a buffer with size() == min_size and capacity() equal to the
//   smallest class that fits min_size. A min_size above the largest class gets a plain
//   allocation of exactly min_size bytes, which put() will reject, so it is never pooled.
// - `put(std::move(buffer))` routes by capacity. A capacity that is not one of the classes is
//   rejected with kRejectedForeignSize and the caller still owns the buffer intact.
// - Memory bound: each class caches at most per_thread * threads + shared buffers, so the cached
//   bytes stay below (per_thread * threads + shared) * (2 * max_class_size()).

#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "paybench/memory/buffer.h"
#include "paybench/memory/buffer_pool.h"
#include "paybench/memory/thread_cache.h"

namespace paybench {

class SizeClassPool {
 public:
  using Limits = PoolLimits;

  static constexpr std::size_t kMinClassSize = 64;
  static constexpr std::size_t kDefaultMaxClassSize = 64 * 1024;
  // Upper bound for max_class_size, so that a class's cache cannot reach gigabytes by accident.
  static constexpr std::size_t kMaxMaxClassSize = std::size_t{64} << 20;

  // Throws std::invalid_argument when max_class_size is not a power of two in
  // [kMinClassSize, kMaxMaxClassSize] or a limit exceeds its maximum.
  explicit SizeClassPool(std::size_t max_class_size = kDefaultMaxClassSize, Limits limits = {},
                         bool scrub_on_release = false)
      : max_class_size_(validated_max_class_size(max_class_size)) {
    for (std::size_t class_size = kMinClassSize; class_size <= max_class_size_; class_size *= 2) {
      pools_.push_back(std::make_unique<BufferPool>(class_size, limits, scrub_on_release));
    }
  }

  // Returns a buffer with size() == min_size. Its capacity is the smallest class that fits, or
  // exactly min_size above the largest class. Throws std::bad_alloc.
  [[nodiscard]] Buffer get(std::size_t min_size) {
    Buffer buffer = min_size <= max_class_size_ ? pools_[class_index(min_size)]->get()
                                                : Buffer::allocate(min_size);
    buffer.resize(min_size);
    return buffer;
  }

  // Returns the buffer to the pool of its class, or rejects it when its capacity is not a class.
  [[nodiscard]] PutResult put(Buffer&& buffer) {
    const std::size_t capacity = buffer.capacity();
    const bool is_class_size =
        capacity >= kMinClassSize && capacity <= max_class_size_ && std::has_single_bit(capacity);
    if (!is_class_size) {
      return PutResult::kRejectedForeignSize;
    }
    return pools_[class_index(capacity)]->put(std::move(buffer));
  }

  // Returns the capacity that get(min_size) hands out from a class, or std::nullopt when
  // min_size is above the largest class and gets an unpooled allocation.
  [[nodiscard]] std::optional<std::size_t> class_size_for(std::size_t min_size) const noexcept {
    if (min_size > max_class_size_) {
      return std::nullopt;
    }
    return kMinClassSize << class_index(min_size);
  }

  [[nodiscard]] std::size_t max_class_size() const noexcept { return max_class_size_; }
  [[nodiscard]] std::size_t class_count() const noexcept { return pools_.size(); }

  // Returns the number of cached buffers over all classes: exact when no thread is calling get()
  // or put(), an approximation while they do.
  [[nodiscard]] std::size_t cached_count() const {
    std::size_t total = 0;
    for (const auto& pool : pools_) {
      total += pool->cached_count();
    }
    return total;
  }

 private:
  // Index of the smallest class that fits `size` bytes: 0 for sizes up to 64, 1 up to 128, ...
  static std::size_t class_index(std::size_t size) noexcept {
    const std::size_t rounded = std::max(size, kMinClassSize);
    return static_cast<std::size_t>(std::bit_width(rounded - 1)) -
           static_cast<std::size_t>(std::bit_width(kMinClassSize - 1));
  }

  static std::size_t validated_max_class_size(std::size_t max_class_size) {
    const bool valid = std::has_single_bit(max_class_size) && max_class_size >= kMinClassSize &&
                       max_class_size <= kMaxMaxClassSize;
    if (!valid) {
      throw std::invalid_argument("SizeClassPool max_class_size = " +
                                  std::to_string(max_class_size) +
                                  " is invalid: pass a power of two from " +
                                  std::to_string(kMinClassSize) + " to " +
                                  std::to_string(kMaxMaxClassSize));
    }
    return max_class_size;
  }

  const std::size_t max_class_size_;
  // pools_[i] hands out buffers of kMinClassSize << i bytes. Each BufferPool lives in its own
  // allocation because it contains a mutex and cannot move.
  std::vector<std::unique_ptr<BufferPool>> pools_;
};

}  // namespace paybench
