// Counts every heap allocation of the process for allocs_per_op and bytes_per_op.
//
// Linked into the paybench executable (and test binaries that need counts) as an object file,
// never from an archive, so that its definitions are always present. Two mechanisms:
//
// - Normal builds define malloc and its family in the executable. The dynamic linker resolves
//   every call in the process (libstdc++, Google Benchmark, glibc's own strdup) to these first.
//   Each counts the request and forwards it to the next definition in lookup order, which
//   dlsym(RTLD_NEXT) finds: the library in LD_PRELOAD when `--allocator` chose one, else glibc.
//   The global operator new and delete are defined too, because tcmalloc defines its own
//   operator new that would otherwise bypass malloc, and so the count.
// - Sanitizer builds cannot replace malloc (the sanitizer runtime does), so they count through
//   the sanitizer's allocation hook instead.
//
// Cost: one thread-local increment and one indirect call per allocation, in every variant
// alike. docs/benchmarks.md records what it adds to a malloc+free pair.
#include <dlfcn.h>
#include <unistd.h>
#include <malloc.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "paybench/engine/allocation_counter.h"

namespace counter = paybench::engine::detail;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)

#if __has_include(<sanitizer/allocator_interface.h>)
#include <sanitizer/allocator_interface.h>
#else
// Debian's GCC 12 ships the sanitizer runtimes (libasan8, libtsan2) without their headers, so the
// one function used here is declared as compiler-rt's sanitizer/allocator_interface.h declares it.
extern "C" int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void*, std::size_t),
    void (*free_hook)(const volatile void*));
#endif

namespace {

void on_sanitizer_malloc(const volatile void* /*pointer*/, std::size_t size) {
  counter::count_allocation(size);
}
void on_sanitizer_free(const volatile void* /*pointer*/) {}

[[gnu::constructor]] void install_sanitizer_hooks() {
  if (__sanitizer_install_malloc_and_free_hooks(on_sanitizer_malloc, on_sanitizer_free) != 0) {
    counter::mark_allocation_counting_active();
  }
}

}  // namespace

#else  // Replace malloc and operator new.

