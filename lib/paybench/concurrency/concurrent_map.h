// ConcurrentMap: a hash map whose get() takes no lock, with writers serialized per bucket.
//
// Contract:
// - All members are safe to call concurrently, except the destructor and reclaim_retired(),
//   which require that no other call is in progress.
// - Each operation is linearizable. A writer's change takes effect at its release store of the
//   bucket's snapshot, and a get() takes effect at its acquire load of that pointer. So a get()
//   that returns a value sees every write the writer made before the insert or update that
//   stored it. A get() never returns an older value of a key than a get() of the same key that
//   finished before it.
// - insert, insert_or_assign, update and erase take the key's bucket mutex. get() takes no lock,
//   performs no atomic read-modify-write and never waits for a writer (copying V may allocate).
// - The bucket count is fixed at construction and the map never rehashes, so operations cost
//   O(1 + size() / bucket_count()). Size the map for the expected number of keys.
// - K and V must be copy constructible, because each write copies the bucket's entries.
//   get() returns a copy of the value.
//
// Design: a bucket has a mutex for writers and an atomic pointer to an immutable snapshot, a
// vector of the bucket's entries, or nullptr when the bucket is empty. A write takes the mutex,
// copies the current snapshot with the change applied, and publishes the copy with a release
// store. A reader loads the pointer with acquire and scans the snapshot it got.
//
// Why get() never returns a stale duplicate: the usual lock-free map, which CASes a new node
// onto a bucket list, keeps an old node for a key next to the new one. Here every snapshot is
// built by one writer at a time, under the bucket mutex, from the snapshot that is current at
// that moment, and it contains each key at most once. A reader scans exactly one snapshot, so
// it sees either the old value or the new one, never two entries for one key.
//
// Why erase followed by a new insert is safe: the erase publishes a snapshot without the key
// and the insert publishes another one with the new entry. A reader that loaded an older
// snapshot still reads valid memory, because snapshots are not freed while readers may use
// them (see below), and it returns the value that was current at its load, which is a
// linearizable result. No pointer is ever compared to decide a write, so the reuse of an address
// (the ABA problem) cannot confuse a writer.
//
// Memory cost: a replaced snapshot is retired, not freed, until the map is destroyed or
// reclaim_retired() runs, because nothing tracks when the last reader leaves it. Each
// insert_or_assign, successful insert, update or erase retires the bucket's previous snapshot.
// A retired snapshot costs two allocations, the Snapshot (a std::vector header of 3 pointers)
// and its entry array (n * sizeof(std::pair<K, V>) for a bucket of n keys), plus a pointer in
// the bucket's retired list. For n = 1 and 16-byte pairs that is 24 + 16 + 8 bytes plus malloc
// overhead, an estimated 80 bytes per write with glibc. Workloads should call reclaim_retired()
// between measured runs, when no thread uses the map.

#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "paybench/concurrency/hash_mixing.h"
#include "paybench/memory/thread_cache.h"

namespace paybench {

template <class K, class V, class Hash = std::hash<K>>
class ConcurrentMap {
  static_assert(std::is_copy_constructible_v<K>, "ConcurrentMap copies keys into new snapshots");
  static_assert(std::is_copy_constructible_v<V>,
                "ConcurrentMap copies values into new snapshots and out of get()");

 public:
  static constexpr std::size_t kDefaultBucketCount = 1024;

  // Throws std::invalid_argument unless bucket_count is a power of two.
  explicit ConcurrentMap(std::size_t bucket_count = kDefaultBucketCount, Hash hash = Hash())
      : hash_(std::move(hash)), bucket_mask_(bucket_count - 1) {
    if (!std::has_single_bit(bucket_count)) {
      throw std::invalid_argument("ConcurrentMap bucket_count = " + std::to_string(bucket_count) +
                                  " is invalid: pass a power of two such as 1024");
    }
    buckets_ = std::make_unique<Bucket[]>(bucket_count);
  }

  ConcurrentMap(const ConcurrentMap&) = delete;
  ConcurrentMap& operator=(const ConcurrentMap&) = delete;

  // Frees every snapshot. No other call may be in progress.
  ~ConcurrentMap() {
    for (std::size_t i = 0; i <= bucket_mask_; ++i) {
      delete buckets_[i].current.load(std::memory_order_relaxed);
    }
  }

