// tinytb: image summaries (TF2 form: DT_STRING [2 + k] of width, height, k images).
#include "summary/image_summary.h"

#include <string.h>

#include "base/bytes.h"
#include "format/names.h"
#include "png/png_framing.h"

namespace tinytb {
namespace detail {
namespace {

void make_image_spec(size_t count, const void* context, Blob (*at)(const void*, size_t), SummarySpec* spec) {
  spec->plugin_name = "images";
  spec->data_class = DataClass::kBlobSequence;
  spec->tensor = TensorSpec{};
  spec->tensor.dtype = DType::kString;
  spec->tensor.rank = 1;
  spec->tensor.dims[0] = static_cast<int64_t>(2 + count);
  spec->tensor.strings.count = 2 + count;
  spec->tensor.strings.context = context;
  spec->tensor.strings.at = at;
}

void decimal(char* out, uint32_t v) {
  size_t pos = 0;
  (void)append_decimal(out, 12, &pos, v, 1);
}

// Strings 0 and 1: "<width>", "<height>".
Blob size_text(const char* width_text, const char* height_text, size_t index) {
  const char* text = index == 0 ? width_text : height_text;
  Blob blob;
  blob.data = reinterpret_cast<const uint8_t*>(text);
  blob.size = strlen(text);
  return blob;
}

// ---- images encoded by a PngEncoderBase ---------------------------------------------------

bool write_out(void* context, const uint8_t* data, size_t size) {
  return static_cast<ByteOut*>(context)->write(data, size);
}

bool produce_png(const void* context, size_t index, ByteOut* out) {
  // The source is the logging call's own object; the string source hands it out as const only.
  ImageSource* source = const_cast<ImageSource*>(static_cast<const ImageSource*>(context));
  return index >= 2 && source->batch.write_png(index - 2, ByteWriter{write_out, out});
}

Blob png_at(const void* context, size_t index) {
  ImageSource* source = const_cast<ImageSource*>(static_cast<const ImageSource*>(context));
  if (index < 2) return size_text(source->width_text, source->height_text, index);
  PngBatch& batch = source->batch;
  const size_t i = index - 2;
  Blob blob;
  if (batch.prepare(i) != Status::kOk) {
    blob.size = 1;  // no data and no producer: the event encoder stops, end_images() reports why
    return blob;
  }
  // tinytb's deflate before place(): the bound, for sizing only (write_png() refuses).
  blob.size = batch.png_bytes(i);
  blob.data = batch.png_data(i);
  if (blob.data == nullptr) blob.produce = produce_png;
  return blob;
}

Status place_pngs(void* context, uint8_t* payload, size_t bytes) {
  return static_cast<ImageSource*>(context)->batch.place(payload, bytes);
}

Status measure_pngs(void* context, uint8_t* window, size_t bytes) {
  return static_cast<ImageSource*>(context)->batch.measure(window, bytes);
}

// ---- files already encoded -----------------------------------------------------------------

bool jpeg_declared_size(const uint8_t* p, size_t n, uint32_t* width, uint32_t* height) {
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
    const uint32_t length = get_be16(p + pos + 2);
    if (length < 2) return false;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (length < 7 || pos + 9 > n) return false;
      *height = get_be16(p + pos + 5);
      *width = get_be16(p + pos + 7);
      return true;
    }
    if (marker == 0xDA || marker == 0xD9) return false;  // scan data or the end before any frame header
    pos += 2 + length;
  }
  return false;
}

Blob encoded_at(const void* context, size_t index) {
  const EncodedSource* source = static_cast<const EncodedSource*>(context);
  if (index < 2) return size_text(source->width_text, source->height_text, index);
  Blob blob;
  blob.data = source->images[index - 2].data;
  blob.size = source->images[index - 2].size;
  return blob;
}

}  // namespace

Status make_images(PngEncoderBase& png, const ImageView* views, size_t count, ImageSource* source,
                   SummarySpec* spec, PlaceHook* place, StreamHook* stream) {
  const Status s = source->batch.begin(png, views, count);
  if (s != Status::kOk) return s;
  decimal(source->width_text, source->batch.width);
  decimal(source->height_text, source->batch.height);
  make_image_spec(count, source, png_at, spec);
  *place = PlaceHook{};
  *stream = StreamHook{};
  if (source->batch.deflate) {  // compressed into the queue once there is room for the record
    place->place = place_pngs;
    place->context = source;
    // or, for a record beyond the queue, deflated twice: counted, then streamed
    stream->measure = measure_pngs;
    stream->context = source;
    stream->window_bytes = png_stream_window_bytes(png.limits().mode);
  }
  return Status::kOk;
}

Status end_images(ImageSource* source, Status logged) {
  const Status s = logged != Status::kOk && source->batch.status != Status::kOk ? source->batch.status : logged;
  source->batch.end();
  return s;
}

bool encoded_image_size(const uint8_t* data, size_t size, uint32_t* width, uint32_t* height) {
  return png_declared_size(data, size, width, height) || jpeg_declared_size(data, size, width, height);
}

Status make_encoded_images(const EncodedImage* images, size_t count, uint32_t width, uint32_t height,
                           EncodedSource* source, SummarySpec* spec) {
  if (images == nullptr || count == 0 || width == 0 || height == 0) return Status::kInvalidArgument;
  for (size_t i = 0; i < count; ++i) {
    uint32_t w = 0, h = 0;
    if (images[i].data == nullptr || !encoded_image_size(images[i].data, images[i].size, &w, &h) || w != width ||
        h != height) {
      return Status::kInvalidArgument;
    }
  }
  source->images = images;
  decimal(source->width_text, width);
  decimal(source->height_text, height);
  make_image_spec(count, source, encoded_at, spec);
  return Status::kOk;
}

void make_classic_images(uint32_t width, uint32_t height, int32_t colorspace, SummarySpec* spec) {
  ClassicSpec& c = spec->classic;
  c = ClassicSpec{};
  c.kind = ValueKind::kImage;
  c.first = 2;  // after "<width>", "<height>"
  c.items = spec->tensor.strings.count - 2;
  c.suffix = "/image/";
  c.width = static_cast<int32_t>(width);
  c.height = static_cast<int32_t>(height);
  c.colorspace = colorspace;
  spec->plugin_name = nullptr;
}

int32_t encoded_colorspace(const uint8_t* p, size_t n) {
  uint32_t w = 0, h = 0;
  if (png_declared_size(p, n, &w, &h) && n > 25) {
    switch (p[25]) {  // IHDR colour type
      case 0: return 1;
      case 4: return 2;
      case 6: return 4;
      default: return 3;
    }
  }
  // JPEG: the component count follows the SOFn marker's precision, height and width.
  for (size_t pos = 2; pos + 10 <= n && p[pos] == 0xFF;) {
    const uint8_t marker = p[pos + 1];
    if (marker == 0xFF) {
      ++pos;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
      pos += 2;
      continue;
    }
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      return p[pos + 9] == 1 ? 1 : 3;
    }
    if (marker == 0xDA || marker == 0xD9) break;
    pos += 2 + get_be16(p + pos + 2);
  }
  return 3;
}

}  // namespace detail
}  // namespace tinytb
