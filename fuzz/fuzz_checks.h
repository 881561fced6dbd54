// The checks that every fuzz target applies to a reader: bad input must end in the reader's own
// error type, whose message starts with the name of the input. Anything else (another exception
// type, a message without the input's name, a broken round trip) aborts, so that libFuzzer
// reports it as a crash and keeps the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

namespace paybench::fuzz {

// Prints `problem` and aborts the process, which libFuzzer records as a crash.
[[noreturn]] inline void fail(std::string_view problem) {
  std::fprintf(stderr, "fuzz check failed: %.*s\n", static_cast<int>(problem.size()),
               problem.data());
  std::abort();
}

// Returns whether `message` has the form "<source>: <problem>" that the readers' errors share.
inline bool names_source(std::string_view message, std::string_view source) {
  return message.starts_with(source) && message.substr(source.size()).starts_with(": ") &&
         message.size() > source.size() + 2;
}

// Runs `read`. Returns true when it returns, and false when it throws `Error` with a message
// that names `source`. Aborts on any other exception.
template <class Error, class Read>
bool read_or_reject(std::string_view source, Read&& read) {
  try {
    read();
    return true;
  } catch (const Error& error) {
    if (!names_source(error.what(), source)) {
      fail(std::string("the error does not start with the input's name \"") + std::string(source) +
           "\": " + error.what());
    }
    return false;
  } catch (const std::exception& error) {
    fail(std::string("unexpected ") + typeid(error).name() + " instead of " + typeid(Error).name() +
         ": " + error.what());
  }
}

// Returns the fuzz input as text.
inline std::string_view as_text(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace paybench::fuzz