  // Inserts key with value. Returns false, changing nothing, when key is present.
  bool insert(K key, V value) {
    Bucket& bucket = bucket_for(key);
    std::lock_guard lock(bucket.mutex);

    const Snapshot* old_snapshot = bucket.current.load(std::memory_order_relaxed);
    if (find_entry(old_snapshot, key) != nullptr) {
      return false;
    }

    auto new_snapshot = copy_entries(old_snapshot);
    new_snapshot->entries.emplace_back(std::move(key), std::move(value));
    publish(bucket, old_snapshot, std::move(new_snapshot));
    size_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  // Inserts key with value, or assigns value when key is present. Returns true when it inserted
  // and false when it assigned, like std::unordered_map::insert_or_assign's bool.
  bool insert_or_assign(K key, V value) {
    Bucket& bucket = bucket_for(key);
    std::lock_guard lock(bucket.mutex);

    const Snapshot* old_snapshot = bucket.current.load(std::memory_order_relaxed);
    auto new_snapshot = copy_entries(old_snapshot);
    const std::size_t index = find_index(new_snapshot.get(), key);
    const bool inserted = index == kNotFound;
    if (inserted) {
      new_snapshot->entries.emplace_back(std::move(key), std::move(value));
    } else {
      new_snapshot->entries[index].second = std::move(value);
    }

    publish(bucket, old_snapshot, std::move(new_snapshot));
    if (inserted) {
      size_.fetch_add(1, std::memory_order_relaxed);
    }
    return inserted;
  }

  // Assigns value when key is present. Returns false, changing nothing, when key is absent.
  bool update(const K& key, V value) {
    Bucket& bucket = bucket_for(key);
    std::lock_guard lock(bucket.mutex);

    const Snapshot* old_snapshot = bucket.current.load(std::memory_order_relaxed);
    const std::size_t index = find_index(old_snapshot, key);
    if (index == kNotFound) {
      return false;
    }

    auto new_snapshot = copy_entries(old_snapshot);
    new_snapshot->entries[index].second = std::move(value);
    publish(bucket, old_snapshot, std::move(new_snapshot));
    return true;
  }

  // Returns a copy of key's value, or std::nullopt when key is absent. Takes no lock.
  [[nodiscard]] std::optional<V> get(const K& key) const {
    const Bucket& bucket = bucket_for(key);

    // Acquire pairs with the release store in publish(), so the snapshot's entries are visible
    // once its pointer is. Snapshots are immutable after publication.
    const Snapshot* snapshot = bucket.current.load(std::memory_order_acquire);
    if (const Entry* entry = find_entry(snapshot, key)) {
      return entry->second;
    }
    return std::nullopt;
  }

  // Removes key. Returns false when key is absent.
  bool erase(const K& key) {
    Bucket& bucket = bucket_for(key);
    std::lock_guard lock(bucket.mutex);

    const Snapshot* old_snapshot = bucket.current.load(std::memory_order_relaxed);
    const std::size_t index = find_index(old_snapshot, key);
    if (index == kNotFound) {
      return false;
    }

    // An empty bucket is stored as nullptr rather than an empty snapshot.
    std::unique_ptr<Snapshot> new_snapshot;
    if (old_snapshot->entries.size() > 1) {
      new_snapshot = std::make_unique<Snapshot>();
      new_snapshot->entries.reserve(old_snapshot->entries.size() - 1);
      for (std::size_t i = 0; i < old_snapshot->entries.size(); ++i) {
        if (i != index) {
          new_snapshot->entries.push_back(old_snapshot->entries[i]);
        }
      }
    }

    publish(bucket, old_snapshot, std::move(new_snapshot));
    size_.fetch_sub(1, std::memory_order_relaxed);
    return true;
  }

  // Returns the number of keys. Exact when no write is in progress. During writes it counts
  // every write that finished before the call and possibly some in progress.
  [[nodiscard]] std::size_t size() const noexcept {
    return size_.load(std::memory_order_relaxed);
  }

  [[nodiscard]] std::size_t bucket_count() const noexcept { return bucket_mask_ + 1; }

  // Returns the number of replaced snapshots kept for readers. Locks every bucket in turn.
  [[nodiscard]] std::size_t retired_snapshot_count() const {
    std::size_t count = 0;
    for (std::size_t i = 0; i <= bucket_mask_; ++i) {
      std::lock_guard lock(buckets_[i].mutex);
      count += buckets_[i].retired.size();
    }
    return count;
  }

  // Frees every retired snapshot. The caller must ensure that no other call on this map is in
  // progress, for example by joining the threads that use it, because a concurrent get() may be
  // reading a retired snapshot. Nothing can check this, so a violation is a use after free.
  void reclaim_retired() {
    for (std::size_t i = 0; i <= bucket_mask_; ++i) {
      std::lock_guard lock(buckets_[i].mutex);
      buckets_[i].retired.clear();
    }
  }

 private:
  using Entry = std::pair<K, V>;

  // The entries of one bucket, each key at most once. Never changed after publication.
  struct Snapshot {
    std::vector<Entry> entries;
  };

  struct alignas(kCacheLineSize) Bucket {
    // Loaded by get() with acquire. Stored only by the holder of mutex, with release.
    // nullptr means an empty bucket. The pointed-to snapshot is owned by the map.
    std::atomic<const Snapshot*> current{nullptr};
    // Serializes writers of this bucket. mutable so that retired_snapshot_count() can take it.
    mutable std::mutex mutex;
    // Guarded by mutex. Replaced snapshots that readers may still be scanning.
    std::vector<std::unique_ptr<const Snapshot>> retired;
  };
  static_assert(std::atomic<const Snapshot*>::is_always_lock_free,
                "get() relies on a lock-free pointer load");

  static constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);
  static constexpr std::size_t kMinRetiredCapacity = 8;

