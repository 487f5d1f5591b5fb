// tinytb: PNG files from image views, stored, deflated by tinytb's own deflate, or by
// lodepng, in a fixed arena.
#include "tinytb/png/png_encoder.h"

#include <string.h>

#include <new>

#include "png/lodepng_config.h"
#include "format/names.h"
#include "png/png_batch.h"
#include "png/png_checksum.h"
#include "png/png_deflate.h"

namespace tinytb {
namespace {

using detail::ArenaHeap;

static_assert(sizeof(PngBatch::Slot) <= png_sizing::kSlotBytes, "kSlotBytes too small");
static_assert(detail::kLutBytes + detail::kChunkPixels * 4 <= png_sizing::kScratchBytes, "kScratchBytes too small");

// CRC-32 and Adler-32: src/png/png_checksum.h (shared with src/png/png_deflate.cc).
using detail::adler32_update;
using detail::crc32_update;

// The public bound of tinytb's deflate state (png_arena_bytes) holds, and stays close.
static_assert(sizeof(detail::DeflateState) <= png_sizing::kDeflateStateBytes, "kDeflateStateBytes too small");
static_assert(png_sizing::kDeflateStateBytes - sizeof(detail::DeflateState) <= 160, "kDeflateStateBytes too loose");
static_assert(TINYTB_DEFLATE_BUFFER == detail::kDeflateBuffer && TINYTB_DEFLATE_MAX_RUNS == detail::kDeflateMaxMatches,
              "png_encoder.h and png_deflate.h disagree on the deflate's buffers");

void put_be32(uint8_t* out, uint32_t v) {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}

// ---- PNG framing ---------------------------------------------------------------------------

constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
// zlib header: deflate with a 32 KiB window (CMF 0x78), no dictionary, FCHECK making it a
// multiple of 31. Valid for stored and compressed streams alike.
constexpr uint8_t kZlibHeader[2] = {0x78, 0x01};
constexpr size_t kPngFraming = 8 + 25 + 12 + 12 + 2 + 4;  // = 63: everything but the deflate stream

class PngEmitter {
 public:
  explicit PngEmitter(ByteWriter out) : out_(out) {}

  void raw(const uint8_t* p, size_t n) { ok_ = ok_ && out_.write(out_.context, p, n); }
  void begin_chunk(uint32_t length, const char* type) {
    uint8_t b[4];
    put_be32(b, length);
    raw(b, 4);
    crc_ = detail::kCrc32Init;
    put(reinterpret_cast<const uint8_t*>(type), 4);
  }
  void put(const uint8_t* p, size_t n) {
    crc_ = crc32_update(crc_, p, n);
    raw(p, n);
  }
  void put_u32(uint32_t v) {
    uint8_t b[4];
    put_be32(b, v);
    put(b, 4);
  }
  void end_chunk() {
    uint8_t b[4];
    put_be32(b, crc_);
    raw(b, 4);
  }
  bool ok() const { return ok_; }

  // Signature, IHDR (8-bit, colour type 0/2/6, no interlace), and the IDAT chunk's start.
  void head(uint32_t width, uint32_t height, uint8_t channels, uint32_t zlib_bytes) {
    raw(kSignature, sizeof(kSignature));
    begin_chunk(13, "IHDR");
    put_u32(width);
    put_u32(height);
    const uint8_t colour = channels == 1 ? 0 : (channels == 3 ? 2 : 6);
    const uint8_t rest[5] = {8, colour, 0, 0, 0};
    put(rest, sizeof(rest));
    end_chunk();
    begin_chunk(zlib_bytes, "IDAT");
    put(kZlibHeader, sizeof(kZlibHeader));
  }
  // The zlib checksum, the IDAT CRC and IEND.
  void tail(uint32_t adler) {
    put_u32(adler);
    end_chunk();
    begin_chunk(0, "IEND");
    end_chunk();
  }

