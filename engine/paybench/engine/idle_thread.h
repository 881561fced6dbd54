// A thread that only waits, so that the process is multi-threaded while it measures.
//
// glibc takes a cheaper path in a process that has never started a second thread: its
// pthread_mutex_lock and malloc skip atomic instructions (the SINGLE_THREAD_P check). Measured
// here, a std::mutex lock+unlock cost 3.6 ns in such a process against 11.0 ns once a thread
// had existed. Real services always run threads, so the runner starts one of these first and
// keeps it until the measurements end.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

namespace paybench::engine {

class IdleThread {
 public:
  IdleThread()
      : thread_([this] {
          std::unique_lock lock(mutex_);
          stop_requested_.wait(lock, [this] { return stopping_; });
        }) {}

  IdleThread(const IdleThread&) = delete;
  IdleThread& operator=(const IdleThread&) = delete;

  // Wakes the thread and joins it.
  ~IdleThread() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_requested_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // last: it starts running in the constructor
};

}  // namespace paybench::engine
