// tinytb benchmarks: libpng + zlib level 6, the reference for PNG bytes (libpng_reference.h).
#include "libpng_reference.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

namespace tinytb_test {
namespace {

// Live and peak bytes of one encode: every allocation of libpng and of zlib (libpng hands
// zlib its own allocator, which ends in these).
struct Heap {
  size_t live = 0, peak = 0;
};

png_voidp counting_malloc(png_structp png, png_alloc_size_t size) {
  Heap* heap = static_cast<Heap*>(png_get_mem_ptr(png));
  unsigned char* p = static_cast<unsigned char*>(malloc(size + 16));
  if (p == nullptr) return nullptr;
  memcpy(p, &size, sizeof(size));
  heap->live += size;
  if (heap->live > heap->peak) heap->peak = heap->live;
  return p + 16;
}

void counting_free(png_structp png, png_voidp ptr) {
  if (ptr == nullptr) return;
  Heap* heap = static_cast<Heap*>(png_get_mem_ptr(png));
  unsigned char* p = static_cast<unsigned char*>(ptr) - 16;
  png_alloc_size_t size;
  memcpy(&size, p, sizeof(size));
  heap->live -= size;
  free(p);
}

void append(png_structp png, png_bytep data, size_t n) {
  std::vector<uint8_t>* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + n);
}

void no_flush(png_structp) {}

}  // namespace

bool libpng_reference_encode(const uint8_t* pixels, unsigned w, unsigned h, unsigned channels,
                             std::vector<uint8_t>* out, size_t* peak_heap) {
  if (channels != 1 && channels != 3 && channels != 4) return false;
  Heap heap;
  out->clear();
  png_structp png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr, &heap,
                                              counting_malloc, counting_free);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return false;
  }
  // libpng reports errors by longjmp: nothing with a destructor lives in this frame past here.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, append, no_flush);
  png_set_compression_level(png, 6);
  const int type = channels == 1 ? PNG_COLOR_TYPE_GRAY : channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA;
  png_set_IHDR(png, info, w, h, 8, type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const size_t stride = static_cast<size_t>(w) * channels;
  for (unsigned y = 0; y < h; ++y) png_write_row(png, const_cast<png_bytep>(pixels + y * stride));
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  if (peak_heap != nullptr) *peak_heap = heap.peak;
  return true;
}

const char* libpng_reference_version() {
  static char text[64];
  snprintf(text, sizeof(text), "libpng %s, zlib %s", PNG_LIBPNG_VER_STRING, zlibVersion());
  return text;
}

}  // namespace tinytb_test
