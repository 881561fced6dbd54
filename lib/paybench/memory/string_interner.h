// StringInterner: the API shared by SharedMutexInterner, ShardedInterner and
// LockFreeReadInterner, so that code can be written once for any of them.
//
// Contract of a StringInterner: `intern(text)` returns a view of the interner's own copy of text
// that stays valid for the interner's lifetime, equal texts return views with the same data()
// pointer, and a hit never allocates. `size()` returns the number of distinct texts interned.
// Both members are safe to call from any number of threads at once.

#pragma once

#include <concepts>
#include <cstddef>
#include <string_view>

#include "paybench/memory/lock_free_read_interner.h"
#include "paybench/memory/sharded_interner.h"
#include "paybench/memory/shared_mutex_interner.h"

namespace paybench {

template <class Interner>
concept StringInterner = requires(Interner& interner, const Interner& const_interner,
                                  std::string_view text) {
  { interner.intern(text) } -> std::same_as<std::string_view>;
  { const_interner.size() } -> std::same_as<std::size_t>;
};

static_assert(StringInterner<SharedMutexInterner>);
static_assert(StringInterner<ShardedInterner>);
static_assert(StringInterner<LockFreeReadInterner>);

}  // namespace paybench