 private:
  ByteWriter out_;
  uint32_t crc_ = 0;
  bool ok_ = true;
};

// Stored deflate blocks (BTYPE 00) of at most 65535 bytes around a byte stream of a
// known total, and the Adler-32 of that stream.
class StoredDeflate {
 public:
  StoredDeflate(PngEmitter* png, size_t total) : png_(png), left_(total) {}

  void put(const uint8_t* p, size_t n) {
    while (n > 0) {
      if (block_left_ == 0) {
        const uint32_t len = left_ < 65535 ? static_cast<uint32_t>(left_) : 65535u;
        const uint8_t header[5] = {static_cast<uint8_t>(len == left_ ? 1 : 0), static_cast<uint8_t>(len),
                                   static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(~len),
                                   static_cast<uint8_t>(~len >> 8)};
        png_->put(header, sizeof(header));
        block_left_ = len;
      }
      const size_t take = n < block_left_ ? n : block_left_;
      png_->put(p, take);
      adler_ = adler32_update(adler_, p, take);
      block_left_ -= static_cast<uint32_t>(take);
      left_ -= take;
      p += take;
      n -= take;
    }
  }
  uint32_t adler() const { return adler_; }

 private:
  PngEmitter* png_;
  size_t left_;
  uint32_t block_left_ = 0;
  uint32_t adler_ = detail::kAdler32Init;
};

// The same stored stream written into memory (the fallback for incompressible images).
size_t store_into(uint8_t* out, const uint8_t* data, size_t n) {
  uint8_t* p = out;
  size_t left = n;
  do {
    const uint32_t len = left < 65535 ? static_cast<uint32_t>(left) : 65535u;
    *p++ = static_cast<uint8_t>(len == left ? 1 : 0);
    *p++ = static_cast<uint8_t>(len);
    *p++ = static_cast<uint8_t>(len >> 8);
    *p++ = static_cast<uint8_t>(~len);
    *p++ = static_cast<uint8_t>(~len >> 8);
    memcpy(p, data, len);
    p += len;
    data += len;
    left -= len;
  } while (left > 0);
  return static_cast<size_t>(p - out);
}

// ---- PNG row filters (the PNG standard, section 9) -----------------------------------------------

uint8_t paeth(uint8_t a, uint8_t b, uint8_t c) {
  const int32_t p = int32_t{a} + b - c;
  const int32_t pa = p > a ? p - a : a - p;
  const int32_t pb = p > b ? p - b : b - p;
  const int32_t pc = p > c ? p - c : c - p;
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

uint8_t filtered_byte(int type, const uint8_t* row, const uint8_t* prev, size_t i, size_t bpp) {
  const uint8_t x = row[i];
  const uint8_t a = i >= bpp ? row[i - bpp] : 0;
  const uint8_t b = prev[i];
  const uint8_t c = i >= bpp ? prev[i - bpp] : 0;
  switch (type) {
    case 1: return static_cast<uint8_t>(x - a);
    case 2: return static_cast<uint8_t>(x - b);
    case 3: return static_cast<uint8_t>(x - ((a + b) >> 1));
    case 4: return static_cast<uint8_t>(x - paeth(a, b, c));
    default: return x;
  }
}

// Filter one row into out[0] (the type) and out[1..n]: the type whose output has the
// smallest sum of absolute values, the bytes read as signed (the standard's heuristic).
void filter_row(const uint8_t* row, const uint8_t* prev, size_t n, size_t bpp, uint8_t* out) {
  int best = 0;
  uint64_t best_sum = UINT64_MAX;
  for (int type = 0; type < 5; ++type) {
    uint64_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t f = filtered_byte(type, row, prev, i, bpp);
      sum += f < 128 ? f : 256u - f;
    }
    if (sum < best_sum) {
      best_sum = sum;
      best = type;
    }
  }
  out[0] = static_cast<uint8_t>(best);
  for (size_t i = 0; i < n; ++i) out[1 + i] = filtered_byte(best, row, prev, i, bpp);
}

size_t decimal(char* out, uint32_t v) {
  size_t pos = 0;
  (void)detail::append_decimal(out, 12, &pos, v, 1);
  return pos;
}

uint8_t* align8(uint8_t* p) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  return p + ((8 - (a & 7)) & 7);
}

struct MemoryOut {
  uint8_t* data;
  size_t capacity;
  size_t size;
};

bool write_memory(void* context, const uint8_t* data, size_t size) {
  MemoryOut* m = static_cast<MemoryOut*>(context);
  if (size > m->capacity - m->size) return false;
  memcpy(m->data + m->size, data, size);
  m->size += size;
  return true;
}

bool write_stream(void* context, const uint8_t* data, size_t size) {
  return static_cast<detail::ByteOut*>(context)->write(data, size);
}

}  // namespace

