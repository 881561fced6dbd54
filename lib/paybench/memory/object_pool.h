// ObjectPool: recycled heap objects with the semantics of Go's sync.Pool, made safe for C++.
//
// Contract:
// - `get()` never returns nullptr. It returns an object from this thread's cache, else from the
//   shared overflow, else a new `T()`. The caller owns the object until it calls `put()`.
// - `put(object)` applies the reset functor first, so an object returned by get() is always in
//   the state that the reset leaves, never in the state its previous user left. Then the pool
//   caches the object or, when its bounds are reached, deletes it.
// - The default reset, CallResetMember, calls `object.reset()`. A T without a `reset()` member
//   does not compile with it, so every user of the pool chooses how objects are cleaned.
// - Bounds (PoolLimits): at most `per_thread` objects per thread slot and `shared` in the shared
//   overflow. Objects beyond them are deleted, so the pool never grows without limit.
// - Threads: get() and put() may be called from any number of threads at once. An object may be
//   put by a different thread than the one that got it.
// - Destruction deletes every cached object. An object still leased, or taken with get() and not
//   yet put back, is the caller's bug. The pool does not delete it, and returning it afterwards is
//   undefined behaviour.
//   thread_cache.h states the ordering that destruction needs.
//
// Speed: get() and put() inline to a few instructions on the fast path (see thread_cache.h), plus
// the reset functor, which is called directly rather than through std::function.

#pragma once

#include <cassert>
#include <concepts>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "paybench/memory/thread_cache.h"

namespace paybench {

template <class T>
concept HasResetMember = requires(T& object) { object.reset(); };

// Default reset for ObjectPool: calls `object.reset()`. It is not invocable for a T without that
// member, so ObjectPool<T> fails its constraint and the user must pass a reset functor.
struct CallResetMember {
  template <HasResetMember T>
  void operator()(T& object) const noexcept(noexcept(object.reset())) {
    object.reset();
  }
};

// A reset functor for T: called on every object that is put back, before it can be cached.
template <class Reset, class T>
concept ObjectReset = std::invocable<Reset&, T&>;

template <class T, class Reset = CallResetMember>
  requires std::default_initializable<T> && std::is_nothrow_destructible_v<T> &&
           ObjectReset<Reset, T>
class ObjectPool {
  struct DeleteObject {
    void operator()(T* object) const noexcept { delete object; }
  };

 public:
  using Limits = PoolLimits;

  // RAII handle: owns one object from the pool and puts it back when destroyed. Move-only.
  // An empty lease (default-constructed or moved from) owns nothing.
  class Lease {
   public:
    Lease() noexcept = default;

    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)),
          object_(std::exchange(other.object_, nullptr)) {}

    // Returns the currently owned object to its pool first.
    Lease& operator=(Lease&& other) noexcept {
      if (this != &other) {
        return_object();
        pool_ = std::exchange(other.pool_, nullptr);
        object_ = std::exchange(other.object_, nullptr);
      }
      return *this;
    }

    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    // Puts the object back. A reset functor that throws here terminates the program.
    ~Lease() { return_object(); }

    [[nodiscard]] T* get() const noexcept { return object_; }

    T& operator*() const noexcept {
      assert(object_ != nullptr && "dereferenced an empty ObjectPool::Lease");
      return *object_;
    }

    T* operator->() const noexcept {
      assert(object_ != nullptr && "dereferenced an empty ObjectPool::Lease");
      return object_;
    }

    explicit operator bool() const noexcept { return object_ != nullptr; }

    // Gives up ownership without putting the object back, and returns it. The caller must now
    // put() it into the same pool or delete it.
    [[nodiscard]] T* release() noexcept {
      pool_ = nullptr;
      return std::exchange(object_, nullptr);
    }

   private:
    friend class ObjectPool;

    Lease(ObjectPool* pool, T* object) noexcept : pool_(pool), object_(object) {}

    void return_object() noexcept {
      if (object_ != nullptr) {
        pool_->put(std::exchange(object_, nullptr));
      }
    }

    ObjectPool* pool_ = nullptr;
    T* object_ = nullptr;
  };

  explicit ObjectPool(Limits limits = {}, Reset reset = Reset())
      : reset_(std::move(reset)), cache_(limits) {}

  explicit ObjectPool(Reset reset, Limits limits = {}) : ObjectPool(limits, std::move(reset)) {}

  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  // Deletes every cached object. See the header comment about objects still leased.
  ~ObjectPool() = default;

  // Returns a clean object, never nullptr. Allocates `new T()` only when the cache is empty, so
  // it throws only what that allocation or T's constructor throws.
  [[nodiscard]] T* get() {
    if (T* object = cache_.take()) [[likely]] {
      return object;
    }
    return new T();
  }

  // Resets the object and caches it, or deletes it when the bounds are reached. Takes ownership.
  // If the reset throws, put deletes the object and rethrows.
  void put(T* object) {
    assert(object != nullptr && "ObjectPool::put(nullptr): put only objects that get() returned");
    if constexpr (std::is_nothrow_invocable_v<Reset&, T&>) {
      reset_(*object);
    } else {
      try {
        reset_(*object);
      } catch (...) {
        delete object;
        throw;
      }
    }
    cache_.put(object);
  }

  // Returns an object from get() wrapped in a lease that puts it back when destroyed.
  [[nodiscard]] Lease acquire() { return Lease(this, get()); }

  // Returns the number of cached objects: exact when no thread is calling get() or put(), an
  // approximation while they do.
  [[nodiscard]] std::size_t cached_count() const { return cache_.cached_count(); }

 private:
  [[no_unique_address]] Reset reset_;
  ThreadCache<T, DeleteObject> cache_;
};

}  // namespace paybench
