// tinytb demo (host only): the real data the simulated boards read (demo_data.h).
#include "demo_data.h"

#include <stdio.h>
#include <stdlib.h>

namespace demo_data {
namespace {

[[noreturn]] void die(const char* what, const char* detail) {
  fprintf(stderr, "demo: %s: %s\n", what, detail);
  exit(1);
}

uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

}  // namespace

const char* data_dir() {
  const char* dir = getenv("TINYTB_DEMO_DATA");
  return dir != nullptr && dir[0] != '\0' ? dir : TINYTB_DEMO_DATA_DIR;
}

size_t read_file(const char* name, uint8_t* buf, size_t cap, char* path, size_t path_cap) {
  char full[1024];
  snprintf(full, sizeof(full), "%s/%s", data_dir(), name);
  if (path != nullptr && path_cap > 0) snprintf(path, path_cap, "%s", full);
  FILE* f = fopen(full, "rb");
  if (f == nullptr) die("cannot open (set TINYTB_DEMO_DATA to the data folder)", full);
  const size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

PersonBmp load_person_bmp(uint8_t* buf, size_t cap) {
  const char* const kName = kPersonFile;
  PersonBmp bmp;
  bmp.file = buf;
  bmp.size = read_file(kName, buf, cap);
  const size_t n = bmp.size;
  if (n < 54 || buf[0] != 'B' || buf[1] != 'M') die("not a BMP file", kName);
  const uint32_t header = le32(buf + 14), offset = le32(buf + 10);
  // Width and height as stored: a positive height means bottom-up rows.
  if (le32(buf + 18) != kPersonSide || le32(buf + 22) != kPersonSide || le16(buf + 28) != 8 || le32(buf + 30) != 0) {
    die("not a 96x96 8-bit uncompressed bottom-up BMP", kName);
  }
  // 96 is a multiple of 4, so rows carry no padding.
  if (header < 40 || 14 + static_cast<size_t>(header) + 256 * 4 > offset ||
      static_cast<size_t>(offset) + kPersonSide * kPersonSide > n) {
    die("truncated BMP", kName);
  }
  bmp.palette = buf + 14 + header;
  bmp.bottom_row = buf + offset;
  bmp.gray_palette = true;
  for (uint32_t i = 0; i < 256; ++i) {
    const uint8_t* e = bmp.palette + 4 * i;
    if (e[0] != i || e[1] != i || e[2] != i) bmp.gray_palette = false;
  }
  return bmp;
}

void load_person_gray(uint8_t* out) {
  static uint8_t buf[16 * 1024];
  const PersonBmp bmp = load_person_bmp(buf, sizeof(buf));
  for (uint32_t y = 0; y < kPersonSide; ++y) {
    const uint8_t* row = bmp.bottom_row + (kPersonSide - 1 - y) * kPersonSide;
    for (uint32_t x = 0; x < kPersonSide; ++x) out[y * kPersonSide + x] = bmp.palette[4 * row[x] + 1];  // G
  }
}

}  // namespace demo_data