// ---- the batch -----------------------------------------------------------------------------

Status PngBatch::begin(PngEncoderBase& enc, const ImageView* image_views, size_t image_count) {
  if (image_views == nullptr || image_count == 0) return Status::kInvalidArgument;
  for (size_t i = 0; i < image_count; ++i) {
    const Status s = image_views[i].validate();
    if (s != Status::kOk) return s;
  }
  const ImageView& first = image_views[0];
  const uint32_t w = first.output_width(), h = first.output_height();
  const uint8_t ch = first.output_channels();
  for (size_t i = 1; i < image_count; ++i) {  // one width and height per summary: no mixed sizes
    const ImageView& v = image_views[i];
    if (v.output_width() != w || v.output_height() != h || v.output_channels() != ch) {
      return Status::kInvalidArgument;
    }
  }
  const PngLimits& lim = enc.limits_;
  if (image_count > lim.max_batch || w > lim.max_width || h > lim.max_height || ch > lim.max_channels) {
    return Status::kTooLarge;
  }
  // The arena: what png_arena_bytes() counts (without its alignment slack), and the layout
  // itself, checked on its own in case that sum wrapped on a 32-bit target for absurd limits.
  uint8_t* base = enc.arena_ == nullptr ? nullptr : align8(enc.arena_);
  const size_t lost = static_cast<size_t>(base - enc.arena_);
  const size_t usable = enc.arena_bytes_ < lost ? 0 : (enc.arena_bytes_ - lost) & ~static_cast<size_t>(7);
  const bool lode = lim.mode == PngMode::kLodepng;
  const bool own = lim.mode == PngMode::kFast || lim.mode == PngMode::kCompressed;
  const size_t row_bytes = png_sizing::round8(static_cast<size_t>(w) * ch);
  const size_t sums_bytes = png_sizing::round8(4 * static_cast<size_t>(w) * ch);
  const size_t front = image_count * png_sizing::kSlotBytes + png_sizing::kScratchBytes + sums_bytes + row_bytes +
                       (lode || own ? row_bytes : 0) + (own ? png_sizing::kDeflateStateBytes : 0);
  const size_t filtered = lode ? png_sizing::filtered_bytes(w, h, ch) : 0;
  if (base == nullptr || usable < png_arena_bytes(w, h, ch, lim.mode, image_count) - png_sizing::kAlignSlack ||
      usable < front || usable - front < png_sizing::round8(filtered)) {
    return Status::kTooLarge;
  }
  if (!enc.in_use_.try_take()) return Status::kBusy;  // last: nothing to undo

  encoder = &enc;
  views = image_views;
  count = image_count;
  width = w;
  height = h;
  channels = ch;
  compressed = lode;
  deflate = own;
  (void)decimal(width_text, w);
  (void)decimal(height_text, h);
  base_ = base;
  uint8_t* p = base;
  slots_ = reinterpret_cast<Slot*>(p);
  p += count * png_sizing::kSlotBytes;
  scratch_ = p;
  p += png_sizing::kScratchBytes;
  sums_ = reinterpret_cast<uint32_t*>(p);
  p += sums_bytes;
  row_ = p;
  p += row_bytes;
  if (compressed || deflate) {
    prev_ = p;
    p += row_bytes;
  }
  if (compressed) {
    filtered_bytes_ = filtered;
    filtered_ = base + usable - png_sizing::round8(filtered);
  }
  if (deflate) {
    state_ = new (p) detail::DeflateState;  // placement: the arena's bytes, no heap
    p += png_sizing::kDeflateStateBytes;
  }
  kept_end_ = p;
  peak_ = front + lost;
  return Status::kOk;
}

