// tinytb target benchmark: lodepng's default encoder over an arena (see png_qemu_lodepng.h).
#include "png_qemu_lodepng.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace png_qemu {
namespace {

// Every block starts with this header; its payload follows, 8-byte aligned.
struct Header {
  uint32_t size;       // payload bytes (a multiple of 8)
  uint32_t requested;  // bytes lodepng asked for; 0 while the block is free
};
// A free block keeps the next free block (higher address) in its payload.
struct FreeBlock {
  Header header;
  FreeBlock* next;
};
static_assert(sizeof(Header) == 8, "payloads must stay 8-byte aligned");

constexpr size_t kMinPayload = 8;  // room for FreeBlock::next

uint8_t* g_base = nullptr;
uint8_t* g_top = nullptr;  // the bump pointer: nothing above it is in use
uint8_t* g_end = nullptr;
FreeBlock* g_free = nullptr;  // address order
ArenaStats g_stats;

size_t payload_for(size_t n) { return (n < kMinPayload ? kMinPayload : n + 7) & ~size_t{7}; }
Header* header_of(void* p) { return reinterpret_cast<Header*>(static_cast<uint8_t*>(p) - sizeof(Header)); }
uint8_t* end_of(const Header* h) {
  return const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(h)) + sizeof(Header) + h->size;
}
void* payload_of(Header* h) { return reinterpret_cast<uint8_t*>(h) + sizeof(Header); }

void count(size_t freed, size_t taken) {
  g_stats.live = g_stats.live - freed + taken;
  if (g_stats.live > g_stats.peak_live) g_stats.peak_live = g_stats.live;
  const size_t used = static_cast<size_t>(g_top - g_base);
  if (used > g_stats.high_water) g_stats.high_water = used;
}

void* arena_malloc(size_t n) {
  ++g_stats.calls;
  const size_t need = payload_for(n);
  // First fit among the freed blocks; a large enough remainder stays free.
  FreeBlock** link = &g_free;
  for (FreeBlock* b = g_free; b != nullptr; link = &b->next, b = b->next) {
    if (b->header.size < need) continue;
    if (b->header.size >= need + sizeof(Header) + kMinPayload) {
      FreeBlock* rest = reinterpret_cast<FreeBlock*>(reinterpret_cast<uint8_t*>(b) + sizeof(Header) + need);
      rest->header.size = static_cast<uint32_t>(b->header.size - need - sizeof(Header));
      rest->header.requested = 0;
      rest->next = b->next;
      *link = rest;
      b->header.size = static_cast<uint32_t>(need);
    } else {
      *link = b->next;
    }
    b->header.requested = static_cast<uint32_t>(n);
    count(0, n);
    return payload_of(&b->header);
  }
  // Otherwise from the top.
  if (static_cast<size_t>(g_end - g_top) < sizeof(Header) + need) return nullptr;
  Header* h = reinterpret_cast<Header*>(g_top);
  h->size = static_cast<uint32_t>(need);
  h->requested = static_cast<uint32_t>(n);
  g_top += sizeof(Header) + need;
  count(0, n);
  return payload_of(h);
}

void arena_free(void* p) {
  ++g_stats.calls;
  if (p == nullptr) return;
  Header* h = header_of(p);
  count(h->requested, 0);
  h->requested = 0;
  FreeBlock* b = reinterpret_cast<FreeBlock*>(h);
  FreeBlock* prev = nullptr;
  FreeBlock* next = g_free;
  while (next != nullptr && next < b) {
    prev = next;
    next = next->next;
  }
  if (next != nullptr && end_of(&b->header) == reinterpret_cast<uint8_t*>(next)) {  // merge with the next
    b->header.size += static_cast<uint32_t>(sizeof(Header) + next->header.size);
    next = next->next;
  }
  b->next = next;
  if (prev != nullptr && end_of(&prev->header) == reinterpret_cast<uint8_t*>(b)) {  // merge into the previous
    prev->header.size += static_cast<uint32_t>(sizeof(Header) + b->header.size);
    prev->next = next;
    b = prev;
  } else if (prev != nullptr) {
    prev->next = b;
  } else {
    g_free = b;
  }
  // A free block that reaches the top goes back to the bump pointer (it is the last one).
  if (end_of(&b->header) == g_top) {
    FreeBlock** link = &g_free;
    while (*link != b) link = &(*link)->next;
    *link = nullptr;
    g_top = reinterpret_cast<uint8_t*>(b);
  }
}

void* arena_realloc(void* p, size_t n) {
  if (p == nullptr) return arena_malloc(n);
  ++g_stats.calls;
  Header* h = header_of(p);
  const size_t need = payload_for(n);
  if (need <= h->size || (end_of(h) == g_top && static_cast<size_t>(g_end - g_top) >= need - h->size)) {
    if (need > h->size) {  // the top block grows in place
      g_top += need - h->size;
      h->size = static_cast<uint32_t>(need);
    }
    const size_t old = h->requested;
    h->requested = static_cast<uint32_t>(n);
    count(old, n);
    return p;
  }
  void* q = arena_malloc(n);
  if (q == nullptr) return nullptr;  // lodepng keeps the old block
  memcpy(q, p, h->requested);
  arena_free(p);
  --g_stats.calls;  // one realloc call, not three
  --g_stats.calls;
  return q;
}

}  // namespace

void arena_reset(uint8_t* memory, size_t size) {
  g_base = memory;
  g_top = memory;
  g_end = memory + size;
  g_free = nullptr;
  g_stats = ArenaStats{};
}

const ArenaStats& arena_stats() { return g_stats; }

namespace lodepng_ref {
// lodepng's allocator hooks (LODEPNG_NO_COMPILE_ALLOCATORS), in the namespace its code is
// compiled in.
void* lodepng_malloc(size_t size) { return arena_malloc(size); }
void* lodepng_realloc(void* ptr, size_t new_size) { return arena_realloc(ptr, new_size); }
void lodepng_free(void* ptr) { arena_free(ptr); }
}  // namespace lodepng_ref

}  // namespace png_qemu

// The same switches as tests/bench/lodepng_reference.cc: everything but the decoder, disk
// I/O and the C++ wrapper, so the encoder's defaults (and its bytes) are lodepng's own.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
namespace png_qemu {
namespace lodepng_ref {
#define LODEPNG_NO_COMPILE_DECODER
#define LODEPNG_NO_COMPILE_DISK
#define LODEPNG_NO_COMPILE_CPP
#define LODEPNG_NO_COMPILE_ALLOCATORS
#include "lodepng.cpp"
}  // namespace lodepng_ref
}  // namespace png_qemu
#pragma GCC diagnostic pop

namespace png_qemu {

unsigned lodepng_encode(const uint8_t* pixels, unsigned width, unsigned height, unsigned channels, uint8_t** png,
                        size_t* size) {
  using namespace lodepng_ref;
  const LodePNGColorType type = channels == 1 ? LCT_GREY : channels == 3 ? LCT_RGB : LCT_RGBA;
  unsigned char* out = nullptr;
  const unsigned error = lodepng_encode_memory(&out, size, pixels, width, height, type, 8);
  *png = out;
  return error;
}

void lodepng_release(uint8_t* png) { lodepng_ref::lodepng_free(png); }

}  // namespace png_qemu
