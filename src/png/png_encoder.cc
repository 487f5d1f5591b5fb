// tinytb: PNG files from image views, stored, deflated by tinytb's own deflate, or by
// lodepng (src/png/png_lodepng.cc, only when the application asks for it), in a fixed arena.
#include "tinytb/png/png_encoder.h"

#include "png/png_batch.h"
#include "png/png_checksum.h"
#include "png/png_deflate.h"
#include "png/png_framing.h"

namespace tinytb {
namespace {

using detail::ArenaHeap;

static_assert(sizeof(PngBatch::Slot) <= png_sizing::kSlotBytes, "kSlotBytes too small");
static_assert(detail::kLutBytes + detail::kChunkPixels * 4 <= png_sizing::kScratchBytes, "kScratchBytes too small");

using detail::adler32_update;

// The public bound of tinytb's deflate state (png_arena_bytes) holds, and stays close.
static_assert(sizeof(detail::DeflateState) <= png_sizing::kDeflateStateBytes, "kDeflateStateBytes too small");
static_assert(png_sizing::kDeflateStateBytes - sizeof(detail::DeflateState) <= 160, "kDeflateStateBytes too loose");
static_assert(TINYTB_DEFLATE_BUFFER == detail::kDeflateBuffer && TINYTB_DEFLATE_MAX_RUNS == detail::kDeflateMaxMatches,
              "png_encoder.h and png_deflate.h disagree on the deflate's buffers");

static_assert(png_stream_window_bytes(PngMode::kCompressed) >= detail::kDeflateStreamWindow,
              "png_stream_window_bytes() below the deflate's streamed window");

// The sizing pass: the deflate's pieces are counted (by the deflate itself), not kept.
bool discard(void*, const uint8_t*, size_t) { return true; }

// The writing pass: the deflate's pieces go into the PNG's IDAT as they come.
bool to_png(void* context, const uint8_t* data, size_t size) {
  detail::PngWriter* png = static_cast<detail::PngWriter*>(context);
  png->stream(data, size);
  return png->ok();
}

static_assert(detail::kPngFramingBytes == png_max_bytes(1, 1, 1) - png_sizing::stored_deflate_bytes(2),
              "png_max_bytes() counts the framing png_framing.h writes");

uint8_t* align8(uint8_t* p) {
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  return p + ((8 - (a & 7)) & 7);
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
  if (lim.mode == PngMode::kLodepng && lim.lodepng == nullptr) return Status::kUnsupported;  // not linked
  // The arena: what png_arena_bytes() counts (without its alignment slack), and the layout
  // itself, checked on its own in case that sum wrapped on a 32-bit target for absurd limits.
  uint8_t* base = enc.arena_ == nullptr ? nullptr : align8(enc.arena_);
  const size_t lost = static_cast<size_t>(base - enc.arena_);
  const size_t usable = enc.arena_bytes_ < lost ? 0 : (enc.arena_bytes_ - lost) & ~static_cast<size_t>(7);
  const bool lode = lim.mode == PngMode::kLodepng;
  const bool own = lim.mode == PngMode::kFast || lim.mode == PngMode::kCompressed;
  const size_t row_bytes = png_sizing::round8(static_cast<size_t>(w) * ch);
  const size_t front = image_count * png_sizing::kSlotBytes + png_sizing::kScratchBytes + row_bytes +
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
  base_ = base;
  uint8_t* p = base;
  slots_ = reinterpret_cast<Slot*>(p);
  p += count * png_sizing::kSlotBytes;
  scratch_ = p;
  p += png_sizing::kScratchBytes;
  sums_ = nullptr;  // down-scaling sums live on read_row()'s stack (image_convert.cc)
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
  // lodepng's deflate is in its own file (src/png/png_lodepng.cc), reached only through the
  // hook the application named (PngLimits::lodepng): firmware without the mode links none of it.
  const PngLodepngHook hook = encoder->limits_.lodepng;
  status = hook != nullptr ? hook(*this) : Status::kUnsupported;
  return status;
}

// The frame goes to the deflate, for both passes: read in place, whole, when the view needs
// no conversion (the deflate may read a block's rows twice: png_deflate_frame()), otherwise
// row by row, converted into the two row buffers in turn (the filters read the row above).
// Stops at the deflate's first error and returns it.
Status PngBatch::deflate_rows(detail::DeflateState* state, const detail::RowReader& reader) {
  const uint8_t* const first = TINYTB_DEFLATE_FRAME_BLOCKS ? detail::direct_row(reader, 0) : nullptr;
  if (first != nullptr) {
    const ptrdiff_t stride =
        height > 1 ? detail::direct_row(reader, 1) - first : static_cast<ptrdiff_t>(width) * channels;
    return detail::png_deflate_frame(state, first, stride);
  }
  Status s = Status::kOk;
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
  return s;
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
  if (s == Status::kOk) s = deflate_rows(state, reader);
  if (s == Status::kOk) s = detail::png_deflate_end(state, size);
  if (s == Status::kOk) {
    ++encoder->images_encoded_;
    return Status::kOk;
  }
  if (s != Status::kTooLarge) return Status::kEncodeError;  // the arguments were checked: a bug
  // The compressed PNG did not fit: store it, if that fits.
  if (capacity < stored) return Status::kTooLarge;
  detail::MemoryWriter memory{out, capacity, 0};
  if (!emit(i, memory.writer()) || memory.size != stored) return Status::kEncodeError;
  ++encoder->images_encoded_;
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

Status PngBatch::deflate_stream(size_t i, ByteWriter drain, size_t* stream_bytes, uint32_t* adler) {
  detail::DeflateState* state = static_cast<detail::DeflateState*>(state_);
  const detail::DeflateLevel level =
      encoder->limits_.mode == PngMode::kFast ? detail::DeflateLevel::kFast : detail::DeflateLevel::kDefault;
  detail::RowReader reader;
  detail::prepare_rows(views[i], scratch_, sums_, &reader);
  Status s = detail::png_deflate_begin_stream(state, width, height, channels, level, window_, window_bytes_, drain);
  if (s == Status::kOk) s = deflate_rows(state, reader);
  // The deflate stops at a failed drain; end_stream() says which failure it was.
  if (s == Status::kOk || s == Status::kTooLarge) s = detail::png_deflate_end_stream(state, stream_bytes, adler);
  return s;
}

Status PngBatch::measure(uint8_t* window, size_t bytes) {
  if (status != Status::kOk) return status;
  if (!deflate || placed || window == nullptr || bytes < png_stream_window_bytes(encoder->limits_.mode)) {
    status = Status::kEncodeError;
    return status;
  }
  window_ = window;
  window_bytes_ = bytes;
  const size_t stored = png_max_bytes(width, height, channels);
  for (size_t i = 0; i < count; ++i) {
    size_t stream = 0;
    uint32_t adler = 0;
    const Status s = deflate_stream(i, ByteWriter{discard, nullptr}, &stream, &adler);
    if (s != Status::kOk) {
      status = s == Status::kTooLarge ? Status::kTooLarge : Status::kEncodeError;
      return status;
    }
    Slot& slot = slots_[i];
    slot = Slot{0, static_cast<uint32_t>(stream), adler, 0, nullptr, 0};
    // As deflate_into(): never more than the stored PNG, the bound every size relies on.
    slot.stored = stream + detail::kPngFramingBytes >= stored ? 1 : 0;
    slot.png_size = slot.stored != 0 ? stored : stream + detail::kPngFramingBytes;
  }
  measured = true;
  return Status::kOk;
}

Status PngBatch::prepare(size_t i) {
  while (compressed && encoded <= i && status == Status::kOk) (void)encode_next();
  return status;
}

size_t PngBatch::png_bytes(size_t i) const {
  if (deflate && (placed || measured)) return slots_[i].png_size;
  if (!compressed) return png_max_bytes(width, height, channels);
  return slots_[i].stream_bytes + detail::kPngFramingBytes;
}

const uint8_t* PngBatch::png_data(size_t i) const { return deflate && placed ? slots_[i].png : nullptr; }

bool PngBatch::write_png(size_t i, ByteWriter out) {
  if (deflate && !measured) return false;  // compressed into memory only (place, deflate_into)
  if (deflate && slots_[i].stored == 0) {
    // The writing pass: the same rows through the same deflate give the same stream, whose
    // length the head already declares; anything else is a bug, caught here.
    const Slot& slot = slots_[i];
    detail::PngWriter png(out);
    png.head(width, height, channels, slot.stream_bytes);
    size_t stream = 0;
    uint32_t adler = 0;
    const Status s = png.ok() ? deflate_stream(i, ByteWriter{to_png, &png}, &stream, &adler) : Status::kIoError;
    if (s == Status::kOk && (stream != slot.stream_bytes || adler != slot.adler)) {
      status = Status::kEncodeError;
      return false;
    }
    if (s != Status::kOk) {
      if (s != Status::kIoError) status = Status::kEncodeError;  // an output failure is the output's to report
      return false;
    }
    png.tail(adler);
    if (!png.ok()) return false;
    ++encoder->images_encoded_;
    return true;
  }
  const bool ok = emit(i, out);
  if (ok) {
    ++encoder->images_encoded_;
    if (deflate) ++encoder->stored_fallbacks_;
  }
  return ok;
}

bool PngBatch::emit(size_t i, ByteWriter out) {
  detail::PngWriter png(out);
  if (compressed) {
    const Slot& slot = slots_[i];
    png.head(width, height, channels, slot.stream_bytes);
    png.stream(base_ + slot.offset, slot.stream_bytes);
    png.tail(slot.adler);
    return png.ok();
  }
  // Generated as it is written: rows converted one by one, filter type 0 (none), in
  // stored blocks. Its size never depended on the pixels.
  const size_t row_bytes = static_cast<size_t>(width) * channels;
  const size_t total = png_sizing::filtered_bytes(width, height, channels);
  png.head(width, height, channels, png_sizing::stored_deflate_bytes(total));
  detail::StoredDeflate blocks(png.stream_writer(), total);
  detail::RowReader reader;
  detail::prepare_rows(views[i], scratch_, sums_, &reader);
  const uint8_t none = 0;
  for (uint32_t y = 0; y < height && png.ok(); ++y) {
    detail::read_row(reader, y, row_);
    (void)blocks.put(&none, 1);
    (void)blocks.put(row_, row_bytes);
  }
  png.tail(blocks.adler());
  return png.ok();
}

// ---- the encoder ------------------------------------------------------------------------------

PngEncoderBase::PngEncoderBase(uint8_t* arena, size_t arena_bytes, const PngLimits& limits)
    : arena_(arena),
      // The heap's block headers hold 32-bit offsets: more than 4 GiB would not be used anyway.
      arena_bytes_(arena == nullptr ? 0 : (arena_bytes > 0xFFFFFFF0u ? 0xFFFFFFF0u : arena_bytes)),
      limits_(limits) {}

PngEncoderBase::PngEncoderBase(uint8_t* arena, size_t arena_bytes, const PngLimits& limits,
                               const char* /*config: only its link matters*/)
    : PngEncoderBase(arena, arena_bytes, limits) {}

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
    detail::MemoryWriter memory{out, capacity, 0};
    if (!batch.write_png(0, memory.writer()) || memory.size != batch.png_bytes(0)) s = Status::kEncodeError;
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
