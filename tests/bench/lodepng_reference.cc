// tinytb benchmarks: lodepng's full encoder, built with its default settings and counting
// allocators, the reference the PNG benchmarks measure against. Host code only.
#include "lodepng_reference.h"

#include <stdlib.h>
#include <string.h>

namespace tinytb_test {
namespace {
size_t g_live = 0;
size_t g_peak = 0;
}  // namespace
}  // namespace tinytb_test

namespace tinytb_test {
namespace lodepng_ref {
// lodepng's allocator hooks (LODEPNG_NO_COMPILE_ALLOCATORS), in the namespace its code is
// compiled in: malloc with a size header, counting the live bytes.
void* lodepng_malloc(size_t size) {
  unsigned char* p = static_cast<unsigned char*>(malloc(size + 16));
  if (p == nullptr) return nullptr;
  memcpy(p, &size, sizeof(size));
  tinytb_test::g_live += size;
  if (tinytb_test::g_live > tinytb_test::g_peak) tinytb_test::g_peak = tinytb_test::g_live;
  return p + 16;
}
void lodepng_free(void* ptr) {
  if (ptr == nullptr) return;
  unsigned char* p = static_cast<unsigned char*>(ptr) - 16;
  size_t size;
  memcpy(&size, p, sizeof(size));
  tinytb_test::g_live -= size;
  free(p);
}
void* lodepng_realloc(void* ptr, size_t new_size) {
  void* q = lodepng_malloc(new_size);
  if (q == nullptr) return nullptr;
  if (ptr != nullptr) {
    size_t old;
    memcpy(&old, static_cast<unsigned char*>(ptr) - 16, sizeof(old));
    memcpy(q, ptr, old < new_size ? old : new_size);
    lodepng_free(ptr);
  }
  return q;
}
}  // namespace lodepng_ref
}  // namespace tinytb_test

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
namespace tinytb_test {
namespace lodepng_ref {
#define LODEPNG_NO_COMPILE_DECODER
#define LODEPNG_NO_COMPILE_DISK
#define LODEPNG_NO_COMPILE_CPP
#define LODEPNG_NO_COMPILE_ALLOCATORS
#include "lodepng.cpp"
}  // namespace lodepng_ref
}  // namespace tinytb_test
#pragma GCC diagnostic pop

namespace tinytb_test {

bool lodepng_reference_encode(const uint8_t* pixels, unsigned w, unsigned h, unsigned channels,
                              std::vector<uint8_t>* png, size_t* peak_heap) {
  using namespace lodepng_ref;
  g_live = 0;
  g_peak = 0;
  unsigned char* out = nullptr;
  size_t size = 0;
  const LodePNGColorType type = channels == 1 ? LCT_GREY : channels == 3 ? LCT_RGB : LCT_RGBA;
  const unsigned err = lodepng_encode_memory(&out, &size, pixels, w, h, type, 8);
  if (peak_heap != nullptr) *peak_heap = g_peak;
  if (err != 0) return false;
  png->assign(out, out + size);
  lodepng_free(out);
  return true;
}

}  // namespace tinytb_test