namespace {

using MallocFn = void* (*)(std::size_t);
using FreeFn = void (*)(void*);
using CallocFn = void* (*)(std::size_t, std::size_t);
using ReallocFn = void* (*)(void*, std::size_t);
using ReallocArrayFn = void* (*)(void*, std::size_t, std::size_t);
using PosixMemalignFn = int (*)(void**, std::size_t, std::size_t);
using AlignedAllocFn = void* (*)(std::size_t, std::size_t);
using VallocFn = void* (*)(std::size_t);
using UsableSizeFn = std::size_t (*)(void*);

// The allocator's own functions. Written once by resolve_next_allocator(), before any other
// thread exists in practice; published to other threads by g_resolve_state (release/acquire).
struct NextAllocator {
  MallocFn malloc;
  FreeFn free;
  CallocFn calloc;
  ReallocFn realloc;
  ReallocArrayFn reallocarray;
  PosixMemalignFn posix_memalign;
  AlignedAllocFn aligned_alloc;
  AlignedAllocFn memalign;
  VallocFn valloc;
  VallocFn pvalloc;
  UsableSizeFn malloc_usable_size;
};

NextAllocator g_next{};

enum ResolveState : int { kUnresolved, kResolving, kResolved };
std::atomic<int> g_resolve_state{kUnresolved};

// dlsym may allocate while it resolves the functions above. Those few requests are served from
// this static arena; they are never freed, and free() ignores pointers into it.
constexpr std::size_t kBootstrapArenaBytes = 64 * 1024;
alignas(std::max_align_t) unsigned char g_bootstrap_arena[kBootstrapArenaBytes];
std::size_t g_bootstrap_used = 0;  // written only by the resolving thread

bool is_bootstrap_pointer(const void* pointer) {
  const auto* byte = static_cast<const unsigned char*>(pointer);
  return byte >= g_bootstrap_arena && byte < g_bootstrap_arena + kBootstrapArenaBytes;
}

void* bootstrap_allocate(std::size_t size) {
  constexpr std::size_t kAlignment = alignof(std::max_align_t);
  const std::size_t rounded = (size + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded > kBootstrapArenaBytes - g_bootstrap_used) return nullptr;
  void* pointer = g_bootstrap_arena + g_bootstrap_used;
  g_bootstrap_used += rounded;
  return pointer;  // static storage is zero-initialized, as calloc requires
}

template <class Fn>
Fn next_symbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

void resolve_next_allocator() {
  int expected = kUnresolved;
  if (!g_resolve_state.compare_exchange_strong(expected, kResolving, std::memory_order_acq_rel)) {
    // Another thread is resolving: wait for it. Resolution runs once per process, so this
    // spin lasts a few dlsym calls at most.
    while (g_resolve_state.load(std::memory_order_acquire) != kResolved) {
    }
    return;
  }

  g_next.malloc = next_symbol<MallocFn>("malloc");
  g_next.free = next_symbol<FreeFn>("free");
  g_next.calloc = next_symbol<CallocFn>("calloc");
  g_next.realloc = next_symbol<ReallocFn>("realloc");
  g_next.reallocarray = next_symbol<ReallocArrayFn>("reallocarray");
  g_next.posix_memalign = next_symbol<PosixMemalignFn>("posix_memalign");
  g_next.aligned_alloc = next_symbol<AlignedAllocFn>("aligned_alloc");
  g_next.memalign = next_symbol<AlignedAllocFn>("memalign");
  g_next.valloc = next_symbol<VallocFn>("valloc");
  g_next.pvalloc = next_symbol<VallocFn>("pvalloc");
  g_next.malloc_usable_size = next_symbol<UsableSizeFn>("malloc_usable_size");

  const bool complete = g_next.malloc && g_next.free && g_next.calloc && g_next.realloc &&
                        g_next.posix_memalign && g_next.aligned_alloc && g_next.memalign &&
                        g_next.malloc_usable_size;
  if (!complete) {
    static constexpr char kMessage[] =
        "paybench: fatal: cannot find the allocator's malloc family with dlsym(RTLD_NEXT)\n";
    (void)!write(2, kMessage, sizeof(kMessage) - 1);
    std::abort();
  }
  g_resolve_state.store(kResolved, std::memory_order_release);
  counter::mark_allocation_counting_active();
}

// Returns the allocator's functions, resolving them on first use. Returns nullptr while this
// thread is still resolving them, and the caller then serves the request from the bootstrap arena.
const NextAllocator* next_allocator() {
  const int state = g_resolve_state.load(std::memory_order_acquire);
  if (state == kResolved) [[likely]] return &g_next;
  if (state == kResolving) return nullptr;
  resolve_next_allocator();
  return g_resolve_state.load(std::memory_order_acquire) == kResolved ? &g_next : nullptr;
}

// Operator new calls the new-handler and retries until it gets memory, as the C++ standard
// requires ([new.delete.single]).
void* allocate_or_throw(std::size_t size) {
  if (size == 0) size = 1;
  for (;;) {
    if (void* pointer = std::malloc(size)) return pointer;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void* aligned_allocate_or_throw(std::size_t size, std::align_val_t alignment) {
  if (size == 0) size = 1;
  for (;;) {
    void* pointer = nullptr;
    if (posix_memalign(&pointer, static_cast<std::size_t>(alignment), size) == 0) return pointer;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
  const NextAllocator* next = next_allocator();
  if (next == nullptr) [[unlikely]] return bootstrap_allocate(size);
  counter::count_allocation(size);
  return next->malloc(size);
}

void free(void* pointer) {
  if (pointer == nullptr || is_bootstrap_pointer(pointer)) return;
  next_allocator()->free(pointer);
}

void* calloc(std::size_t count, std::size_t size) {
  const NextAllocator* next = next_allocator();
  if (next == nullptr) [[unlikely]] {
    std::size_t total = 0;
    if (__builtin_mul_overflow(count, size, &total)) return nullptr;
    return bootstrap_allocate(total);
  }
  counter::count_allocation(count * size);
  return next->calloc(count, size);
}

void* realloc(void* pointer, std::size_t size) {
  const NextAllocator* next = next_allocator();
  if (next == nullptr || is_bootstrap_pointer(pointer)) [[unlikely]] {
    // Move a bootstrap block into the real allocator; its old size is unknown, so copy what
    // can be read of the arena. Bootstrap blocks are tiny and this happens at most a few times.
    void* moved = next == nullptr ? bootstrap_allocate(size) : std::malloc(size);
    if (moved != nullptr && pointer != nullptr) {
      const auto* arena_end = g_bootstrap_arena + kBootstrapArenaBytes;
      const auto available = static_cast<std::size_t>(arena_end - static_cast<unsigned char*>(pointer));
      std::memcpy(moved, pointer, size < available ? size : available);
    }
    return moved;
  }
  counter::count_allocation(size);
  return next->realloc(pointer, size);
}

void* reallocarray(void* pointer, std::size_t count, std::size_t size) {
  std::size_t total = 0;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(pointer, total);
}

int posix_memalign(void** result, std::size_t alignment, std::size_t size) {
  counter::count_allocation(size);
  return next_allocator()->posix_memalign(result, alignment, size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) {
  counter::count_allocation(size);
  return next_allocator()->aligned_alloc(alignment, size);
}

void* memalign(std::size_t alignment, std::size_t size) {
  counter::count_allocation(size);
  return next_allocator()->memalign(alignment, size);
}

void* valloc(std::size_t size) {
  const NextAllocator* next = next_allocator();
  counter::count_allocation(size);
  if (next->valloc != nullptr) return next->valloc(size);
  return next->memalign(static_cast<std::size_t>(sysconf(_SC_PAGESIZE)), size);
}

void* pvalloc(std::size_t size) {
  const NextAllocator* next = next_allocator();
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t rounded = (size + page - 1) / page * page;
  counter::count_allocation(rounded);
  if (next->pvalloc != nullptr) return next->pvalloc(size);
  return next->memalign(page, rounded);
}

std::size_t malloc_usable_size(void* pointer) {
  if (pointer == nullptr || is_bootstrap_pointer(pointer)) return 0;
  return next_allocator()->malloc_usable_size(pointer);
}

}  // extern "C"

void* operator new(std::size_t size) { return allocate_or_throw(size); }
void* operator new[](std::size_t size) { return allocate_or_throw(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate_or_throw(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return aligned_allocate_or_throw(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return aligned_allocate_or_throw(size, alignment);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  try {
    return aligned_allocate_or_throw(size, alignment);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, std::align_val_t alignment,
                     const std::nothrow_t& tag) noexcept {
  return operator new(size, alignment, tag);
}

void operator delete(void* pointer) noexcept { std::free(pointer); }
void operator delete[](void* pointer) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete(void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
void operator delete[](void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::align_val_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::align_val_t) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t, std::align_val_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::size_t, std::align_val_t) noexcept {
  std::free(pointer);
}
void operator delete(void* pointer, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(pointer);
}
void operator delete[](void* pointer, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(pointer);
}

#endif
