// Small per-thread indices for per-thread caches, handed out by one process-wide registry.
//
// Contract: a thread's index is assigned on its first call to `acquire_thread_index()` and stays
// the same until the thread exits. At exit the index returns to the registry, which hands out the
// smallest free index next. Indices therefore stay below the maximum number of threads that
// have held one at the same time, however many threads come and go.
// Two threads alive at the same time never hold the same index.
//
// Fast path: `current_thread_index()` reads a `constinit thread_local` integer. Because that
// variable has no dynamic initialization, the compiler reads it with one %fs-relative load and no
// TLS wrapper call. The object that releases the index at thread exit is a second thread_local
// with a destructor, and only `acquire_thread_index()` (the slow path) touches it.
//
// Happens-before for reuse: an exiting thread releases its index under the registry mutex, and
// the next thread that receives that index takes it under the same mutex. Everything the exiting
// thread wrote to memory indexed by its thread index (for example its slot in a pool) therefore
// happens before everything the new owner of the index reads or writes there.

#pragma once

#include <cstddef>
#include <limits>

namespace paybench {

// Value of `current_thread_index()` before the thread has asked for an index.
inline constexpr std::size_t kUnassignedThreadIndex = std::numeric_limits<std::size_t>::max();

// Value of `current_thread_index()` after the thread's index was released during thread exit.
// Code that runs later in the same exit (another thread_local's destructor) must not acquire a
// new index, because nothing would release it again. Both sentinels compare greater than any
// valid index, so a check `index < max_threads` rejects them.
inline constexpr std::size_t kReleasedThreadIndex = std::numeric_limits<std::size_t>::max() - 1;

namespace detail {
// Written only by the owning thread: by acquire_thread_index() and by the index owner's destructor.
extern constinit thread_local std::size_t t_thread_index;
}  // namespace detail

// Returns this thread's index, kUnassignedThreadIndex before the first acquire_thread_index(),
// or kReleasedThreadIndex while the thread is exiting. Never blocks and never allocates.
[[nodiscard]] inline std::size_t current_thread_index() noexcept { return detail::t_thread_index; }

// Returns this thread's index and assigns one first if the thread has none. Takes the registry
// mutex and may allocate on the first call of each thread. Returns kReleasedThreadIndex, without
// assigning, when called during thread exit after the index was released.
std::size_t acquire_thread_index();

// Returns the number of indices currently held by live threads. For tests and diagnostics.
[[nodiscard]] std::size_t live_thread_index_count();

}  // namespace paybench
