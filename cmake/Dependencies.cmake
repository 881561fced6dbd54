# Every dependency is a Debian 12 package; scripts/setup installs the missing ones.
# A missing package fails the configure step with the package name to install.

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

function(paybench_require_package found debian_package)
  if(NOT ${found})
    message(FATAL_ERROR "Debian package ${debian_package} is missing: run scripts/setup "
                        "(or apt-get install ${debian_package})")
  endif()
endfunction()

find_package(benchmark CONFIG QUIET)
paybench_require_package(benchmark_FOUND libbenchmark-dev)

find_package(GTest CONFIG QUIET)
paybench_require_package(GTest_FOUND libgtest-dev)

find_package(fmt CONFIG QUIET)
paybench_require_package(fmt_FOUND libfmt-dev)

find_package(nlohmann_json CONFIG QUIET)
paybench_require_package(nlohmann_json_FOUND nlohmann-json3-dev)

find_package(CLI11 CONFIG QUIET)
paybench_require_package(CLI11_FOUND libcli11-dev)

find_path(PAYBENCH_MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp)
paybench_require_package(PAYBENCH_MUSTACHE_INCLUDE_DIR libkainjow-mustache-dev)

# Queues that the queue workloads compare with paybench's own (headers only, except TBB).
find_path(PAYBENCH_CONCURRENTQUEUE_INCLUDE_DIR concurrentqueue/concurrentqueue.h)
paybench_require_package(PAYBENCH_CONCURRENTQUEUE_INCLUDE_DIR libconcurrentqueue-dev)
find_path(PAYBENCH_READERWRITERQUEUE_INCLUDE_DIR readerwriterqueue/readerwriterqueue.h)
paybench_require_package(PAYBENCH_READERWRITERQUEUE_INCLUDE_DIR libreaderwriterqueue-dev)
find_path(PAYBENCH_BOOST_LOCKFREE_INCLUDE_DIR boost/lockfree/queue.hpp)
paybench_require_package(PAYBENCH_BOOST_LOCKFREE_INCLUDE_DIR libboost-dev)
find_package(TBB CONFIG QUIET)
paybench_require_package(TBB_FOUND libtbb-dev)

# zlib's crc32() checksums the records of the file-log write sink.
find_package(ZLIB QUIET)
paybench_require_package(ZLIB_FOUND zlib1g-dev)

# Databases that the write sinks store payments in: SQLite through its C API, PostgreSQL through
# libpq. pkg-config finds libpq because CMake's FindPostgreSQL also requires the server headers.
find_package(SQLite3 QUIET)
paybench_require_package(SQLite3_FOUND libsqlite3-dev)
pkg_check_modules(LIBPQ QUIET IMPORTED_TARGET libpq)
paybench_require_package(LIBPQ_FOUND libpq-dev)

# CPU profiles: the engine names the addresses of gperftools profiles with elfutils' libdwfl,
# and the engine tests record profiles with gperftools' libprofiler (ProfilerStart/Stop).
pkg_check_modules(LIBDW QUIET IMPORTED_TARGET libdw)
paybench_require_package(LIBDW_FOUND libdw-dev)
pkg_check_modules(LIBPROFILER QUIET IMPORTED_TARGET libprofiler)
paybench_require_package(LIBPROFILER_FOUND libgoogle-perftools-dev)

# The allocators are not linked: `paybench run --allocator NAME` re-executes the binary with the
# library in LD_PRELOAD. Configure records where each library lives so the run can check that it
# is installed and preload exactly that file.
pkg_check_modules(JEMALLOC QUIET jemalloc)
paybench_require_package(JEMALLOC_FOUND libjemalloc-dev)
pkg_check_modules(TCMALLOC_MINIMAL QUIET libtcmalloc_minimal)
paybench_require_package(TCMALLOC_MINIMAL_FOUND libgoogle-perftools-dev)
find_package(mimalloc CONFIG QUIET)
paybench_require_package(mimalloc_FOUND libmimalloc-dev)

function(paybench_find_shared_library out_var library_name debian_package)
  find_library(_path NAMES ${library_name} NO_CACHE)
  if(NOT _path)
    message(FATAL_ERROR "${library_name} not found: install ${debian_package} (scripts/setup)")
  endif()
  # Preload the versioned file that the symlink names, as the loader would.
  file(REAL_PATH "${_path}" _real)
  set(${out_var} "${_real}" PARENT_SCOPE)
endfunction()

paybench_find_shared_library(PAYBENCH_JEMALLOC_LIBRARY jemalloc libjemalloc-dev)
paybench_find_shared_library(PAYBENCH_TCMALLOC_LIBRARY tcmalloc_minimal libgoogle-perftools-dev)
# valgrind's client requests (callgrind.h), which switch instruction counting on and off
# around measured regions; valgrind itself runs only in `paybench run --measure instructions`.
find_path(PAYBENCH_VALGRIND_INCLUDE_DIR valgrind/callgrind.h)
if(NOT PAYBENCH_VALGRIND_INCLUDE_DIR)
  message(FATAL_ERROR "valgrind/callgrind.h not found: install valgrind (scripts/setup)")
endif()

# The full tcmalloc, whose heap profiler records `paybench run --heap-profile`.
paybench_find_shared_library(PAYBENCH_TCMALLOC_FULL_LIBRARY tcmalloc libgoogle-perftools-dev)
paybench_find_shared_library(PAYBENCH_MIMALLOC_LIBRARY mimalloc libmimalloc-dev)

# End-to-end tests validate output with Debian's Python and its packages (python3-jsonschema,
# and python3-scipy for Google Benchmark's compare.py), not with a Python from elsewhere on PATH.
find_program(PAYBENCH_TEST_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_file(PAYBENCH_GBENCH_COMPARE compare.py PATHS /usr/share/benchmark NO_DEFAULT_PATH)
