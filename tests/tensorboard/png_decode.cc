// tinytb test tool: decode PNG files with lodepng (the decoder-only build in
// tests/support/lodepng_decoder.cc), for the TensorBoard judge's pixel checks.
//
//   png_decode IN.png OUT.raw     prints "<width> <height> <channels>" and writes the
//                                 pixels (rows top to bottom, channels interleaved)
// Exit status 0 on success, 1 if the file is not an 8-bit gray/RGB/RGBA PNG.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "lodepng_decoder.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: png_decode IN.png OUT.raw\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<uint8_t> png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  tinytb_test::DecodedPng img;
  if (!tinytb_test::decode_png(png.data(), png.size(), &img)) {
    fprintf(stderr, "png_decode: %s: %s\n", argv[1], img.error.c_str());
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary);
  out.write(reinterpret_cast<const char*>(img.pixels.data()), static_cast<std::streamsize>(img.pixels.size()));
  if (!out) {
    fprintf(stderr, "png_decode: cannot write %s\n", argv[2]);
    return 1;
  }
  printf("%u %u %u\n", img.width, img.height, img.channels);
  return 0;
}