void PngBatch::end() {
  if (encoder == nullptr) return;
  if (peak_ > encoder->high_water_) encoder->high_water_ = peak_;
  encoder->in_use_.release();
  encoder = nullptr;
}

void PngBatch::note_peak(const uint8_t* top) {
  // As if the filtered image sat right above the heap: the smallest arena that would do.
  const size_t lost = static_cast<size_t>(base_ - encoder->arena_);
  const size_t used = lost + static_cast<size_t>(top - base_) + png_sizing::round8(filtered_bytes_);
  if (used > peak_) peak_ = used;
}

Status PngBatch::encode_next() {
  if (status != Status::kOk) return status;
  const size_t i = encoded;
  const size_t row_bytes = static_cast<size_t>(width) * channels;
  const size_t stored = png_sizing::stored_deflate_bytes(filtered_bytes_);

  // Rows, converted and filtered one at a time into the filtered image.
  detail::RowReader reader;
  detail::prepare_rows(views[i], scratch_, sums_, &reader);
  memset(prev_, 0, row_bytes);
  uint32_t adler = detail::kAdler32Init;
  uint8_t* out = filtered_;
  uint8_t* row = row_;
  uint8_t* prev = prev_;
  for (uint32_t y = 0; y < height; ++y) {
    detail::read_row(reader, y, row);
    filter_row(row, prev, row_bytes, channels, out);
    adler = adler32_update(adler, out, 1 + row_bytes);
    out += 1 + row_bytes;
    uint8_t* t = prev;
    prev = row;
    row = t;
  }

  // lodepng deflates it into a block reserved below its own allocations, which never
  // moves: room for a stream the size of the stored one plus lodepng's growth step.
  heap_.reset(kept_end_, filtered_);
  uint8_t* stream = static_cast<uint8_t*>(heap_.allocate(stored + stored / 2 + 8));
  if (stream == nullptr) {
    status = Status::kTooLarge;
    return status;
  }
  heap_.pin(stream);
  unsigned err = 0;
  unsigned char* deflated = stream;
  size_t deflated_bytes = 0;
  {
    detail::LodepngBinding binding(&heap_);
    if (!binding.bound()) {
      status = Status::kBusy;
      return status;
    }
    LodePNGCompressSettings settings;
    lodepng_compress_settings_init(&settings);
    settings.btype = 2;
    settings.use_lz77 = 1;
    settings.windowsize = png_sizing::kWindow;
    err = lodepng_deflate(&deflated, &deflated_bytes, filtered_, filtered_bytes_, &settings);
  }
  note_peak(heap_.peak());
  if (heap_.refused()) {  // the arena did not hold lodepng's work: png_arena_bytes() says how much
    status = Status::kTooLarge;
    return status;
  }
  if ((err != 0 && !heap_.pinned_refused()) || deflated != stream || heap_.live_blocks() != 1) {
    status = Status::kEncodeError;
    return status;
  }
  size_t stream_bytes = deflated_bytes;
  if (heap_.pinned_refused() || deflated_bytes >= stored) {
    // Deflate did not make it smaller: store it (the stream's block holds that).
    stream_bytes = store_into(stream, filtered_, filtered_bytes_);
    ++encoder->stored_fallbacks_;
  }
  slots_[i] = Slot{static_cast<uint32_t>(stream - base_), static_cast<uint32_t>(stream_bytes), adler, 0, nullptr, 0};
  kept_end_ = stream + png_sizing::round8(stream_bytes);
  ++encoded;
  return Status::kOk;
}

