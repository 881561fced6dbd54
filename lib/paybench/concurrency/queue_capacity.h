// validate_queue_capacity: the check that every bounded queue in this folder applies to the
// capacity passed to its constructor.

#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace paybench {

// Throws std::invalid_argument naming the queue and the value when `capacity` is 0 or above
// `max_capacity`. `queue_name` is the class name shown in the message, such as "MpmcRing".
inline void validate_queue_capacity(const char* queue_name, std::size_t capacity,
                                    std::size_t max_capacity) {
  if (capacity == 0) {
    throw std::invalid_argument(std::string(queue_name) +
                                " capacity 0 is invalid: use a capacity of at least 1");
  }
  if (capacity > max_capacity) {
    throw std::invalid_argument(std::string(queue_name) + " capacity " +
                                std::to_string(capacity) + " is above the maximum " +
                                std::to_string(max_capacity) + ": use a smaller capacity");
  }
}

}  // namespace paybench
