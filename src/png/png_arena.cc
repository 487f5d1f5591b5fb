// tinytb: lodepng's allocator, served from a PNG encoder's arena.
#include "png/png_arena.h"

#include "tinytb/busy_flag.h"
#include <string.h>

namespace tinytb {
namespace detail {
namespace {

constexpr uint32_t kReleased = 1;

size_t round8(size_t n) { return (n + 7) & ~static_cast<size_t>(7); }

// lodepng's hooks take no context: the heap they serve is this one global, set only by
// the LodepngBinding that won g_bound.
detail::BusyFlag g_bound;
ArenaHeap* g_heap = nullptr;

}  // namespace

void ArenaHeap::reset(uint8_t* begin, uint8_t* end) {
  *this = ArenaHeap{};
  begin_ = begin;
  end_ = end;
  top_ = begin;
  peak_ = begin;
}

void* ArenaHeap::allocate(size_t size) {
  const size_t bytes = round8(size == 0 ? 1 : size);
  if (bytes > static_cast<size_t>(end_ - top_) || static_cast<size_t>(end_ - top_) - bytes < sizeof(Header) ||
      bytes > 0x7FFFFFF8u) {
    refused_ = true;
    return nullptr;
  }
  Header* h = reinterpret_cast<Header*>(top_);
  h->size = static_cast<uint32_t>(bytes);
  h->prev = last_ == nullptr ? 0 : static_cast<uint32_t>(reinterpret_cast<uint8_t*>(last_) - begin_) + 1;
  last_ = h;
  top_ += sizeof(Header) + bytes;
  if (top_ > peak_) peak_ = top_;
  ++live_;
  return h + 1;
}

void* ArenaHeap::reallocate(void* block, size_t size) {
  if (block == nullptr) return allocate(size);
  Header* h = header_of(block);
  const size_t bytes = round8(size == 0 ? 1 : size);
  if (bytes <= h->size) return block;
  if (block == pinned_) {
    pinned_refused_ = true;  // the caller falls back (docs/images.md); lodepng stops writing
    return nullptr;
  }
  if (h == last_) {  // the top block grows where it is
    const size_t more = bytes - h->size;
    if (more > static_cast<size_t>(end_ - top_) || bytes > 0x7FFFFFF8u) {
      refused_ = true;
      return nullptr;
    }
    h->size = static_cast<uint32_t>(bytes);
    top_ += more;
    if (top_ > peak_) peak_ = top_;
    return block;
  }
  void* moved = allocate(size);
  if (moved == nullptr) return nullptr;  // the old block stays valid, as realloc promises
  memcpy(moved, block, h->size);
  release(block);
  return moved;
}

void ArenaHeap::release(void* block) {
  if (block == nullptr) return;
  Header* h = header_of(block);
  h->size |= kReleased;
  --live_;
  pop_released();
}

void ArenaHeap::pop_released() {
  while (last_ != nullptr && (last_->size & kReleased) != 0) {
    top_ = reinterpret_cast<uint8_t*>(last_);
    last_ = last_->prev == 0 ? nullptr : reinterpret_cast<Header*>(begin_ + (last_->prev - 1));
  }
}

LodepngBinding::LodepngBinding(ArenaHeap* heap) {
  if (!g_bound.try_take()) return;  // someone else holds the hooks
  g_heap = heap;
  bound_ = true;
}

LodepngBinding::~LodepngBinding() {
  if (!bound_) return;
  g_heap = nullptr;
  g_bound.release();
}

}  // namespace detail
}  // namespace tinytb

// ---- lodepng's hooks (LODEPNG_NO_COMPILE_ALLOCATORS, see src/png/lodepng_config.h) ----------------
// lodepng.cpp is compiled as C++, so these have C++ linkage, like its declarations.

void* lodepng_malloc(size_t size);
void* lodepng_realloc(void* ptr, size_t new_size);
void lodepng_free(void* ptr);

void* lodepng_malloc(size_t size) {
  tinytb::detail::ArenaHeap* heap = tinytb::detail::g_heap;
  return heap == nullptr ? nullptr : heap->allocate(size);
}

void* lodepng_realloc(void* ptr, size_t new_size) {
  tinytb::detail::ArenaHeap* heap = tinytb::detail::g_heap;
  return heap == nullptr ? nullptr : heap->reallocate(ptr, new_size);
}

void lodepng_free(void* ptr) {
  tinytb::detail::ArenaHeap* heap = tinytb::detail::g_heap;
  if (heap != nullptr) heap->release(ptr);
}