Status PngBatch::deflate_into(size_t i, uint8_t* out, size_t capacity, size_t* size) {
  detail::DeflateState* state = static_cast<detail::DeflateState*>(state_);
  const detail::DeflateLevel level =
      encoder->limits_.mode == PngMode::kFast ? detail::DeflateLevel::kFast : detail::DeflateLevel::kDefault;
  detail::RowReader reader;
  detail::prepare_rows(views[i], scratch_, sums_, &reader);
  // Never more than the stored PNG: beyond that, storing is smaller (and png_max_bytes()
  // stays the bound of every mode, which image_record_bytes() relies on).
  const size_t stored = png_max_bytes(width, height, channels);
  Status s =
      detail::png_deflate_begin(state, width, height, channels, level, out, capacity < stored ? capacity : stored);
  // Rows go to the deflate one by one: read in place when the view needs no conversion,
  // otherwise converted into the two row buffers in turn (the filters read the row above).
  const uint8_t* prev = nullptr;
  for (uint32_t y = 0; y < height && s == Status::kOk; ++y) {
    const uint8_t* row = detail::direct_row(reader, y);
    if (row == nullptr) {
      uint8_t* buffer = (y & 1) != 0 ? prev_ : row_;
      detail::read_row(reader, y, buffer);
      row = buffer;
    }
    s = detail::png_deflate_row(state, row, prev);
    prev = row;
  }
  if (s == Status::kOk) s = detail::png_deflate_end(state, size);
  if (s == Status::kOk) {
    ++encoder->images_encoded_;
    return Status::kOk;
  }
  if (s != Status::kTooLarge) return Status::kEncodeError;  // the arguments were checked: a bug
  // The compressed PNG did not fit: store it, if that fits.
  if (capacity < stored) return Status::kTooLarge;
  MemoryOut memory{out, capacity, 0};
  ByteWriter writer;
  writer.write = write_memory;
  writer.context = &memory;
  if (!write_png(i, writer) || memory.size != stored) return Status::kEncodeError;
  ++encoder->stored_fallbacks_;
  *size = memory.size;
  return Status::kOk;
}

Status PngBatch::place(uint8_t* payload, size_t bytes) {
  if (status != Status::kOk) return status;
  // The record was sized with every PNG at png_max_bytes(): the PNGs go at the end of its
  // payload, one after the other, so everything the encoder writes in front of PNG i
  // (headers at their largest, the PNGs before it) ends before PNG i starts.
  const size_t bound = png_max_bytes(width, height, channels);
  if (payload == nullptr || bytes / bound < count) {
    status = Status::kEncodeError;
    return status;
  }
  uint8_t* p = payload + bytes - count * bound;
  for (size_t i = 0; i < count; ++i) {
    size_t size = 0;
    const Status s = deflate_into(i, p, bound, &size);
    if (s != Status::kOk) {
      status = s;
      return s;
    }
    slots_[i].png = p;
    slots_[i].png_size = size;
    p += size;
  }
  placed = true;
  return Status::kOk;
}

size_t PngBatch::png_bytes(size_t i) const {
  if (!compressed) return png_max_bytes(width, height, channels);
  return slots_[i].stream_bytes + kPngFraming;
}

bool PngBatch::write_png(size_t i, ByteWriter out) {
  PngEmitter png(out);
  if (compressed) {
    const Slot& slot = slots_[i];
    png.head(width, height, channels, slot.stream_bytes + 6);
    png.put(base_ + slot.offset, slot.stream_bytes);
    png.tail(slot.adler);
  } else {
    // Generated as it is written: rows converted one by one, filter type 0 (none), in
    // stored blocks. Its size never depended on the pixels.
    const size_t row_bytes = static_cast<size_t>(width) * channels;
    const size_t total = png_sizing::filtered_bytes(width, height, channels);
    png.head(width, height, channels, static_cast<uint32_t>(png_sizing::stored_deflate_bytes(total) + 6));
    StoredDeflate blocks(&png, total);
    detail::RowReader reader;
    detail::prepare_rows(views[i], scratch_, sums_, &reader);
    const uint8_t none = 0;
    for (uint32_t y = 0; y < height && png.ok(); ++y) {
      detail::read_row(reader, y, row_);
      blocks.put(&none, 1);
      blocks.put(row_, row_bytes);
    }
    png.tail(blocks.adler());
  }
  if (png.ok()) ++encoder->images_encoded_;
  return png.ok();
}

