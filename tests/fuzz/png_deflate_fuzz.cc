// tinytb: libFuzzer target for tinytb's own PNG deflate (src/png/png_deflate.h, docs/png.md).
//
//   make fuzz                  (both fuzzers; FUZZ_SECONDS=N each)
//   tests/fuzz/run_png_fuzz.sh BUILD SECONDS
//
// The input's first bytes choose the frame's shape, the level, the stride padding, the
// API (row by row or whole frame), the output capacity and how the pixels are made (raw
// bytes, runs, gradients with noise, or a mix per row); the rest is the pixels' material.
// Invariants, each aborting with a message when broken:
//   - an encode that returns kOk wrote a PNG that lodepng decodes to exactly the pixels,
//     no longer than png_deflate_max_bytes(), and nothing past the capacity;
//   - the row API and the whole-frame call write the same bytes, except where the whole
//     frame is coded in frame blocks (kDefault, not tiny, TINYTB_DEFLATE_FRAME_BLOCKS):
//     then both decode exactly;
//   - the streamed forms (rows: png_deflate_begin_stream; the frame, read top-down or
//     bottom-up: png_deflate_encode_stream) drain the same stream as their buffered form,
//     in pieces no larger than the window (exactly kDeflateStreamWindow), and a drain that
//     fails is kIoError;
//   - the same frame fits a buffer of exactly its size, and one byte less is kTooLarge;
//   - a capacity too small gives kTooLarge and leaves the bytes past it untouched;
//   - the state needs no clearing between frames (it is filled with junk first).
// Frames and rows are separate heap blocks of exactly their size, so ASan sees any read
// past a row or the frame.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "lodepng_decoder.h"
#include "png/png_checksum.h"
#include "png/png_deflate.h"

