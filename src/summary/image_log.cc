// tinytb: image summaries (TF2 form: DT_STRING [2 + k] of width, height, k images).
#include <string.h>

#include "format/names.h"
#include "png/png_batch.h"
#include "summary/summary.h"
#include "tinytb/writer/event_writer.h"
#include "writer/writer_summary.h"

namespace tinytb {
namespace {

void make_images(const detail::StringSource& strings, detail::SummarySpec* spec) {
  spec->plugin_name = "images";
  spec->data_class = detail::DataClass::kBlobSequence;
  spec->tensor = detail::TensorSpec{};
  spec->tensor.dtype = detail::DType::kString;
  spec->tensor.rank = 1;
  spec->tensor.dims[0] = static_cast<int64_t>(strings.count);
  spec->tensor.strings = strings;
}

// ---- pre-encoded files -------------------------------------------------------------------

uint32_t be16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }

constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

// The size a PNG (its IHDR, which must come first) or a baseline/progressive JPEG (its
// SOFn marker) declares. False for anything else or for a header cut short.
bool encoded_size(const uint8_t* p, size_t n, uint32_t* width, uint32_t* height) {
  if (n >= 24 && memcmp(p, kPngSignature, 8) == 0) {
    if (be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0) return false;
    *width = be32(p + 16);
    *height = be32(p + 20);
    return true;
  }
  if (n < 4 || p[0] != 0xFF || p[1] != 0xD8 || p[2] != 0xFF) return false;
  size_t pos = 2;
  while (pos + 4 <= n) {
    if (p[pos] != 0xFF) return false;
    const uint8_t marker = p[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // markers without a length
      pos += 2;
      continue;
    }
    const uint32_t length = be16(p + pos + 2);
    if (length < 2) return false;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (length < 7 || pos + 9 > n) return false;
      *height = be16(p + pos + 5);
      *width = be16(p + pos + 7);
      return true;
    }
    if (marker == 0xDA || marker == 0xD9) return false;  // scan data or the end before any frame header
    pos += 2 + length;
  }
  return false;
}

struct EncodedBatch {
  const EncodedImage* images;
  size_t count;
  char width_text[12];
  char height_text[12];
};

detail::Blob encoded_at(const void* context, size_t index) {
  const EncodedBatch* b = static_cast<const EncodedBatch*>(context);
  detail::Blob blob;
  if (index < 2) {
    const char* text = index == 0 ? b->width_text : b->height_text;
    blob.data = reinterpret_cast<const uint8_t*>(text);
    blob.size = strlen(text);
  } else {
    blob.data = b->images[index - 2].data;
    blob.size = b->images[index - 2].size;
  }
  return blob;
}

Status place_images(void* context, uint8_t* payload, size_t bytes) {
  return static_cast<PngBatch*>(context)->place(payload, bytes);
}

void decimal(char* out, uint32_t v) {
  size_t pos = 0;
  (void)detail::append_decimal(out, 12, &pos, v, 1);
}

}  // namespace

Status EventWriterBase::log_images(detail::TagRef tag, int64_t step, const ImageView* views, size_t count,
                                   PngEncoderBase& png) {
  if (!is_open()) return Status::kNotOpen;
  PngBatch batch;
  Status s = batch.begin(png, views, count);
  if (s != Status::kOk) return s;
  Summary summary;
  make_images(batch.strings(), &summary.spec);
  if (batch.deflate) {  // compressed into the queue once there is room for the record
    summary.place = place_images;
    summary.place_context = &batch;
  }
  s = log_summary(tag, step, summary);
  // A compressed image that failed while the record was being sized stopped the event
  // encoder (kEncodeError): the batch knows the real reason.
  if (s != Status::kOk && batch.status != Status::kOk) s = batch.status;
  batch.end();
  return s;
}

Status EventWriterBase::log_encoded_images(detail::TagRef tag, int64_t step, const EncodedImage* images,
                                           size_t count, uint32_t width, uint32_t height) {
  if (images == nullptr || count == 0 || width == 0 || height == 0) return Status::kInvalidArgument;
  for (size_t i = 0; i < count; ++i) {
    uint32_t w = 0, h = 0;
    if (images[i].data == nullptr || !encoded_size(images[i].data, images[i].size, &w, &h) || w != width ||
        h != height) {
      return Status::kInvalidArgument;
    }
  }
  EncodedBatch batch{images, count, {}, {}};
  decimal(batch.width_text, width);
  decimal(batch.height_text, height);
  detail::StringSource strings;
  strings.count = 2 + count;
  strings.context = &batch;
  strings.at = encoded_at;
  Summary summary;
  make_images(strings, &summary.spec);
  return log_summary(tag, step, summary);
}

Status EventWriterBase::image(const char* tag, int64_t step, const ImageView& view, PngEncoderBase& png) {
  return log_images(detail::TagRef{nullptr, tag}, step, &view, 1, png);
}

Status EventWriterBase::images(const char* tag, int64_t step, const ImageView* views, size_t count,
                               PngEncoderBase& png) {
  return log_images(detail::TagRef{nullptr, tag}, step, views, count, png);
}

Status EventWriterBase::encoded_image(const char* tag, int64_t step, const EncodedImage& image, uint32_t width,
                                      uint32_t height) {
  return log_encoded_images(detail::TagRef{nullptr, tag}, step, &image, 1, width, height);
}

Status EventWriterBase::encoded_images(const char* tag, int64_t step, const EncodedImage* images, size_t count,
                                       uint32_t width, uint32_t height) {
  return log_encoded_images(detail::TagRef{nullptr, tag}, step, images, count, width, height);
}

Status Scope::image(const char* name, int64_t step, const ImageView& view, PngEncoderBase& png) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_images(ref(name), step, &view, 1, png);
}

Status Scope::images(const char* name, int64_t step, const ImageView* views, size_t count, PngEncoderBase& png) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_images(ref(name), step, views, count, png);
}

Status Scope::encoded_image(const char* name, int64_t step, const EncodedImage& image, uint32_t width,
                            uint32_t height) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_encoded_images(ref(name), step, &image, 1, width, height);
}

Status Scope::encoded_images(const char* name, int64_t step, const EncodedImage* images, size_t count,
                             uint32_t width, uint32_t height) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_encoded_images(ref(name), step, images, count, width, height);
}

}  // namespace tinytb
