// MutexMap and StripedMap: the lock-based baselines that workloads compare ConcurrentMap with.
// Both have ConcurrentMap's member functions with the same meaning, and every member takes a
// lock, including get().
//
// - MutexMap: one std::mutex around one std::unordered_map. Every call contends on one lock.
// - StripedMap: stripe_count independent std::unordered_maps, each behind its own mutex, with
//   the stripe chosen from the key's hash. Calls on keys in different stripes never contend.
//
// Both are linearizable, and a get() sees every write of the thread that wrote the value it
// returns, because the lock orders them.

#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "paybench/concurrency/hash_mixing.h"
#include "paybench/memory/thread_cache.h"

namespace paybench {

template <class K, class V, class Hash = std::hash<K>>
class MutexMap {
 public:
  MutexMap() = default;
  MutexMap(const MutexMap&) = delete;
  MutexMap& operator=(const MutexMap&) = delete;

  // Inserts key with value. Returns false, changing nothing, when key is present.
  bool insert(K key, V value) {
    std::lock_guard lock(mutex_);
    return map_.try_emplace(std::move(key), std::move(value)).second;
  }

  // Inserts key with value, or assigns value when key is present. Returns true when it inserted.
  bool insert_or_assign(K key, V value) {
    std::lock_guard lock(mutex_);
    return map_.insert_or_assign(std::move(key), std::move(value)).second;
  }

  // Assigns value when key is present. Returns false, changing nothing, when key is absent.
  bool update(const K& key, V value) {
    std::lock_guard lock(mutex_);
    const auto found = map_.find(key);
    if (found == map_.end()) {
      return false;
    }
    found->second = std::move(value);
    return true;
  }

  // Returns a copy of key's value, or std::nullopt when key is absent.
  [[nodiscard]] std::optional<V> get(const K& key) const {
    std::lock_guard lock(mutex_);
    const auto found = map_.find(key);
    if (found == map_.end()) {
      return std::nullopt;
    }
    return found->second;
  }

  // Removes key. Returns false when key is absent.
  bool erase(const K& key) {
    std::lock_guard lock(mutex_);
    return map_.erase(key) == 1;
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return map_.size();
  }

 private:
  mutable std::mutex mutex_;
  // Guarded by mutex_.
  std::unordered_map<K, V, Hash> map_;
};

template <class K, class V, class Hash = std::hash<K>>
class StripedMap {
 public:
  static constexpr std::size_t kDefaultStripeCount = 16;

  // Throws std::invalid_argument unless stripe_count is a power of two.
  explicit StripedMap(std::size_t stripe_count = kDefaultStripeCount, Hash hash = Hash())
      : hash_(std::move(hash)), stripe_mask_(stripe_count - 1) {
    if (!std::has_single_bit(stripe_count)) {
      throw std::invalid_argument("StripedMap stripe_count = " + std::to_string(stripe_count) +
                                  " is invalid: pass a power of two such as 16");
    }
    stripes_ = std::make_unique<Stripe[]>(stripe_count);
  }

  StripedMap(const StripedMap&) = delete;
  StripedMap& operator=(const StripedMap&) = delete;

  // Inserts key with value. Returns false, changing nothing, when key is present.
  bool insert(K key, V value) {
    Stripe& stripe = stripe_for(key);
    std::lock_guard lock(stripe.mutex);
    const bool inserted = stripe.map.try_emplace(std::move(key), std::move(value)).second;
    if (inserted) {
      size_.fetch_add(1, std::memory_order_relaxed);
    }
    return inserted;
  }

  // Inserts key with value, or assigns value when key is present. Returns true when it inserted.
  bool insert_or_assign(K key, V value) {
    Stripe& stripe = stripe_for(key);
    std::lock_guard lock(stripe.mutex);
    const bool inserted = stripe.map.insert_or_assign(std::move(key), std::move(value)).second;
    if (inserted) {
      size_.fetch_add(1, std::memory_order_relaxed);
    }
    return inserted;
  }

  // Assigns value when key is present. Returns false, changing nothing, when key is absent.
  bool update(const K& key, V value) {
    Stripe& stripe = stripe_for(key);
    std::lock_guard lock(stripe.mutex);
    const auto found = stripe.map.find(key);
    if (found == stripe.map.end()) {
      return false;
    }
    found->second = std::move(value);
    return true;
  }

  // Returns a copy of key's value, or std::nullopt when key is absent.
  [[nodiscard]] std::optional<V> get(const K& key) const {
    const Stripe& stripe = stripe_for(key);
    std::lock_guard lock(stripe.mutex);
    const auto found = stripe.map.find(key);
    if (found == stripe.map.end()) {
      return std::nullopt;
    }
    return found->second;
  }

  // Removes key. Returns false when key is absent.
  bool erase(const K& key) {
    Stripe& stripe = stripe_for(key);
    std::lock_guard lock(stripe.mutex);
    const bool erased = stripe.map.erase(key) == 1;
    if (erased) {
      size_.fetch_sub(1, std::memory_order_relaxed);
    }
    return erased;
  }

  // Returns the number of keys. Exact when no write is in progress. During writes it counts
  // every write that finished before the call and possibly some in progress.
  [[nodiscard]] std::size_t size() const noexcept {
    return size_.load(std::memory_order_relaxed);
  }

  [[nodiscard]] std::size_t stripe_count() const noexcept { return stripe_mask_ + 1; }

 private:
  // One cache line or more per stripe, so that threads locking neighbouring stripes do not
  // invalidate each other's mutex.
  struct alignas(kCacheLineSize) Stripe {
    mutable std::mutex mutex;
    // Guarded by mutex.
    std::unordered_map<K, V, Hash> map;
  };

  [[nodiscard]] Stripe& stripe_for(const K& key) {
    return stripes_[detail::mix_hash(hash_(key)) & stripe_mask_];
  }
  [[nodiscard]] const Stripe& stripe_for(const K& key) const {
    return stripes_[detail::mix_hash(hash_(key)) & stripe_mask_];
  }

  const Hash hash_;
  const std::size_t stripe_mask_;
  std::unique_ptr<Stripe[]> stripes_;

  // Written by writers under their stripe mutex with relaxed RMWs. Several stripes' writers
  // update it, so it orders nothing and size() is only a count.
  std::atomic<std::size_t> size_{0};
};

}  // namespace paybench
