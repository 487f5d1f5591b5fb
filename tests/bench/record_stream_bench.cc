// tinytb bench: the cost of records larger than the queue (docs/storage.md, "Records larger
// than the queue"), `make bench-records`.
//
//   record_stream_bench [--data DIR] [--reps N]
//
// The real photograph (examples/data/kodim23_768x512_rgb.png), its central 640x480 and that
// averaged down to 160x120, as RGB888 camera frames, logged as compressed PNGs (kCompressed):
//   queue     a writer whose queue holds the whole record: one deflate, into the queue
//   streamed  a 6 KiB queue: the sizing pass (deflate, bytes counted) then the writing pass
//             (deflate again, streamed to the sink in writes of at most the queue)
//   one-pass  the other design, a reserved header completed in place: one deflate streamed,
//             then the lengths patched (its compute is one deflate into a buffer, measured
//             here as PngEncoderBase::encode(); its extra bytes are the fixed-width varints)
// The sink counts bytes and writes and keeps nothing. Prints per frame size: time per frame
// (median of N), record bytes, writes and the largest, RAM of writer + encoder.
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "lodepng_decoder.h"
#include "tinytb/tinytb.h"

namespace {

using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::PngMode;
using tinytb::Status;

class CountingSink : public tinytb::Sink {
 public:
  Status open(const char*, const char*) override { return Status::kOk; }
  Status write(const uint8_t*, size_t size) override {
    ++writes;
    bytes += size;
    largest = std::max(largest, size);
    return Status::kOk;
  }
  Status sync() override { return Status::kOk; }
  Status truncate(uint64_t) override { return Status::kOk; }
  Status close() override { return Status::kOk; }
  void reset() { writes = bytes = largest = 0; }
  size_t writes = 0, bytes = 0, largest = 0;
};

std::vector<uint8_t> read_file(const std::string& path) {
  std::vector<uint8_t> v;
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return v;
  uint8_t buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) v.insert(v.end(), buf, buf + n);
  fclose(f);
  return v;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename F>
double time_ms(F f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

size_t varint_bytes(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

tinytb::WriterOptions options() {
  tinytb::WriterOptions o;
  o.form = tinytb::SummaryForm::kTensor;
  o.max_queue = 1000;
  o.flush_millis = 0;
  o.sync_every = 0;
  return o;
}

template <uint32_t W, uint32_t H, size_t BigQueue>
bool bench(const char* name, const ImageView& view, int reps) {
  static tinytb::PngEncoder<W, H, 3, PngMode::kCompressed> png;
  auto big = std::make_unique<tinytb::EventWriter<BigQueue>>();
  static tinytb::EventWriter<6 * 1024> small;
  CountingSink big_sink, small_sink;
  if (big->open(big_sink, options()) != Status::kOk || small.open(small_sink, options()) != Status::kOk) return false;
  std::vector<double> queue_ms, stream_ms, one_ms;
  size_t record = 0, writes = 0, largest = 0, png_bytes = 0;
  std::vector<uint8_t> out(tinytb::png_max_bytes(W, H, 3));
  bool ok = true;
  for (int r = 0; r < reps && ok; ++r) {
    queue_ms.push_back(time_ms([&] {
      ok = ok && big->image("frame", r, view, png) == Status::kOk && big->flush() == Status::kOk;
    }));
    small_sink.reset();
    stream_ms.push_back(time_ms([&] { ok = ok && small.image("frame", r, view, png) == Status::kOk; }));
    record = small_sink.bytes;
    writes = small_sink.writes;
    largest = small_sink.largest;
    one_ms.push_back(time_ms([&] { ok = ok && png.encode(view, out.data(), out.size(), &png_bytes) == Status::kOk; }));
  }
  if (!ok) return false;
  // The reserved-header design writes each nested length as a fixed 5-byte varint (any size
  // up to 32 GiB): Event.summary, Summary.value, Value.tensor and the PNG's string_val.
  const size_t lengths[] = {record - 16 - 20, record - 16 - 24, record - 16 - 30, png_bytes};
  size_t extra = 0;
  for (size_t l : lengths) extra += 5 - varint_bytes(l);
  printf("| %s | %.1f | %.1f (%.2fx) | %.1f | %zu | %zu (PNG %zu) | +%zu | %zu, <= %zu B | %zu + %zu | %zu + %zu |\n",
         name, median(queue_ms), median(stream_ms), median(stream_ms) / median(queue_ms), median(one_ms),
         tinytb::image_record_bytes(5, W, H, 3), record, png_bytes, extra, writes, largest, big->storage_bytes(),
         png.storage_bytes(), small.storage_bytes(), png.storage_bytes());
  return big->close() == Status::kOk && small.close() == Status::kOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "examples/data";
  int reps = 5;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
      data = argv[++i];
    } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = atoi(argv[++i]);
    } else {
      fprintf(stderr, "usage: %s [--data DIR] [--reps N]\n", argv[0]);
      return 2;
    }
  }
  const std::vector<uint8_t> file = read_file(data + "/kodim23_768x512_rgb.png");
  tinytb_test::DecodedPng photo;
  if (!tinytb_test::decode_png(file.data(), file.size(), &photo) || photo.width != 768 || photo.height != 512 ||
      photo.channels != 3 || reps < 1) {
    fprintf(stderr, "record_stream_bench: cannot read %s/kodim23_768x512_rgb.png\n", data.c_str());
    return 1;
  }
  const ImageView full = ImageView::frame(PixelFormat::kRgb888, photo.pixels.data(), 768, 512);
  const ImageView vga = full.cropped(64, 16, 640, 480);
  const ImageView qqvga = vga.downscaled(4);
  printf("records larger than the queue: kodim23 as RGB888, PngMode::kCompressed, tensor form, median of %d\n", reps);
  printf("| frame | in the queue, ms | streamed (6 KiB queue), ms | one deflate, ms | record bound | record bytes "
         "| fixed varints | writes | RAM, queue design | RAM, streamed |\n|---|---|---|---|---|---|---|---|---|---|\n");
  const bool ok = bench<160, 120, 64 * 1024>("160x120 RGB", qqvga, reps * 4) &&
                  bench<640, 480, 1024 * 1024>("640x480 RGB", vga, reps);
  if (!ok) {
    fprintf(stderr, "record_stream_bench: a logging call failed\n");
    return 1;
  }
  return 0;
}
