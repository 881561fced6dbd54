// queues/spsc_handoff: one producer hands items to one consumer through each queue.
//
// Every queue takes part, including the single-producer/single-consumer ones (SpscRing,
// moodycamel::ReaderWriterQueue, boost::lockfree::spsc_queue). The mutex queue is the baseline.
#include "handoff.h"
#include "paybench/engine/workload.h"
#include "queue_adapters.h"

namespace {

namespace workloads = paybench::workloads;

// One producer and one consumer, always: the single-producer/single-consumer queues allow no
// other shape, so this workload has no producers or consumers parameter to change.
template <template <class> class Adapter>
void run(paybench::engine::State& state) {
  workloads::run_handoff_by_item_size<Adapter>(state, 1, 1);
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "queues",
    .name = "spsc_handoff",
    .description = "1 producer hands items to 1 consumer; time per item, items/s, latency",
    .parameters = {{"item_bytes", {8, 64}, "size of one item handed over, in bytes"}},
    .threads = {1},
    .variants =
        {
            {"mutex_queue", "MutexQueue: std::mutex and condition variables", &run<workloads::MutexQueueAdapter>},
            {"spsc_ring", "SpscRing: paybench's single-producer ring", &run<workloads::SpscRingAdapter>},
            {"mpmc_ring", "MpmcRing: paybench's multi-producer ring", &run<workloads::MpmcRingAdapter>},
            {"moodycamel", "moodycamel::ConcurrentQueue without tokens", &run<workloads::MoodycamelImplicitAdapter>},
            {"moodycamel_tokens", "moodycamel::ConcurrentQueue with producer and consumer tokens",
             run<workloads::MoodycamelTokensAdapter>},
            {"reader_writer_queue", "moodycamel::ReaderWriterQueue",
             run<workloads::ReaderWriterQueueAdapter>},
            {"boost_queue", "boost::lockfree::queue", &run<workloads::BoostQueueAdapter>},
            {"boost_spsc_queue", "boost::lockfree::spsc_queue", &run<workloads::BoostSpscAdapter>},
            {"tbb_bounded_queue", "tbb::concurrent_bounded_queue",
             run<workloads::TbbBoundedQueueAdapter>},
        },
    .baseline = "mutex_queue",
    .min_repetitions = 9,
}};

}  // namespace
