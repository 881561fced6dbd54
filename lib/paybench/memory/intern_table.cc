#include "paybench/memory/intern_table.h"

#include <cassert>

namespace paybench {

std::string_view InternTable::insert(std::string_view text, std::size_t text_hash) {
  assert(text_hash == hash(text) &&
         "InternTable::insert: text_hash must be InternTable::hash(text)");
  assert(!find(text, text_hash) && "InternTable::insert: the text is already interned");

  const std::string_view stored = arena_.store(text);
  entries_.insert(Entry{stored, text_hash});
  return stored;
}

}  // namespace paybench
