#include "paybench/memory/shared_mutex_interner.h"

#include <mutex>

namespace paybench {

std::string_view SharedMutexInterner::intern(std::string_view text) {
  const std::size_t text_hash = InternTable::hash(text);
  {
    std::shared_lock lock(mutex_);
    if (const auto found = table_.find(text, text_hash)) {
      return *found;
    }
  }

  std::unique_lock lock(mutex_);
  if (const auto found = table_.find(text, text_hash)) {
    return *found;
  }
  return table_.insert(text, text_hash);
}

std::size_t SharedMutexInterner::size() const {
  std::shared_lock lock(mutex_);
  return table_.size();
}

}  // namespace paybench
