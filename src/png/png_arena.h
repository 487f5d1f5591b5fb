// tinytb (internal): the heap lodepng allocates from, inside a PNG encoder's arena, and
// the binding of lodepng's context-free allocator hooks to one such heap.
#ifndef TINYTB_SRC_PNG_ARENA_H_
#define TINYTB_SRC_PNG_ARENA_H_

#include <stddef.h>
#include <stdint.h>

namespace tinytb {
namespace detail {

// A stack of blocks over [begin, end): allocate() bumps the top; release() marks a block
// free and pops every free block off the top; reallocate() answers in place when the
// block's capacity suffices, grows the top block in place, and otherwise moves. lodepng
// frees what it allocates in nearly stack order, so this reclaims everything by the end
// of a deflate, needs no free lists, and its peak is easy to bound (png_arena_bytes()).
//
// Each block carries an 8-byte header and is rounded up to 8 bytes (png_sizing::block()).
// One block can be "pinned": the deflate output lodepng grows with realloc. It never
// moves or grows past its capacity; a request beyond it fails and is noted instead.
class ArenaHeap {
 public:
  // `begin` must be 8-aligned; at most 4 GiB.
  void reset(uint8_t* begin, uint8_t* end);

  void* allocate(size_t size);
  void* reallocate(void* block, size_t size);
  void release(void* block);

  void pin(void* block) { pinned_ = block; }
  bool pinned_refused() const { return pinned_refused_; }
  bool refused() const { return refused_; }  // any other request failed
  size_t live_blocks() const { return live_; }
  uint8_t* top() const { return top_; }
  uint8_t* peak() const { return peak_; }  // highest top since reset()

 private:
  struct Header {
    uint32_t size;  // capacity in bytes, a multiple of 8; bit 0 set: released
    uint32_t prev;  // 1 + offset of the block below from begin_, 0 for none
  };
  static Header* header_of(void* block) { return static_cast<Header*>(block) - 1; }
  void pop_released();

  uint8_t* begin_ = nullptr;
  uint8_t* end_ = nullptr;
  uint8_t* top_ = nullptr;
  uint8_t* peak_ = nullptr;
  Header* last_ = nullptr;  // the top-most block
  size_t live_ = 0;
  void* pinned_ = nullptr;
  bool pinned_refused_ = false;
  bool refused_ = false;
};

// While an object of this class says bound(), lodepng_malloc/realloc/free serve `heap`.
// Only one heap can be bound at a time in the whole program; a second binding attempt
// (another task, an interrupt) finds it taken and is not bound. Unbound, the hooks
// return null and lodepng fails with its out-of-memory error.
class LodepngBinding {
 public:
  explicit LodepngBinding(ArenaHeap* heap);
  ~LodepngBinding();
  LodepngBinding(const LodepngBinding&) = delete;
  LodepngBinding& operator=(const LodepngBinding&) = delete;
  bool bound() const { return bound_; }

 private:
  bool bound_ = false;
};

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_PNG_ARENA_H_