  [[nodiscard]] Bucket& bucket_for(const K& key) {
    return buckets_[detail::mix_hash(hash_(key)) & bucket_mask_];
  }
  [[nodiscard]] const Bucket& bucket_for(const K& key) const {
    return buckets_[detail::mix_hash(hash_(key)) & bucket_mask_];
  }

  [[nodiscard]] static std::size_t find_index(const Snapshot* snapshot, const K& key) {
    if (snapshot == nullptr) {
      return kNotFound;
    }
    for (std::size_t i = 0; i < snapshot->entries.size(); ++i) {
      if (snapshot->entries[i].first == key) {
        return i;
      }
    }
    return kNotFound;
  }

  [[nodiscard]] static const Entry* find_entry(const Snapshot* snapshot, const K& key) {
    const std::size_t index = find_index(snapshot, key);
    return index == kNotFound ? nullptr : &snapshot->entries[index];
  }

  // Returns a mutable copy of snapshot with room for one more entry.
  [[nodiscard]] static std::unique_ptr<Snapshot> copy_entries(const Snapshot* snapshot) {
    auto copy = std::make_unique<Snapshot>();
    if (snapshot != nullptr) {
      copy->entries.reserve(snapshot->entries.size() + 1);
      copy->entries.assign(snapshot->entries.begin(), snapshot->entries.end());
    }
    return copy;
  }

  // Makes new_snapshot current and retires old_snapshot. The caller holds bucket.mutex.
  // Allocates before the store, so a std::bad_alloc leaves the bucket unchanged.
  static void publish(Bucket& bucket, const Snapshot* old_snapshot,
                      std::unique_ptr<Snapshot> new_snapshot) {
    // Doubling keeps the amortized cost constant, whereas reserve(size() + 1) would reallocate
    // on every write.
    const bool retired_full = bucket.retired.size() == bucket.retired.capacity();
    if (old_snapshot != nullptr && retired_full) {
      bucket.retired.reserve(std::max<std::size_t>(kMinRetiredCapacity, 2 * bucket.retired.size()));
    }

    // Release pairs with the acquire load in get(): the entries written above become visible
    // to every reader that loads the new pointer.
    bucket.current.store(new_snapshot.release(), std::memory_order_release);

    if (old_snapshot != nullptr) {
      bucket.retired.emplace_back(old_snapshot);
    }
  }

  const Hash hash_;
  const std::size_t bucket_mask_;
  std::unique_ptr<Bucket[]> buckets_;

  // Written by writers under their bucket mutex with relaxed RMWs. Several buckets' writers
  // update it, so it orders nothing and size() is only a count.
  std::atomic<std::size_t> size_{0};
};

}  // namespace paybench
