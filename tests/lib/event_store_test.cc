// The EventStore contract, typed so that every rule runs against MemoryEventStore,
// FileLogEventStore and SqliteEventStore, then the rules of the durable backends: reopening, the
// file log's torn tails and corruption, and SQLite's own primary key.

#include "paybench/eventsourcing/event_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "event_sourcing_test_support.h"
#include "paybench/eventsourcing/event_log_format.h"
#include "paybench/eventsourcing/file_log_event_store.h"
#include "paybench/eventsourcing/memory_event_store.h"
#include "paybench/eventsourcing/sqlite_event_store.h"

namespace paybench {
namespace {

namespace fs = std::filesystem;
using testing::make_test_event;
using testing::make_test_events;
using testing::message_of;
using testing::TemporaryDirectory;

struct MemoryBackend {
  static constexpr std::string_view kName = "Memory";
  static constexpr bool kIsDurable = false;
  static std::unique_ptr<EventStore> open(const fs::path&) {
    return std::make_unique<MemoryEventStore>();
  }
};

struct FileLogBackend {
  static constexpr std::string_view kName = "FileLog";
  static constexpr bool kIsDurable = true;
  static std::unique_ptr<EventStore> open(const fs::path& directory) {
    return std::make_unique<FileLogEventStore>(directory / "events.log");
  }
};

struct SqliteBackend {
  static constexpr std::string_view kName = "Sqlite";
  static constexpr bool kIsDurable = true;
  static std::unique_ptr<EventStore> open(const fs::path& directory) {
    return std::make_unique<SqliteEventStore>(directory / "events.db");
  }
};

class BackendNames {
 public:
  template <class Backend>
  static std::string GetName(int) {
    return std::string(Backend::kName);
  }
};

template <class Backend>
class EventStoreContractTest : public ::testing::Test {
 protected:
  std::unique_ptr<EventStore> open() { return Backend::open(directory_.path()); }

  TemporaryDirectory directory_;
};

using AllBackends = ::testing::Types<MemoryBackend, FileLogBackend, SqliteBackend>;
TYPED_TEST_SUITE(EventStoreContractTest, AllBackends, BackendNames);

// Appends `events` and fails the test unless the append succeeds.
void append_or_fail(EventStore& store, std::uint64_t expected_version,
                    const std::vector<PaymentEvent>& events) {
  const AppendResult result = store.append(events.front().aggregate_id, expected_version, events);
  ASSERT_TRUE(result.ok()) << "conflict at actual version " << result.conflict().actual_version;
}

TYPED_TEST(EventStoreContractTest, NewStoreIsEmpty) {
  const std::unique_ptr<EventStore> store = this->open();

  EXPECT_EQ(store->end_position(), 0u);
  EXPECT_EQ(store->version(1), 0u);
  EXPECT_TRUE(store->load(1).empty());
  EXPECT_TRUE(store->read_all(0).empty());
}

TYPED_TEST(EventStoreContractTest, AppendThenLoadReturnsEvents) {
  const std::unique_ptr<EventStore> store = this->open();
  const std::vector<PaymentEvent> first = make_test_events(7, 1, 2);
  const std::vector<PaymentEvent> other = make_test_events(9, 1, 1);
  const std::vector<PaymentEvent> second = make_test_events(7, 3, 1);

  const AppendResult first_result = store->append(7, 0, first);
  const AppendResult other_result = store->append(9, 0, other);
  const AppendResult second_result = store->append(7, 2, second);

  ASSERT_TRUE(first_result.ok());
  ASSERT_TRUE(other_result.ok());
  ASSERT_TRUE(second_result.ok());
  EXPECT_EQ(first_result.new_version(), 2u);
  EXPECT_EQ(first_result.first_position(), 0u);
  EXPECT_EQ(other_result.first_position(), 2u);
  EXPECT_EQ(second_result.new_version(), 3u);
  EXPECT_EQ(second_result.first_position(), 3u);

  EXPECT_EQ(store->load(7), make_test_events(7, 1, 3));
  EXPECT_EQ(store->load(9), other);
  EXPECT_EQ(store->version(7), 3u);
  EXPECT_EQ(store->version(9), 1u);
  EXPECT_EQ(store->end_position(), 4u);

  const std::vector<RecordedEvent> expected_all = {
      {0, first[0]}, {1, first[1]}, {2, other[0]}, {3, second[0]}};
  EXPECT_EQ(store->read_all(0), expected_all);
  const std::vector<RecordedEvent> expected_tail = {{2, other[0]}, {3, second[0]}};
  EXPECT_EQ(store->read_all(2), expected_tail);
}

TYPED_TEST(EventStoreContractTest, StaleVersionIsRejected) {
  const std::unique_ptr<EventStore> store = this->open();
  append_or_fail(*store, 0, make_test_events(5, 1, 2));

  const AppendResult stale = store->append(5, 1, make_test_events(5, 2, 1));
  const AppendResult ahead = store->append(5, 4, make_test_events(5, 5, 1));

  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.conflict(), (VersionConflict{5, 1, 2}));
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.conflict(), (VersionConflict{5, 4, 2}));
  EXPECT_EQ(store->load(5), make_test_events(5, 1, 2));
  EXPECT_EQ(store->version(5), 2u);
  EXPECT_EQ(store->end_position(), 2u);
  EXPECT_EQ(store->read_all(0).size(), 2u);
}

