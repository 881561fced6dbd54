// The on-disk format of FileLogEventStore, in little-endian byte order.
//
// File: an 8-byte header "PBEVLOG1" (the last character is the format version), then records.
// Record: one successful append.
//   u32 event_count       1 to kMaxEventsPerRecord
//   u32 payload_checksum  CRC-32 (zlib's crc32) of the payload
//   u32 header_checksum   CRC-32 of the 8 bytes before it
//   payload               event_count encoded events of kEventBytes each
// The header has its own checksum so that a damaged event_count is detected before the scan
// uses it to find the next record.
// Encoded event, kEventBytes = 40:
//   u64 aggregate_id, u64 version, i64 amount_minor, i64 timestamp in microseconds since the
//   Unix epoch, u32 merchant_id, 3 bytes currency, u8 type

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "paybench/eventsourcing/event.h"

namespace paybench::event_log {

inline constexpr std::array<unsigned char, 8> kFileMagic = {'P', 'B', 'E', 'V', 'L', 'O', 'G', '1'};
inline constexpr std::size_t kFileHeaderBytes = kFileMagic.size();
inline constexpr std::size_t kRecordHeaderBytes = 12;
inline constexpr std::size_t kEventBytes = 40;

// Maximum events in one record, and so in one append to a FileLogEventStore (2.6 MB of
// payload). The scan on open treats a larger count as a damaged header instead of reading it.
inline constexpr std::uint32_t kMaxEventsPerRecord = 1u << 16;

struct RecordHeader {
  std::uint32_t event_count = 0;
  std::uint32_t payload_checksum = 0;
  std::uint32_t header_checksum = 0;
};

// Returns the number of bytes of a record with `event_count` events, header included.
[[nodiscard]] constexpr std::size_t record_bytes(std::uint32_t event_count) noexcept {
  return kRecordHeaderBytes + std::size_t{event_count} * kEventBytes;
}

// Appends the record of `events` (header and payload) to `out`. The caller ensures that there
// are 1 to kMaxEventsPerRecord events.
void encode_record(std::span<const PaymentEvent> events, std::vector<unsigned char>& out);

// Decodes the first kRecordHeaderBytes of `bytes`.
[[nodiscard]] RecordHeader decode_record_header(std::span<const unsigned char> bytes);

// Returns whether the header checksum matches and the event count is 1 to kMaxEventsPerRecord.
[[nodiscard]] bool is_valid_header(const RecordHeader& header);

// Returns whether `payload` matches the header's payload checksum.
[[nodiscard]] bool is_valid_payload(const RecordHeader& header,
                                    std::span<const unsigned char> payload);

// Decodes one event of kEventBytes bytes, or returns nothing when its type byte is not a
// PaymentEventType.
[[nodiscard]] std::optional<PaymentEvent> decode_event(std::span<const unsigned char> bytes);

}  // namespace paybench::event_log