detail::StringSource PngBatch::strings() const {
  detail::StringSource s;
  s.count = 2 + count;
  s.context = this;
  s.at = at;
  return s;
}

detail::Blob PngBatch::at(const void* context, size_t index) {
  // The batch is the logging call's own object; the source hands it out as const only.
  PngBatch* b = const_cast<PngBatch*>(static_cast<const PngBatch*>(context));
  detail::Blob blob;
  if (index < 2) {
    const char* text = index == 0 ? b->width_text : b->height_text;
    blob.data = reinterpret_cast<const uint8_t*>(text);
    blob.size = strlen(text);
    return blob;
  }
  const size_t i = index - 2;
  if (b->deflate) {
    if (b->placed) {  // compressed into the queue already: the event encoder moves it into place
      blob.data = b->slots_[i].png;
      blob.size = b->slots_[i].png_size;
    } else {  // sizing the record at its largest, before place()
      blob.size = png_max_bytes(b->width, b->height, b->channels);
      blob.produce = not_placed;
    }
    return blob;
  }
  while (b->compressed && b->encoded <= i && b->status == Status::kOk) (void)b->encode_next();
  if (b->status != Status::kOk) {
    blob.size = 1;  // no data and no producer: the encoder stops, the caller reports b->status
    return blob;
  }
  blob.size = b->png_bytes(i);
  blob.produce = produce;
  return blob;
}

bool PngBatch::produce(const void* context, size_t index, detail::ByteOut* out) {
  PngBatch* b = const_cast<PngBatch*>(static_cast<const PngBatch*>(context));
  ByteWriter writer;
  writer.write = write_stream;
  writer.context = out;
  return index >= 2 && b->write_png(index - 2, writer);
}

bool PngBatch::not_placed(const void*, size_t, detail::ByteOut*) { return false; }

// ---- the encoder ------------------------------------------------------------------------------

PngEncoderBase::PngEncoderBase(uint8_t* arena, size_t arena_bytes, const PngLimits& limits)
    : arena_(arena),
      // The heap's block headers hold 32-bit offsets: more than 4 GiB would not be used anyway.
      arena_bytes_(arena == nullptr ? 0 : (arena_bytes > 0xFFFFFFF0u ? 0xFFFFFFF0u : arena_bytes)),
      limits_(limits) {}

Status PngEncoderBase::encode(const ImageView& view, uint8_t* out, size_t capacity, size_t* size) {
  if (out == nullptr || size == nullptr) return Status::kInvalidArgument;
  PngBatch batch;
  Status s = batch.begin(*this, &view, 1);
  if (s != Status::kOk) return s;
  if (batch.deflate) {
    s = batch.deflate_into(0, out, capacity, size);
    batch.end();
    return s;
  }
  if (batch.compressed) s = batch.encode_next();
  if (s == Status::kOk && batch.png_bytes(0) > capacity) s = Status::kTooLarge;
  if (s == Status::kOk) {
    MemoryOut memory{out, capacity, 0};
    ByteWriter writer;
    writer.write = write_memory;
    writer.context = &memory;
    if (!batch.write_png(0, writer) || memory.size != batch.png_bytes(0)) s = Status::kEncodeError;
    if (s == Status::kOk) *size = memory.size;
  }
  batch.end();
  return s;
}

const char* png_mode_name(PngMode mode) {
  switch (mode) {
    case PngMode::kStored:
      return "stored";
    case PngMode::kFast:
      return "fast";
    case PngMode::kCompressed:
      return "compressed";
    case PngMode::kLodepng:
      return "lodepng";
  }
  return "unknown";
}

}  // namespace tinytb