TYPED_TEST(EventStoreContractTest, ConflictOnNewStreamWritesNothing) {
  const std::unique_ptr<EventStore> store = this->open();

  const AppendResult result = store->append(3, 2, make_test_events(3, 3, 1));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.conflict(), (VersionConflict{3, 2, 0}));
  EXPECT_EQ(store->version(3), 0u);
  EXPECT_TRUE(store->load(3).empty());
  EXPECT_EQ(store->end_position(), 0u);
}

TYPED_TEST(EventStoreContractTest, InvalidAppendThrows) {
  const std::unique_ptr<EventStore> store = this->open();
  append_or_fail(*store, 0, make_test_events(1, 1, 1));
  std::vector<PaymentEvent> wrong_stream = make_test_events(1, 2, 1);
  wrong_stream[0].aggregate_id = 2;
  std::vector<PaymentEvent> version_gap = make_test_events(1, 2, 2);
  version_gap[1].version = 4;
  std::vector<PaymentEvent> invalid_type = make_test_events(1, 2, 1);
  invalid_type[0].type = static_cast<PaymentEventType>(0);

  const std::string empty_message =
      message_of<std::invalid_argument>([&] { static_cast<void>(store->append(1, 1, {})); });
  const std::string stream_message = message_of<std::invalid_argument>(
      [&] { static_cast<void>(store->append(1, 1, wrong_stream)); });
  const std::string gap_message = message_of<std::invalid_argument>(
      [&] { static_cast<void>(store->append(1, 1, version_gap)); });
  const std::string type_message = message_of<std::invalid_argument>(
      [&] { static_cast<void>(store->append(1, 1, invalid_type)); });

  EXPECT_NE(empty_message.find("no events"), std::string::npos) << empty_message;
  EXPECT_NE(stream_message.find("aggregate id 2"), std::string::npos) << stream_message;
  EXPECT_NE(gap_message.find("version 4, expected 3"), std::string::npos) << gap_message;
  EXPECT_NE(type_message.find("type value 0"), std::string::npos) << type_message;
  EXPECT_EQ(store->load(1), make_test_events(1, 1, 1));
  EXPECT_EQ(store->end_position(), 1u);
}

