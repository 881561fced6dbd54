// memory/interner: interning repeated identifiers against copying them.
//
// A payment service handles the same few thousand merchant and account ids over and over. Copying
// each into a std::string allocates; interning returns a shared view after a lookup. The table
// is filled before measuring, so the measured region is the read-mostly steady state: hits.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "paybench/engine/workload.h"
#include "paybench/memory/lock_free_read_interner.h"
#include "paybench/memory/sharded_interner.h"
#include "paybench/memory/shared_mutex_interner.h"

namespace {

using paybench::engine::State;

// 24 characters, longer than libstdc++'s 15-character small-string buffer, as real ids are.
std::vector<std::string> make_ids(std::size_t count) {
  std::vector<std::string> ids;
  ids.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    char id[32];
    std::snprintf(id, sizeof(id), "acct_%019zu", i * 2654435761u % 10000000019u);
    ids.emplace_back(id);
  }
  return ids;
}

// Ids in a shuffled visiting order, the same for every variant and thread.
const std::vector<std::string>& ids_for(std::size_t count) {
  static const std::vector<std::string> ids = make_ids(count);
  return ids;
}

void run_copy(State& state) {
  const auto& ids = ids_for(static_cast<std::size_t>(state.param("distinct")));
  std::size_t next = static_cast<std::size_t>(state.thread_index()) * 7;
  for (auto _ : state) {
    std::string copy(ids[next++ % ids.size()]);
    benchmark::DoNotOptimize(copy.data());
  }
}

// Interns every id once, then measures lookups of ids already present.
template <class Interner>
void run_interner(State& state, Interner& interner) {
  const auto& ids = ids_for(static_cast<std::size_t>(state.param("distinct")));
  for (const std::string& id : ids) benchmark::DoNotOptimize(interner.intern(id));

  std::size_t next = static_cast<std::size_t>(state.thread_index()) * 7;
  for (auto _ : state) {
    std::string_view interned = interner.intern(ids[next++ % ids.size()]);
    benchmark::DoNotOptimize(interned.data());
  }
}

void run_shared_mutex(State& state) {
  static paybench::SharedMutexInterner interner;
  run_interner(state, interner);
}

void run_sharded(State& state) {
  static paybench::ShardedInterner interner;
  run_interner(state, interner);
}

void run_lock_free_read(State& state) {
  static paybench::LockFreeReadInterner interner;
  run_interner(state, interner);
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "memory",
    .name = "interner",
    .description = "String interning of repeated 24-character ids against copying them",
    .parameters = {{"distinct", {1000}, "distinct strings among the interned ones"}},
    .threads = {1, 2},
    .variants = {{"copy", "std::string copy of the id", &run_copy},
                 {"shared_mutex", "SharedMutexInterner: one table under a shared_mutex",
                  &run_shared_mutex},
                 {"sharded", "ShardedInterner: tables sharded by hash", &run_sharded},
                 {"lock_free_read", "LockFreeReadInterner: lookups take no lock",
                  &run_lock_free_read}},
    .baseline = "copy",
}};

}  // namespace
