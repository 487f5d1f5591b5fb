// tinytb (internal): image summaries in TF2 form, as tf.summary.image writes them (and in
// the classic form: make_classic_images()):
// DT_STRING [2 + k] of "<width>", "<height>" and k image files (PNG or JPEG); plugin
// "images", data class BLOB_SEQUENCE. The builders fill a detail::SummarySpec from
// image views (encoded into PNGs by a PngEncoderBase) or from files already encoded.
//
// Ownership: the spec points into the inputs and into the state struct a builder fills
// (ImageSource, EncodedSource); the caller keeps all of them alive until the event is
// encoded. Nothing is copied, nothing allocated.
#ifndef TINYTB_SRC_SUMMARY_IMAGE_SUMMARY_H_
#define TINYTB_SRC_SUMMARY_IMAGE_SUMMARY_H_

#include <stddef.h>
#include <stdint.h>

#include "png/png_batch.h"
#include "summary/summary.h"
#include "tinytb/image/image_view.h"
#include "tinytb/png/png_encoder.h"
#include "tinytb/status.h"

namespace tinytb {
namespace detail {

// What the strings of an image summary read while the event is encoded; make_images()
// fills it, end_images() releases the encoder.
struct ImageSource {
  PngBatch batch;
  char width_text[12] = {};
  char height_text[12] = {};
};

// `count` views as `count` PNGs made by `png`. Checks the views against the encoder
// (kInvalidArgument: null views, count 0, a bad view, mixed sizes; kTooLarge: beyond
// png's limits or arena; kBusy) and takes it. On kOk `source`, `spec` and `place` are
// filled (place: tinytb's deflate compresses into the queue through it) and
// end_images() must follow once the event has been logged or refused; on an error
// nothing is taken and nothing is usable.
// `stream` is filled likewise: for tinytb's deflate, the sizing pass of a streamed record.
Status make_images(PngEncoderBase& png, const ImageView* views, size_t count, ImageSource* source,
                   SummarySpec* spec, PlaceHook* place, StreamHook* stream);

// Releases the encoder and returns the logging call's status: `logged` (what the writer
// returned), or, when an image failed to encode while the record was sized or placed
// (which stopped the event encoder), the reason the encoder gave.
Status end_images(ImageSource* source, Status logged);

// The size a PNG (its IHDR, which must come first) or a baseline/progressive JPEG (its
// SOFn marker) declares. False for anything else or for a header cut short.
bool encoded_image_size(const uint8_t* data, size_t size, uint32_t* width, uint32_t* height);

struct EncodedSource {
  const EncodedImage* images = nullptr;
  char width_text[12] = {};
  char height_text[12] = {};
};

// `count` files already encoded, written as they are. kInvalidArgument for null images,
// count 0, a zero width or height, or a file that is not a PNG or JPEG of width x height
// (encoded_image_size()). On kOk `source` and `spec` are filled; `images` and `source`
// must outlive the spec.
Status make_encoded_images(const EncodedImage* images, size_t count, uint32_t width, uint32_t height,
                           EncodedSource* source, SummarySpec* spec);

// After make_images() or make_encoded_images() returned kOk: the same images in the
// classic form, one Summary.Image each (height, width, colorspace, the file), tagged
// "<tag>/image/<i>" when there are several (TF1's naming; a Summary.Image holds one image).
// `colorspace`: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
void make_classic_images(uint32_t width, uint32_t height, int32_t colorspace, SummarySpec* spec);

// The colorspace a PNG's IHDR colour type or a JPEG's SOFn component count declares
// (3 when neither says: a palette PNG, an unusual JPEG).
int32_t encoded_colorspace(const uint8_t* data, size_t size);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_SUMMARY_IMAGE_SUMMARY_H_