TYPED_TEST(EventStoreContractTest, ReadAllStartsAtPosition) {
  // More events than one read batch (1024 in every backend), from interleaved streams. Appends of
  // 100 events keep the number of synced appends of the durable backends small.
  constexpr std::uint64_t kStreamCount = 3;
  constexpr std::uint64_t kRounds = 10;
  constexpr std::size_t kEventsPerAppend = 100;
  const std::unique_ptr<EventStore> store = this->open();
  std::vector<PaymentEvent> appended;
  for (std::uint64_t round = 0; round < kRounds; ++round) {
    for (std::uint64_t stream = 1; stream <= kStreamCount; ++stream) {
      const std::uint64_t expected_version = round * kEventsPerAppend;
      const std::vector<PaymentEvent> events =
          make_test_events(stream, expected_version + 1, kEventsPerAppend);
      ASSERT_TRUE(store->append(stream, expected_version, events).ok());
      appended.insert(appended.end(), events.begin(), events.end());
    }
  }

  constexpr std::uint64_t kFrom = 1550;  // In the middle of an append.
  const std::vector<RecordedEvent> events = store->read_all(kFrom);

  ASSERT_EQ(events.size(), appended.size() - kFrom);
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i].position, kFrom + i);
    ASSERT_EQ(events[i].event, appended[kFrom + i]);
  }
}

TYPED_TEST(EventStoreContractTest, ReadAllIgnoresLaterAppends) {
  const std::unique_ptr<EventStore> store = this->open();
  append_or_fail(*store, 0, make_test_events(1, 1, 3));
  const std::vector<PaymentEvent> late = make_test_events(2, 1, 1);
  std::vector<RecordedEvent> seen;

  // The consumer appends, which also shows that it runs without the store's locks.
  const std::uint64_t end = store->read_all(0, [&](std::span<const RecordedEvent> batch) {
    seen.insert(seen.end(), batch.begin(), batch.end());
    if (store->version(2) == 0) {
      ASSERT_TRUE(store->append(2, 0, late).ok());
    }
  });

  EXPECT_EQ(end, 3u);
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(store->end_position(), 4u);
  const std::vector<RecordedEvent> expected_rest = {{3, late[0]}};
  EXPECT_EQ(store->read_all(end), expected_rest);
}

TYPED_TEST(EventStoreContractTest, ReadAllPastEndThrows) {
  const std::unique_ptr<EventStore> store = this->open();
  append_or_fail(*store, 0, make_test_events(1, 1, 2));
  int calls = 0;

  const std::uint64_t end =
      store->read_all(2, [&calls](std::span<const RecordedEvent>) { ++calls; });
  const std::string message =
      message_of<std::invalid_argument>([&] { static_cast<void>(store->read_all(3)); });

  EXPECT_EQ(end, 2u);
  EXPECT_EQ(calls, 0);
  EXPECT_NE(message.find("position 3 is past the end position 2"), std::string::npos) << message;
}

constexpr int kRacingThreads = 4;

// Result of one thread's append in one round.
struct RoundOutcome {
  bool ok = false;
  VersionConflict conflict;
};