namespace {

using tinytb::Status;
using tinytb::detail::DeflateLevel;
using tinytb::detail::DeflateState;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

// Reads the input front to back; zeros once it runs out.
struct Input {
  const uint8_t* p;
  size_t n;
  uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  unsigned u16() {
    const unsigned lo = byte();  // two statements: the order of the reads is fixed
    return lo | (static_cast<unsigned>(byte()) << 8);
  }
};

constexpr size_t kGuard = 64;
constexpr uint8_t kGuardByte = 0xA5;

DeflateState g_state;

struct Frame {
  unsigned w, h, ch;
  size_t stride;
  std::vector<uint8_t> pixels;  // h rows, stride apart; the last row ends the block
};

// The pixels: `mode` 0 raw, 1 runs, 2 gradient + noise, 3 a mode per row.
void fill(Frame* f, unsigned mode, Input* in) {
  const size_t row_bytes = static_cast<size_t>(f->w) * f->ch;
  std::vector<uint8_t> material(in->p, in->p + in->n);
  if (material.empty()) material.push_back(0);
  size_t m = 0;
  auto next = [&]() { return material[m++ % material.size()]; };
  for (unsigned y = 0; y < f->h; ++y) {
    uint8_t* row = f->pixels.data() + static_cast<size_t>(y) * f->stride;
    const unsigned row_mode = mode == 3 ? next() % 3 : mode;
    if (row_mode == 0) {
      for (size_t i = 0; i < row_bytes; ++i) row[i] = next();
    } else if (row_mode == 1) {
      for (size_t i = 0; i < row_bytes;) {
        const uint8_t v = next();
        size_t len = 1 + next() % 64;
        if (next() & 1) len *= 5;  // long runs too (past 258, across blocks)
        for (; len > 0 && i < row_bytes; --len, ++i) row[i] = v;
      }
    } else {
      const int base = next(), dx = static_cast<int8_t>(next()) / 16, dy = static_cast<int8_t>(next()) / 16;
      const unsigned noise = next() % 9;
      for (size_t i = 0; i < row_bytes; ++i) {
        const int x = static_cast<int>(i / f->ch);
        int v = base + dx * x + dy * static_cast<int>(y) + static_cast<int>(i % f->ch) * 40;
        if (noise != 0) v += static_cast<int>(next() % (noise + 1)) - static_cast<int>(noise / 2);
        row[i] = static_cast<uint8_t>(v);
      }
    }
    for (size_t i = row_bytes; i < f->stride && y + 1 < f->h; ++i) row[i] = next();  // padding: junk
  }
}

// Encodes into a buffer of `capacity` bytes plus a guard; returns the status and fills
// *png with the output on kOk. The guard must be untouched whatever the result.
Status encode(const Frame& f, DeflateLevel level, bool rows, size_t capacity, uint8_t junk, std::vector<uint8_t>* png) {
  std::vector<uint8_t> out(capacity + kGuard, kGuardByte);
  std::memset(static_cast<void*>(&g_state), junk, sizeof(g_state));
  size_t size = 0;
  Status st;
  if (!rows) {
    st = tinytb::detail::png_deflate_encode(f.pixels.data(), f.w, f.h, static_cast<uint8_t>(f.ch), f.stride, level,
                                            &g_state, out.data(), capacity, &size);
  } else {
    // Two row buffers of exactly a row each, used in turn, as a converting caller would.
    const size_t row_bytes = static_cast<size_t>(f.w) * f.ch;
    std::vector<uint8_t> a(row_bytes), b(row_bytes);
    st = tinytb::detail::png_deflate_begin(&g_state, f.w, f.h, static_cast<uint8_t>(f.ch), level, out.data(), capacity);
    for (unsigned y = 0; y < f.h && st == Status::kOk; ++y) {
      std::vector<uint8_t>& cur = (y & 1) ? b : a;
      std::memcpy(cur.data(), f.pixels.data() + static_cast<size_t>(y) * f.stride, row_bytes);
      st = tinytb::detail::png_deflate_row(&g_state, cur.data(), y == 0 ? nullptr : ((y & 1) ? a : b).data());
    }
    if (st == Status::kOk) st = tinytb::detail::png_deflate_end(&g_state, &size);
  }
  for (size_t i = capacity; i < out.size(); ++i) require(out[i] == kGuardByte, "nothing is written past the capacity");
  if (st == Status::kOk) {
    require(size <= capacity, "the size is within the capacity");
    out.resize(size);
    *png = out;
  }
  return st;
}

// The drained pieces of a streamed deflate.
struct Drained {
  std::vector<uint8_t> bytes;
  size_t largest = 0;
  size_t fail_after = SIZE_MAX;  // the drain refuses the piece that would pass this many bytes
};
bool collect(void* context, const uint8_t* data, size_t size) {
  Drained* d = static_cast<Drained*>(context);
  if (d->bytes.size() + size > d->fail_after) return false;
  d->bytes.insert(d->bytes.end(), data, data + size);
  if (size > d->largest) d->largest = size;
  return true;
}

// A streamed form through a window of exactly kDeflateStreamWindow bytes, a separate heap
// block with a guard: rows (png_deflate_begin_stream), or the whole frame
// (png_deflate_encode_stream), read bottom-up from `flipped` (f's rows in reverse order,
// the stride negative) when it is not null. Returns its status; the drained bytes and the
// Adler-32 in *d and *adler.
Status encode_streamed(const Frame& f, DeflateLevel level, bool rows, const std::vector<uint8_t>* flipped, uint8_t junk,
                       Drained* d, uint32_t* adler) {
  const size_t window_bytes = tinytb::detail::kDeflateStreamWindow;
  std::vector<uint8_t> window(window_bytes + kGuard, kGuardByte);
  std::memset(static_cast<void*>(&g_state), junk, sizeof(g_state));
  size_t stream_bytes = 0;
  Status st;
  if (rows) {
    st = tinytb::detail::png_deflate_begin_stream(&g_state, f.w, f.h, static_cast<uint8_t>(f.ch), level, window.data(),
                                                  window_bytes, tinytb::ByteWriter{collect, d});
    for (unsigned y = 0; y < f.h && st == Status::kOk; ++y) {
      const uint8_t* row = f.pixels.data() + static_cast<size_t>(y) * f.stride;
      st = tinytb::detail::png_deflate_row(&g_state, row, y == 0 ? nullptr : row - f.stride);
    }
    // The rows stop at a failed drain; end_stream() says which failure it was.
    if (st == Status::kOk || st == Status::kTooLarge) st = tinytb::detail::png_deflate_end_stream(&g_state, &stream_bytes, adler);
  } else {
    const uint8_t* first = f.pixels.data();
    ptrdiff_t stride = static_cast<ptrdiff_t>(f.stride);
    if (flipped != nullptr) {
      first = flipped->data() + static_cast<size_t>(f.h - 1) * f.stride;
      stride = -stride;
    }
    st = tinytb::detail::png_deflate_encode_stream(first, f.w, f.h, static_cast<uint8_t>(f.ch), stride, level, &g_state,
                                                   window.data(), window_bytes, tinytb::ByteWriter{collect, d},
                                                   &stream_bytes, adler);
  }
  for (size_t i = window_bytes; i < window.size(); ++i) require(window[i] == kGuardByte, "nothing past the window");
  require(d->largest <= window_bytes, "no drained piece is larger than the window");
  if (st == Status::kOk) require(stream_bytes == d->bytes.size(), "the stream's length is what was drained");
  return st;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  Frame f;
  f.w = 1 + in.u16() % 300;
  f.h = 1 + in.u16() % 300;
  static constexpr unsigned kChannels[3] = {1, 3, 4};
  f.ch = kChannels[in.byte() % 3];
  const uint8_t flags = in.byte();
  const DeflateLevel level = (flags & 1) ? DeflateLevel::kFast : DeflateLevel::kDefault;
  const bool rows = (flags & 2) != 0;
  const unsigned mode = (flags >> 2) & 3;
  const uint8_t capacity_choice = in.byte();
  const uint8_t junk = in.byte();
  f.stride = static_cast<size_t>(f.w) * f.ch + in.byte() % 16;
  // Keep each run fast: at most 20 KiB of pixels (fewer rows when wide), still two and a
  // half buffers of the default 8 KiB (kDeflateBuffer), so blocks end and the window moves.
  while (static_cast<size_t>(f.h) * f.w * f.ch > 20 * 1024 && f.h > 1) f.h /= 2;
  f.pixels.assign(f.stride * (f.h - 1) + static_cast<size_t>(f.w) * f.ch, 0);
  fill(&f, mode, &in);

  const size_t bound = tinytb::detail::png_deflate_max_bytes(f.w, f.h, f.ch);
  std::vector<uint8_t> png;
  require(encode(f, level, rows, bound, junk, &png) == Status::kOk, "the bound is always enough");
  require(png.size() <= bound, "within png_deflate_max_bytes");
  tinytb_test::DecodedPng d;
  require(tinytb_test::decode_png(png.data(), png.size(), &d), "lodepng decodes it");
  require(d.width == f.w && d.height == f.h && d.channels == f.ch, "the header");
  for (unsigned y = 0; y < f.h; ++y) {
    require(std::memcmp(d.pixels.data() + static_cast<size_t>(y) * f.w * f.ch,
                        f.pixels.data() + static_cast<size_t>(y) * f.stride, static_cast<size_t>(f.w) * f.ch) == 0,
            "the pixels, exactly");
  }
  // kDefault's five filter sums as this build computes them (the DSP path in the _dsp
  // build) equal the portable loop's, on every row.
  for (unsigned y = 0; y < f.h; ++y) {
    uint32_t costs[5], portable[5];
    const uint8_t* row = f.pixels.data() + static_cast<size_t>(y) * f.stride;
    (void)tinytb::detail::png_filter_costs(row, y == 0 ? nullptr : row - f.stride, static_cast<size_t>(f.w) * f.ch,
                                           f.ch, costs, portable);
    require(std::memcmp(costs, portable, sizeof(costs)) == 0, "the filter sums equal the portable ones");
  }
  {  // Adler-32 as the target computes it (DSP path in the _dsp build) against the portable loop
    uint32_t target = 0, portable = 0;
    const uint32_t sum_a = static_cast<uint32_t>(junk) * 65519u % 65521u;
    const uint32_t sum_b = static_cast<uint32_t>(junk) * 251u % 65521u;
    const uint32_t start = (sum_b << 16) | sum_a;
    (void)tinytb::detail::png_checksum_paths(start, f.pixels.data(), f.pixels.size(), &target, &portable);
    require(target == portable, "Adler-32 equals the portable one");
  }
  std::vector<uint8_t> other;
  require(encode(f, level, !rows, bound, static_cast<uint8_t>(~junk), &other) == Status::kOk,
          "the other API succeeds");
  const bool tiny = static_cast<size_t>(f.h) * (1 + static_cast<size_t>(f.w) * f.ch) <= tinytb::detail::kDeflateBuffer / 2;
  if (!TINYTB_DEFLATE_FRAME_BLOCKS || level == DeflateLevel::kFast || tiny) {
    require(other == png, "the row API and the whole-frame call agree");
  } else {
    tinytb_test::DecodedPng o;
    require(tinytb_test::decode_png(other.data(), other.size(), &o) && o.pixels == d.pixels,
            "the other API's PNG decodes to the same pixels");
  }
  // The frame's rows in reverse order, for the bottom-up read.
  std::vector<uint8_t> flipped(f.pixels.size(), 0);
  for (unsigned y = 0; y < f.h; ++y) {
    std::memcpy(flipped.data() + static_cast<size_t>(f.h - 1 - y) * f.stride,
                f.pixels.data() + static_cast<size_t>(y) * f.stride, static_cast<size_t>(f.w) * f.ch);
  }

  // Streamed through the small window: the same stream, byte for byte, with its Adler-32;
  // a drain that fails part-way is kIoError.
  {
    const size_t head = tinytb::detail::kPngHeadBytes, tail = tinytb::detail::kPngTailBytes;
    Drained drained;
    uint32_t adler = 0;
    const std::vector<uint8_t>* bottom_up = (flags & 16) != 0 ? &flipped : nullptr;
    require(encode_streamed(f, level, rows, bottom_up, junk, &drained, &adler) == Status::kOk,
            "the streamed form succeeds");
    require(drained.bytes.size() == png.size() - head - tail &&
                std::memcmp(drained.bytes.data(), png.data() + head, drained.bytes.size()) == 0,
            "the streamed form drains the buffered PNG's stream");
    const uint8_t* a = png.data() + png.size() - tail;
    require(adler == ((uint32_t{a[0]} << 24) | (uint32_t{a[1]} << 16) | (uint32_t{a[2]} << 8) | a[3]),
            "the streamed form's Adler-32");
    Drained failing;
    failing.fail_after = drained.bytes.size() * capacity_choice / 256;
    if (failing.fail_after < drained.bytes.size()) {
      require(encode_streamed(f, level, rows, bottom_up, junk, &failing, &adler) == Status::kIoError,
              "a failed drain is kIoError");
    }
  }

  // Capacities: exactly the size, one less, and one chosen by the input below the size.
  std::vector<uint8_t> exact;
  require(encode(f, level, rows, png.size(), junk, &exact) == Status::kOk && exact == png,
          "a buffer of exactly the PNG's size is enough");
  require(encode(f, level, rows, png.size() - 1, junk, &exact) == Status::kTooLarge, "one byte less is kTooLarge");
  const size_t small = png.size() * capacity_choice / 256;
  const Status st = encode(f, level, rows, small, junk, &exact);
  require(st == Status::kTooLarge, "a capacity below the size is kTooLarge");
  return 0;
}
