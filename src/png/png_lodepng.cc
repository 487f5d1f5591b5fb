// tinytb: PngMode::kLodepng, lodepng's deflate in a PNG encoder's arena. In a file of its
// own so that only an application that names png_lodepng_mode (PngEncoder<..., kLodepng>
// does, png_encoder.h) links it and lodepng: about 6 KB of flash a firmware without the mode
// does not carry. Build files compile it with lodepng (CMake: TINYTB_WITH_LODEPNG, target
// tinytb::lodepng; docs/firmware.md, "lodepng only when used").
#include "png/lodepng_config.h"
#include "png/png_batch.h"
#include "png/png_checksum.h"
#include "png/png_deflate.h"
#include "png/png_framing.h"

namespace tinytb {

using detail::adler32_update;

Status png_lodepng_mode(PngBatch& batch) { return batch.lodepng_next(); }

// Every image of the batch up to this one is in the arena already (kept_end_); this one
// is filtered whole into the arena's end, deflated by lodepng below its own allocations,
// and kept as its zlib stream for emit().
Status PngBatch::lodepng_next() {
  const size_t i = encoded;
  const size_t row_bytes = static_cast<size_t>(width) * channels;
  const size_t stored = png_sizing::stored_deflate_bytes(filtered_bytes_);

  // Rows, converted and filtered one at a time into the filtered image.
  detail::RowReader reader;
  detail::prepare_rows(views[i], scratch_, sums_, &reader);
  uint32_t adler = detail::kAdler32Init;
  uint8_t* out = filtered_;
  const uint8_t* prev = nullptr;
  for (uint32_t y = 0; y < height; ++y) {
    uint8_t* row = (y & 1) != 0 ? prev_ : row_;  // the two row buffers in turn: the filters read the row above
    detail::read_row(reader, y, row);
    detail::png_filter_row(row, prev, row_bytes, channels, out);
    adler = adler32_update(adler, out, 1 + row_bytes);
    out += 1 + row_bytes;
    prev = row;
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
    detail::MemoryWriter memory{stream, stored, 0};
    detail::StoredDeflate blocks(memory.writer(), filtered_bytes_);
    if (!blocks.put(filtered_, filtered_bytes_)) {
      status = Status::kEncodeError;
      return status;
    }
    stream_bytes = memory.size;
    ++encoder->stored_fallbacks_;
  }
  slots_[i] = Slot{static_cast<uint32_t>(stream - base_), static_cast<uint32_t>(stream_bytes), adler, 0, nullptr, 0};
  kept_end_ = stream + png_sizing::round8(stream_bytes);
  ++encoded;
  return Status::kOk;
}

}  // namespace tinytb