TYPED_TEST(EventStoreContractTest, SameExpectedVersionHasOneWinner) {
  // Every backend syncs each durable append to disk, so the durable ones run fewer rounds.
  const int rounds = TypeParam::kIsDurable ? 20 : 200;
  constexpr std::uint64_t kStream = 42;
  const std::unique_ptr<EventStore> store = this->open();
  std::vector<std::vector<RoundOutcome>> outcomes(kRacingThreads,
                                                  std::vector<RoundOutcome>(rounds));
  std::barrier round_start(kRacingThreads);

  std::vector<std::thread> threads;
  for (int thread = 0; thread < kRacingThreads; ++thread) {
    threads.emplace_back([&, thread] {
      for (int round = 0; round < rounds; ++round) {
        // Every thread has finished the previous round when the barrier opens, so all of them
        // append with the same expected version.
        round_start.arrive_and_wait();
        const auto expected = static_cast<std::uint64_t>(round);
        PaymentEvent event = make_test_event(kStream, expected + 1);
        event.merchant_id = static_cast<std::uint32_t>(thread + 1);
        const AppendResult result = store->append(kStream, expected, {&event, 1});
        outcomes[thread][round] = {result.ok(),
                                   result.ok() ? VersionConflict{} : result.conflict()};
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  const std::vector<PaymentEvent> stored = store->load(kStream);
  ASSERT_EQ(stored.size(), static_cast<std::size_t>(rounds));
  for (int round = 0; round < rounds; ++round) {
    int winners = 0;
    for (int thread = 0; thread < kRacingThreads; ++thread) {
      const RoundOutcome& outcome = outcomes[thread][round];
      const auto expected = static_cast<std::uint64_t>(round);
      if (outcome.ok) {
        ++winners;
        EXPECT_EQ(stored[round].merchant_id, static_cast<std::uint32_t>(thread + 1))
            << "round " << round << ": the stored event is not the winner's";
      } else {
        EXPECT_EQ(outcome.conflict, (VersionConflict{kStream, expected, expected + 1}))
            << "round " << round << ", thread " << thread;
      }
    }
    EXPECT_EQ(winners, 1) << "round " << round;
  }
}

TYPED_TEST(EventStoreContractTest, RacingAppendsStayContiguous) {
  const std::uint64_t target_version = TypeParam::kIsDurable ? 60 : 2000;
  constexpr std::uint64_t kStream = 77;
  const std::unique_ptr<EventStore> store = this->open();
  std::vector<std::vector<std::uint64_t>> won_versions(kRacingThreads);
  std::atomic<std::uint64_t> conflicts{0};
  std::atomic<std::uint64_t> conflicts_not_ahead{0};

  std::vector<std::thread> threads;
  for (int thread = 0; thread < kRacingThreads; ++thread) {
    threads.emplace_back([&, thread] {
      // The last successful append makes the version exactly target_version, because each
      // append adds one event to the version that its thread read.
      for (std::uint64_t read = store->version(kStream); read < target_version;
           read = store->version(kStream)) {
        PaymentEvent event = make_test_event(kStream, read + 1);
        event.merchant_id = static_cast<std::uint32_t>(thread + 1);
        // Yielding between the read and the append lets other threads append in between, so
        // that conflicts occur even when appends are fast.
        std::this_thread::yield();
        const AppendResult result = store->append(kStream, read, {&event, 1});
        if (result.ok()) {
          won_versions[thread].push_back(result.new_version());
          continue;
        }
        conflicts.fetch_add(1, std::memory_order_relaxed);
        // The stream only grows, so a conflict must report a version beyond the one read.
        if (result.conflict().actual_version <= read) {
          conflicts_not_ahead.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  ::testing::Test::RecordProperty("conflicts", std::to_string(conflicts.load()));

  const std::vector<PaymentEvent> stored = store->load(kStream);
  ASSERT_EQ(stored.size(), target_version);
  for (std::uint64_t i = 0; i < stored.size(); ++i) {
    ASSERT_EQ(stored[i].version, i + 1);
  }

  std::vector<std::uint64_t> all_won;
  for (int thread = 0; thread < kRacingThreads; ++thread) {
    for (const std::uint64_t version : won_versions[thread]) {
      all_won.push_back(version);
      EXPECT_EQ(stored[version - 1].merchant_id, static_cast<std::uint32_t>(thread + 1))
          << "version " << version << " was reported to thread " << thread
          << " but stores another thread's event";
    }
  }
  std::sort(all_won.begin(), all_won.end());
  std::vector<std::uint64_t> every_version(target_version);
  std::iota(every_version.begin(), every_version.end(), 1);
  EXPECT_EQ(all_won, every_version) << "every version must be reported won exactly once";
  EXPECT_EQ(conflicts_not_ahead.load(), 0u);
  EXPECT_EQ(store->version(kStream), target_version);
}

template <class Backend>
class DurableEventStoreTest : public EventStoreContractTest<Backend> {};

using DurableBackends = ::testing::Types<FileLogBackend, SqliteBackend>;
TYPED_TEST_SUITE(DurableEventStoreTest, DurableBackends, BackendNames);

TYPED_TEST(DurableEventStoreTest, ReopenKeepsEvents) {
  {
    const std::unique_ptr<EventStore> store = this->open();
    append_or_fail(*store, 0, make_test_events(1, 1, 2));
    append_or_fail(*store, 0, make_test_events(2, 1, 1));
    append_or_fail(*store, 2, make_test_events(1, 3, 1));
  }

  const std::unique_ptr<EventStore> reopened = this->open();

  EXPECT_EQ(reopened->load(1), make_test_events(1, 1, 3));
  EXPECT_EQ(reopened->load(2), make_test_events(2, 1, 1));
  EXPECT_EQ(reopened->version(1), 3u);
  EXPECT_EQ(reopened->end_position(), 4u);
  const std::vector<RecordedEvent> all = reopened->read_all(0);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2], (RecordedEvent{2, make_test_event(2, 1)}));

  const AppendResult next = reopened->append(1, 3, make_test_events(1, 4, 1));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.first_position(), 4u);
  const AppendResult stale = reopened->append(1, 3, make_test_events(1, 4, 1));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.conflict(), (VersionConflict{1, 3, 4}));
}

// Tests of the file format: each writes three appends (records of 1, 2 and 1 events), changes
// the file, and reopens it.
class FileLogEventStoreTest : public ::testing::Test {
 protected:
  void write_three_appends() {
    FileLogEventStore store(path_);
    append_or_fail(store, 0, make_test_events(1, 1, 1));
    append_or_fail(store, 0, make_test_events(2, 1, 2));
    append_or_fail(store, 1, make_test_events(1, 2, 1));
  }

  // Offset of the last of the three records.
  std::uint64_t last_record_offset() const {
    return event_log::kFileHeaderBytes + event_log::record_bytes(1) + event_log::record_bytes(2);
  }

  std::uint64_t file_size() const { return fs::file_size(path_); }

  void flip_byte(std::uint64_t offset) {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(offset));
    const char byte = static_cast<char>(file.get());
    file.seekp(static_cast<std::streamoff>(offset));
    file.put(static_cast<char>(byte ^ 0x5a));
    ASSERT_TRUE(file.good()) << "could not change byte " << offset << " of " << path_;
  }

  void append_bytes(const std::string& bytes) {
    std::ofstream file(path_, std::ios::binary | std::ios::app);
    file << bytes;
    ASSERT_TRUE(file.good()) << "could not append to " << path_;
  }

  TemporaryDirectory directory_;
  const fs::path path_ = directory_.path() / "events.log";
};

TEST_F(FileLogEventStoreTest, IncompleteLastRecordIsTruncated) {
  write_three_appends();
  const std::uint64_t intact_size = last_record_offset();
  fs::resize_file(path_, file_size() - 5);

  {
    FileLogEventStore store(path_);
    EXPECT_EQ(store.truncated_tail_bytes(), event_log::record_bytes(1) - 5);
    EXPECT_EQ(file_size(), intact_size);
    EXPECT_EQ(store.version(1), 1u);
    EXPECT_EQ(store.version(2), 2u);
    EXPECT_EQ(store.end_position(), 3u);
    EXPECT_EQ(store.load(1), make_test_events(1, 1, 1));
    const AppendResult again = store.append(1, 1, make_test_events(1, 2, 1));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.first_position(), 3u);
  }

  FileLogEventStore reopened(path_);
  EXPECT_EQ(reopened.truncated_tail_bytes(), 0u);
  EXPECT_EQ(reopened.load(1), make_test_events(1, 1, 2));
}

TEST_F(FileLogEventStoreTest, DamagedLastRecordIsTornTail) {
  // Byte 0 is in the event count, 9 in the header checksum, and the last in the payload.
  for (const std::uint64_t byte_in_record : {0u, 9u, 51u}) {
    SCOPED_TRACE("damaged byte " + std::to_string(byte_in_record) + " of the last record");
    fs::remove(path_);
    write_three_appends();
    flip_byte(last_record_offset() + byte_in_record);

    FileLogEventStore store(path_);

    EXPECT_EQ(store.truncated_tail_bytes(), event_log::record_bytes(1));
    EXPECT_EQ(store.end_position(), 3u);
    EXPECT_EQ(store.version(1), 1u);
  }
}

TEST_F(FileLogEventStoreTest, ZeroFilledTailIsTornTail) {
  write_three_appends();
  const std::uint64_t intact_size = file_size();
  append_bytes(std::string(100, '\0'));

  FileLogEventStore store(path_);

  EXPECT_EQ(store.truncated_tail_bytes(), 100u);
  EXPECT_EQ(file_size(), intact_size);
  EXPECT_EQ(store.end_position(), 4u);
  EXPECT_EQ(store.load(2), make_test_events(2, 1, 2));
}

TEST_F(FileLogEventStoreTest, DamagedEarlierRecordThrows) {
  write_three_appends();
  const std::uint64_t first_record = event_log::kFileHeaderBytes;
  flip_byte(first_record + event_log::kRecordHeaderBytes + 3);

  const std::string message = message_of<EventStoreError>([&] { FileLogEventStore store(path_); });

  EXPECT_NE(message.find("corrupt: the record at offset 8 is damaged"), std::string::npos)
      << message;
}

TEST_F(FileLogEventStoreTest, ForeignFileIsRejected) {
  append_bytes("id,amount\n1,100\n");

  const std::string message = message_of<EventStoreError>([&] { FileLogEventStore store(path_); });

  EXPECT_NE(message.find("is not an event log"), std::string::npos) << message;
}

TEST_F(FileLogEventStoreTest, SecondOpenOfSameFileThrows) {
  FileLogEventStore first(path_);

  const std::string message = message_of<EventStoreError>([&] { FileLogEventStore second(path_); });

  EXPECT_NE(message.find("already open"), std::string::npos) << message;
}

TEST_F(FileLogEventStoreTest, OversizedAppendThrows) {
  FileLogEventStore store(path_);
  const std::vector<PaymentEvent> events =
      make_test_events(1, 1, std::size_t{event_log::kMaxEventsPerRecord} + 1);

  const std::string message =
      message_of<std::invalid_argument>([&] { static_cast<void>(store.append(1, 0, events)); });

  EXPECT_NE(message.find("65537 events"), std::string::npos) << message;
  EXPECT_EQ(store.end_position(), 0u);
}

TEST(SqliteEventStoreTest, DatabaseRejectsDuplicateVersion) {
  const TemporaryDirectory directory;
  const fs::path path = directory.path() / "events.db";
  SqliteEventStore store(path);
  append_or_fail(store, 0, make_test_events(1, 1, 1));

  // A second writer that bypasses the store's version check: the primary key still rejects it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_extended_result_codes(db, 1);
  const int duplicate = sqlite3_exec(
      db,
      "INSERT INTO payment_events (aggregate_id, version, position, type, amount_minor, "
      "currency, merchant_id, timestamp_us) VALUES (1, 1, 1, 1, 5, 'EUR', 1, 0)",
      nullptr, nullptr, nullptr);
  sqlite3_stmt* mode = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &mode, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(mode), SQLITE_ROW);
  const std::string journal_mode = reinterpret_cast<const char*>(sqlite3_column_text(mode, 0));
  sqlite3_finalize(mode);
  sqlite3_close(db);

  EXPECT_EQ(duplicate, SQLITE_CONSTRAINT_PRIMARYKEY);
  EXPECT_EQ(journal_mode, "wal");
  EXPECT_EQ(store.load(1), make_test_events(1, 1, 1));
}

}  // namespace
}  // namespace paybench
