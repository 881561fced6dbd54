#include "paybench/eventsourcing/event_log_format.h"

#include <zlib.h>

#include <bit>
#include <cassert>
#include <cstring>

namespace paybench::event_log {
namespace {

// The encoders copy integers with memcpy, which writes the file's byte order only on a
// little-endian machine.
static_assert(std::endian::native == std::endian::little,
              "the event log is little-endian; add byte swapping before building on this machine");

template <class T>
void put(unsigned char*& out, T value) {
  std::memcpy(out, &value, sizeof(value));
  out += sizeof(value);
}

template <class T>
T get(const unsigned char*& in) {
  T value;
  std::memcpy(&value, in, sizeof(value));
  in += sizeof(value);
  return value;
}

// zlib's crc32() takes at most 4 GiB per call as a uInt, and a record is at most 2.6 MB.
std::uint32_t compute_checksum(std::span<const unsigned char> bytes) {
  const uLong initial = ::crc32(0L, Z_NULL, 0);
  return static_cast<std::uint32_t>(
      ::crc32(initial, bytes.data(), static_cast<uInt>(bytes.size())));
}

// Bytes of the header that the header checksum covers: event_count and payload_checksum.
constexpr std::size_t kCheckedHeaderBytes = 8;

}  // namespace

void encode_record(std::span<const PaymentEvent> events, std::vector<unsigned char>& out) {
  assert(!events.empty() && "a record contains at least one event");
  assert(events.size() <= kMaxEventsPerRecord &&
         "a record holds at most kMaxEventsPerRecord events");
  const auto event_count = static_cast<std::uint32_t>(events.size());
  const std::size_t record_start = out.size();
  out.resize(record_start + record_bytes(event_count));

  unsigned char* const payload = out.data() + record_start + kRecordHeaderBytes;
  unsigned char* cursor = payload;
  for (const PaymentEvent& event : events) {
    put<std::uint64_t>(cursor, event.aggregate_id);
    put<std::uint64_t>(cursor, event.version);
    put<std::int64_t>(cursor, event.amount_minor);
    put<std::int64_t>(cursor, event.timestamp.time_since_epoch().count());
    put<std::uint32_t>(cursor, event.merchant_id);
    std::memcpy(cursor, event.currency.data(), event.currency.size());
    cursor += event.currency.size();
    put<std::uint8_t>(cursor, static_cast<std::uint8_t>(event.type));
  }

  unsigned char* const header = out.data() + record_start;
  unsigned char* header_cursor = header;
  put<std::uint32_t>(header_cursor, event_count);
  put<std::uint32_t>(header_cursor, compute_checksum({payload, cursor}));
  put<std::uint32_t>(header_cursor, compute_checksum({header, kCheckedHeaderBytes}));
}

RecordHeader decode_record_header(std::span<const unsigned char> bytes) {
  assert(bytes.size() >= kRecordHeaderBytes && "a record header is 12 bytes");
  const unsigned char* cursor = bytes.data();
  RecordHeader header;
  header.event_count = get<std::uint32_t>(cursor);
  header.payload_checksum = get<std::uint32_t>(cursor);
  header.header_checksum = get<std::uint32_t>(cursor);
  return header;
}

bool is_valid_header(const RecordHeader& header) {
  std::array<unsigned char, kCheckedHeaderBytes> checked;
  unsigned char* cursor = checked.data();
  put<std::uint32_t>(cursor, header.event_count);
  put<std::uint32_t>(cursor, header.payload_checksum);
  const bool count_is_valid = header.event_count >= 1 && header.event_count <= kMaxEventsPerRecord;
  return count_is_valid && compute_checksum(checked) == header.header_checksum;
}

bool is_valid_payload(const RecordHeader& header, std::span<const unsigned char> payload) {
  return compute_checksum(payload) == header.payload_checksum;
}

std::optional<PaymentEvent> decode_event(std::span<const unsigned char> bytes) {
  assert(bytes.size() >= kEventBytes && "an encoded event is 40 bytes");
  const unsigned char* cursor = bytes.data();
  PaymentEvent event;
  event.aggregate_id = get<std::uint64_t>(cursor);
  event.version = get<std::uint64_t>(cursor);
  event.amount_minor = get<std::int64_t>(cursor);
  event.timestamp = EventTimestamp(std::chrono::microseconds(get<std::int64_t>(cursor)));
  event.merchant_id = get<std::uint32_t>(cursor);
  std::memcpy(event.currency.data(), cursor, event.currency.size());
  cursor += event.currency.size();

  const auto type = get<std::uint8_t>(cursor);
  if (!is_payment_event_type(type)) {
    return std::nullopt;
  }
  event.type = static_cast<PaymentEventType>(type);
  return event;
}

}  // namespace paybench::event_log
