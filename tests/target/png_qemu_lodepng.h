// tinytb target benchmark (bench code, never in the library): lodepng's full encoder with
// its default settings on a Cortex-M4, its allocations served from one big arena.
//
// lodepng.cpp is compiled a second time inside a namespace of its own (its symbols cannot
// meet the core's encoder-only build), with the same switches as the host reference
// (tests/bench/lodepng_reference.cc) so both builds write the same bytes. Its allocator
// hooks go to a bump allocator with an address-ordered free list over a caller-given
// array: first fit, blocks split and merged, the block at the top grown in place by
// realloc. The arena counts the bytes lodepng asked for (peak live) and the highest
// address it reached (the RAM really needed with this allocator).
#ifndef TINYTB_TESTS_TARGET_PNG_QEMU_LODEPNG_H_
#define TINYTB_TESTS_TARGET_PNG_QEMU_LODEPNG_H_

#include <stddef.h>
#include <stdint.h>

namespace png_qemu {

struct ArenaStats {
  size_t peak_live = 0;   // most bytes lodepng held at once (the sizes it asked for)
  size_t high_water = 0;  // bytes from the arena's start to the highest byte handed out
  size_t live = 0;        // bytes held now
  uint32_t calls = 0;     // malloc + realloc + free calls
};

// Hands `memory` (size bytes, 8-byte aligned) to the arena and forgets everything in it.
void arena_reset(uint8_t* memory, size_t size);
const ArenaStats& arena_stats();

// lodepng_encode_memory(): 8-bit gray (1), RGB (3) or RGBA (4). On success *png points
// into the arena (release it with lodepng_release) and the result is 0; otherwise
// lodepng's error code (83 when the arena ran out).
unsigned lodepng_encode(const uint8_t* pixels, unsigned width, unsigned height, unsigned channels, uint8_t** png,
                        size_t* size);
void lodepng_release(uint8_t* png);

}  // namespace png_qemu

#endif  // TINYTB_TESTS_TARGET_PNG_QEMU_LODEPNG_H_
