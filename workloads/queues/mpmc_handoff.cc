// queues/mpmc_handoff: several producers hand items to several consumers through each queue.
//
// Two producers and two consumers by default; `paybench run --param producers=3 --param
// consumers=1` measures other shapes. Only the queues that allow several producers and
// consumers take part. The mutex queue is the baseline.
#include "handoff.h"
#include "paybench/engine/workload.h"
#include "queue_adapters.h"

namespace {

namespace workloads = paybench::workloads;

template <template <class> class Adapter>
void run(paybench::engine::State& state) {
  workloads::run_handoff_by_item_size<Adapter>(state, static_cast<int>(state.param("producers")),
                                               static_cast<int>(state.param("consumers")));
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "queues",
    .name = "mpmc_handoff",
    .description = "N producers hand items to M consumers; time per item, items/s, latency",
    .parameters = {{"producers", {2}, "producer threads"},
                   {"consumers", {2}, "consumer threads"},
                   {"item_bytes", {8, 64}, "size of one item handed over, in bytes"}},
    .threads = {1},
    .variants =
        {
            {"mutex_queue", "MutexQueue: std::mutex and condition variables", &run<workloads::MutexQueueAdapter>},
            {"mpmc_ring", "MpmcRing: paybench's multi-producer ring", &run<workloads::MpmcRingAdapter>},
            {"moodycamel", "moodycamel::ConcurrentQueue without tokens", &run<workloads::MoodycamelImplicitAdapter>},
            {"moodycamel_tokens", "moodycamel::ConcurrentQueue with producer and consumer tokens",
             run<workloads::MoodycamelTokensAdapter>},
            {"boost_queue", "boost::lockfree::queue", &run<workloads::BoostQueueAdapter>},
            {"tbb_bounded_queue", "tbb::concurrent_bounded_queue",
             run<workloads::TbbBoundedQueueAdapter>},
        },
    .baseline = "mutex_queue",
    .min_repetitions = 9,
}};

}  // namespace
