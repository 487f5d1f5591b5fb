// tinytb benchmarks: libpng with zlib level 6, the bytes TensorFlow's encode_png and Pillow
// write (the second reference beside lodepng). Bench code only: -lpng -lz link here, never
// into the library.
#ifndef TINYTB_TESTS_BENCH_LIBPNG_REFERENCE_H_
#define TINYTB_TESTS_BENCH_LIBPNG_REFERENCE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinytb_test {

// One PNG of 8-bit gray (1), RGB (3) or RGBA (4) rows, packed, through libpng's write API
// with png_set_compression_level(6) and libpng's default filter choice (all five, its
// minimum-sum heuristic), as TensorFlow's png_io and Pillow's default save do. The PNG
// goes to *png through a write callback (libpng streams its IDAT chunks out of an 8 KiB
// buffer). *peak_heap (optional) gets the most bytes libpng and zlib had allocated at once
// (their own allocator hooks); the output vector is not counted, since libpng streams.
bool libpng_reference_encode(const uint8_t* pixels, unsigned w, unsigned h, unsigned channels,
                             std::vector<uint8_t>* png, size_t* peak_heap);

// "libpng 1.6.39, zlib 1.2.13": the versions linked, for the report's title.
const char* libpng_reference_version();

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_BENCH_LIBPNG_REFERENCE_H_
