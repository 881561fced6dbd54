// One interface over paybench's queues and the reference implementations they are compared with.
//
// Each adapter is constructed with (capacity, producers, consumers) and hands out per-thread
// handles: `producer(i).try_push(item)` and `consumer(i).try_pop(item)`, neither of which blocks.
// Handles are where per-thread state lives, such as moodycamel's producer and consumer tokens.
#pragma once

#include <boost/lockfree/queue.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#include <concurrentqueue/concurrentqueue.h>
#include <oneapi/tbb/concurrent_queue.h>
#include <readerwriterqueue/readerwriterqueue.h>

#include <cstddef>
#include <optional>

#include "paybench/concurrency/mpmc_ring.h"
#include "paybench/concurrency/mutex_queue.h"
#include "paybench/concurrency/spsc_ring.h"

namespace paybench::workloads {

// paybench's own queues share one API: try_push(const T&) and std::optional<T> try_pop().
template <class Queue, class Item>
class PaybenchQueueAdapter {
 public:
  PaybenchQueueAdapter(std::size_t capacity, int /*producers*/, int /*consumers*/)
      : queue_(capacity) {}

  struct Producer {
    Queue* queue;
    bool try_push(const Item& item) { return queue->try_push(item); }
  };
  struct Consumer {
    Queue* queue;
    bool try_pop(Item& item) {
      std::optional<Item> popped = queue->try_pop();
      if (!popped) return false;
      item = *popped;
      return true;
    }
  };
  Producer producer(int) { return {&queue_}; }
  Consumer consumer(int) { return {&queue_}; }

 private:
  Queue queue_;
};

template <class Item>
using MutexQueueAdapter = PaybenchQueueAdapter<MutexQueue<Item>, Item>;
template <class Item>
using SpscRingAdapter = PaybenchQueueAdapter<SpscRing<Item>, Item>;
template <class Item>
using MpmcRingAdapter = PaybenchQueueAdapter<MpmcRing<Item>, Item>;

// moodycamel::ConcurrentQueue, with implicit producers or with explicit tokens. It has no fixed
// bound: enqueue takes a free block or allocates one (try_enqueue never allocates, and with tokens
// it stalled here for good once the initial blocks were spread over the producers). Blocks are
// reused once consumers empty them, so after warm-up it allocates nothing; allocs_per_op shows it.
template <class Item, bool kUseTokens>
class MoodycamelAdapter {
 public:
  MoodycamelAdapter(std::size_t capacity, int producers, int /*consumers*/)
      : queue_(capacity, kUseTokens ? producers : 0, kUseTokens ? 0 : producers) {}

  struct Producer {
    moodycamel::ConcurrentQueue<Item>* queue;
    std::optional<moodycamel::ProducerToken> token;
    bool try_push(const Item& item) {
      if constexpr (kUseTokens) return queue->enqueue(*token, item);
      return queue->enqueue(item);
    }
  };
  struct Consumer {
    moodycamel::ConcurrentQueue<Item>* queue;
    std::optional<moodycamel::ConsumerToken> token;
    bool try_pop(Item& item) {
      if constexpr (kUseTokens) return queue->try_dequeue(*token, item);
      return queue->try_dequeue(item);
    }
  };
  Producer producer(int) {
    Producer handle{&queue_, std::nullopt};
    if constexpr (kUseTokens) handle.token.emplace(queue_);
    return handle;
  }
  Consumer consumer(int) {
    Consumer handle{&queue_, std::nullopt};
    if constexpr (kUseTokens) handle.token.emplace(queue_);
    return handle;
  }

 private:
  moodycamel::ConcurrentQueue<Item> queue_;
};

template <class Item>
using MoodycamelImplicitAdapter = MoodycamelAdapter<Item, false>;
template <class Item>
using MoodycamelTokensAdapter = MoodycamelAdapter<Item, true>;

// moodycamel::ReaderWriterQueue: single producer, single consumer. try_enqueue never allocates.
template <class Item>
class ReaderWriterQueueAdapter {
 public:
  ReaderWriterQueueAdapter(std::size_t capacity, int, int) : queue_(capacity) {}

  struct Producer {
    moodycamel::ReaderWriterQueue<Item>* queue;
    bool try_push(const Item& item) { return queue->try_enqueue(item); }
  };
  struct Consumer {
    moodycamel::ReaderWriterQueue<Item>* queue;
    bool try_pop(Item& item) { return queue->try_dequeue(item); }
  };
  Producer producer(int) { return {&queue_}; }
  Consumer consumer(int) { return {&queue_}; }

 private:
  moodycamel::ReaderWriterQueue<Item> queue_;
};

// boost::lockfree::queue with its nodes reserved up front; bounded_push never allocates.
template <class Item>
class BoostQueueAdapter {
 public:
  BoostQueueAdapter(std::size_t capacity, int, int) : queue_(capacity) {}

  struct Producer {
    boost::lockfree::queue<Item>* queue;
    bool try_push(const Item& item) { return queue->bounded_push(item); }
  };
  struct Consumer {
    boost::lockfree::queue<Item>* queue;
    bool try_pop(Item& item) { return queue->pop(item); }
  };
  Producer producer(int) { return {&queue_}; }
  Consumer consumer(int) { return {&queue_}; }

 private:
  boost::lockfree::queue<Item> queue_;
};

// boost::lockfree::spsc_queue, sized at run time.
template <class Item>
class BoostSpscAdapter {
 public:
  BoostSpscAdapter(std::size_t capacity, int, int) : queue_(capacity) {}

  struct Producer {
    boost::lockfree::spsc_queue<Item>* queue;
    bool try_push(const Item& item) { return queue->push(item); }
  };
  struct Consumer {
    boost::lockfree::spsc_queue<Item>* queue;
    bool try_pop(Item& item) { return queue->pop(item); }
  };
  Producer producer(int) { return {&queue_}; }
  Consumer consumer(int) { return {&queue_}; }

 private:
  boost::lockfree::spsc_queue<Item> queue_;
};

// tbb::concurrent_bounded_queue with its capacity set.
template <class Item>
class TbbBoundedQueueAdapter {
 public:
  TbbBoundedQueueAdapter(std::size_t capacity, int, int) {
    queue_.set_capacity(static_cast<std::ptrdiff_t>(capacity));
  }

  struct Producer {
    tbb::concurrent_bounded_queue<Item>* queue;
    bool try_push(const Item& item) { return queue->try_push(item); }
  };
  struct Consumer {
    tbb::concurrent_bounded_queue<Item>* queue;
    bool try_pop(Item& item) { return queue->try_pop(item); }
  };
  Producer producer(int) { return {&queue_}; }
  Consumer consumer(int) { return {&queue_}; }

 private:
  tbb::concurrent_bounded_queue<Item> queue_;
};

}  // namespace paybench::workloads
