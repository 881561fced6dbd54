// BatchSink: where a BatchProcessor writes its batches. One interface for every storage, so
// that the same processor and the same checks run on memory, a file log, SQLite or PostgreSQL.
//
// Contract for implementations:
// - write_batch() stores all rows of the batch, or none of them, before it returns. A storage
//   sink makes them durable: they survive a crash of the process, and for sinks that fsync or
//   commit with synchronous=FULL, of the machine. An in-memory sink only keeps them. On failure
//   write_batch() throws SinkError, and no row of that batch may count as written. A sink that
//   cannot undo a partial write documents that in its own header.
// - write_batch() is called by one thread at a time.

#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace paybench {

// A sink's failure. what() names the sink and the operation that failed, with the value involved (a path,
// a connection string without its password, an SQL error).
class SinkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class Row>
class BatchSink {
 public:
  virtual ~BatchSink() = default;

  // Short name for messages and benchmark names, such as "sqlite" or "file_log".
  [[nodiscard]] virtual std::string_view name() const = 0;

  // Makes every row of `rows` durable, or none of them. Throws SinkError on failure.
  virtual void write_batch(std::span<const Row> rows) = 0;
};

}  // namespace paybench
