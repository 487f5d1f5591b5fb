// tinytb: the plots TensorBoard tutorials make with matplotlib, drawn on the device into
// a caller's canvas: image grids, images side by side, feature maps, a confusion matrix,
// detections and masks.
//
//   static tinytb::StaticCanvas<400, 400, tinytb::CanvasFormat::kRgb888> canvas;
//   tinytb::ConfusionMatrixOptions options;
//   options.class_names = kNames;
//   if (tinytb::draw_confusion_matrix(canvas, counts, 10, options) == tinytb::Status::kOk)
//     ... log canvas as an image ...
//
// Every chart: checks its arguments first (a bad one returns kInvalidArgument and draws
// nothing, the canvas keeps its shape); works out its layout; resizes the canvas to it
// (kTooLarge, nothing drawn, if the canvas's buffer cannot hold it); clears it to the
// background; draws. The *_size() functions give the layout's size first, so a static
// buffer can be sized for the worst case. Layout rules, with their numbers, are in
// docs/rendering.md. Nothing here allocates; the caller's data is read during the call only.
#ifndef TINYTB_CHARTS_H_
#define TINYTB_CHARTS_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/render/canvas.h"
#include "tinytb/render/colormap.h"
#include "tinytb/config.h"
#include "tinytb/image/image_view.h"
#include "tinytb/status.h"
#include "tinytb/values.h"

namespace tinytb {

struct Size {
  uint16_t width;
  uint16_t height;
};

// ---- images: draw, grid, side by side ------------------------------------------------------------
//
// Sources are ImageViews (any frame or tensor format, crop and down-scale included: see
// image_view.h), read one row at a time through the same conversion the PNG encoder
// uses, then scaled by nearest neighbour: destination column i shows source column
// i * source_width / destination_width (the same for rows), so integer zooms copy each
// pixel into an exact block. RGBA sources are blended over the canvas by their alpha.
//
// Reading a row needs scratch memory: 512 bytes, plus a row of the view's output
// (output_width * output_channels bytes), plus 4 bytes per such byte when the view is
// down-scaled. image_scratch_bytes() tells how much. By default the calls below use
// TINYTB_RENDER_STACK_SCRATCH bytes of stack (config.h, 2048: 512-pixel RGB rows, or
// 102-pixel RGB rows of a down-scaled view); pass a Scratch for wider images.
struct Scratch {
  uint8_t* data = nullptr;  // null: use the stack
  size_t size = 0;
};

// Scratch bytes reading `view` needs (0 for a view that fails validate()).
size_t image_scratch_bytes(const ImageView& view);

// Draws `view` scaled into `dest` (clipped to the canvas). The canvas is not resized.
// kInvalidArgument: canvas not bound, a bad view, an empty dest. kTooLarge: the scratch
// (given or default) is too small for the view's rows.
Status draw_image(Canvas& canvas, const Rect& dest, const ImageView& view, Scratch scratch = Scratch{});

struct GridOptions {
  uint16_t cols = 0;         // 0: ceil(sqrt(count))
  uint16_t cell_width = 0;   // each image is scaled to fit its cell, aspect ratio kept;
  uint16_t cell_height = 0;  // 0: the largest image's output size times zoom
  uint8_t zoom = 1;          // 1..16, only for a cell size of 0
  uint8_t gap = 2;           // between cells
  uint8_t margin = 2;        // around the grid
  const char* const* labels = nullptr;  // `count` labels under the cells (null entries: none)
  uint8_t text_scale = 1;
  Rgb background = kWhite;
  Scratch scratch;
};

// Tiles `count` images (torchvision's make_grid, the tutorials' plot of 25 samples).
// kInvalidArgument: canvas not bound, images null, count 0, a bad view, zoom 0 or above
// 16, text_scale 0 or too big. kTooLarge: the layout does not fit the canvas's buffer,
// or the scratch is too small.
Status grid_size(const ImageView* images, size_t count, const GridOptions& options, Size* size);
Status draw_grid(Canvas& canvas, const ImageView* images, size_t count, const GridOptions& options);

enum class Direction : uint8_t { kHorizontal, kVertical };

struct ConcatOptions {
  Direction direction = Direction::kHorizontal;
  // The common height (horizontal) or width (vertical) every image is scaled to, aspect
  // ratio kept; 0: the largest image's.
  uint16_t extent = 0;
  uint8_t gap = 4;
  uint8_t margin = 4;
  const char* const* titles = nullptr;  // `count` titles above the panels (null entries: none)
  uint8_t text_scale = 1;
  Rgb background = kWhite;
  Scratch scratch;
};

// Images side by side or stacked: input | model output | ground truth.
// Errors as draw_grid().
Status concat_size(const ImageView* images, size_t count, const ConcatOptions& options, Size* size);
Status draw_concat(Canvas& canvas, const ImageView* images, size_t count, const ConcatOptions& options);

// ---- feature maps ------------------------------------------------------------------------------

// An activation tensor in HWC order (TensorFlow Lite's NHWC with N = 1).
struct HwcShape {
  uint16_t height;
  uint16_t width;
  uint16_t channels;
};

enum class Normalization : uint8_t {
  kMinMax,     // each channel's min -> level 0, max -> 255
  kSymmetric,  // 0 -> the middle, each channel's max |v| -> the ends (use with kDiverging)
};

struct FeatureMapOptions {
  ColorMap map = ColorMap::kViridis;
  Normalization normalization = Normalization::kMinMax;
  uint16_t cols = 0;   // tiles a row; 0: ceil(sqrt(channels))
  uint8_t zoom = 1;    // 1..16: every value becomes a zoom x zoom block
  uint8_t gap = 2;     // between tiles
  uint8_t margin = 2;  // around the whole
  bool labels = false;  // the channel number under each tile
  uint8_t text_scale = 1;
  Rgb background = kWhite;
};

// `tensor` holds height * width * channels values (float32, or integers with their
// quantisation: see values.h), HWC. Each channel is normalised on its own (a constant
// channel is drawn at the map's low end, or its middle for kSymmetric; float NaN is
// magenta, +-inf the map's ends) and drawn as one tile of a grid.
// kInvalidArgument: canvas not bound, tensor.data null, tensor.count != h * w * c, a
// zero dimension, zoom 0 or above 16, text_scale 0 or above kMaxTextScale, a bad
// quantisation scale. kTooLarge: the layout does not fit the canvas's buffer.
Status feature_maps_size(HwcShape shape, const FeatureMapOptions& options, Size* size);
Status draw_feature_maps(Canvas& canvas, const Values& tensor, HwcShape shape, const FeatureMapOptions& options);

// ---- confusion matrix ----------------------------------------------------------------------------

enum class CellText : uint8_t {
  kNormalized,  // the row-normalised value, two decimals ("0.93"), as the tutorial
  kCount,       // the raw count
  kNone,
};

struct ConfusionMatrixOptions {
  const char* const* class_names = nullptr;  // `classes` names, or null: "0", "1", ...
  const char* title = "Confusion matrix";    // null or "": no title
  const char* x_label = "Predicted label";   // null or "": none
  const char* y_label = "True label";
  ColorMap map = ColorMap::kBlues;
  CellText cell_text = CellText::kNormalized;
  uint8_t text_scale = 1;
  uint16_t cell_size = 0;  // at least this many pixels a side; grows to fit the cell text
  bool color_bar = true;
  Rgb background = kWhite;
};

// counts[t * classes + p]: how many samples of true class t were predicted as p. Cells
// are shaded by the row-normalised value (recall on the diagonal); a row with no samples
// is drawn light gray with "-". kInvalidArgument: canvas not bound, counts null, classes
// 0 or above 256, text_scale 0 or too big. kTooLarge: as above.
Status confusion_matrix_size(const uint32_t* counts, size_t classes, const ConfusionMatrixOptions& options,
                             Size* size);
Status draw_confusion_matrix(Canvas& canvas, const uint32_t* counts, size_t classes,
                             const ConfusionMatrixOptions& options);

// ---- detections and masks ---------------------------------------------------------------------------

// A box in frame pixels, its class and its score (0..1 usually; printed as it is).
struct Detection {
  Rect box;
  uint16_t class_id;
  float score;
};

// The [ymin, xmin, ymax, xmax] in 0..1 of SSD-style models (TensorFlow Lite's detection
// postprocess) as a box on a frame_width x frame_height frame: x = round(xmin * w),
// right edge = round(xmax * w) (exclusive), the same for y; clamped to the frame.
Rect box_from_normalized(float ymin, float xmin, float ymax, float xmax, uint16_t frame_width,
                         uint16_t frame_height);

struct DetectionOptions {
  const char* const* class_names = nullptr;  // class_count names, or null: numbers
  size_t class_count = 0;
  float min_score = 0.0f;  // detections scoring less are not drawn
  uint8_t thickness = 2;   // box frame, in canvas pixels, inside the box
  uint8_t text_scale = 1;
  bool show_score = true;  // "person 0.87" or "person"
  // Frame pixels to canvas pixels: canvas = origin + frame * zoom (a frame drawn at 2x).
  int32_t origin_x = 0;
  int32_t origin_y = 0;
  uint8_t zoom = 1;
};

// Draws each box in its class's category_color() with a tag "<name> <score>" above its
// top-left corner (inside the box when there is no room above). Draws over whatever the
// canvas holds (the frame, usually); does not resize or clear it.
// kInvalidArgument: canvas not bound, detections null with count > 0, thickness, zoom or
// text_scale 0 (or text_scale too big), min_score NaN.
Status draw_detections(Canvas& canvas, const Detection* detections, size_t count, const DetectionOptions& options);

struct MaskOptions {
  uint8_t alpha = 128;            // 0: invisible .. 255: opaque class colors
  int16_t background_class = 0;   // this class is left unblended; -1 blends every class
  Rect destination = {0, 0, 0, 0};  // where the mask goes on the canvas; empty: the whole canvas
  const Rgb* palette = nullptr;   // palette_size colors indexed by class (cycled), or null: category_color()
  size_t palette_size = 0;
};

// Blends a segmentation mask (one class id a pixel, mask_width x mask_height, row-major)
// over the canvas, scaled to the destination by nearest neighbour: out = blend(pixel,
// class color, alpha). kInvalidArgument: canvas not bound, classes null, a zero mask
// dimension, palette null with palette_size > 0 or the reverse.
Status blend_mask(Canvas& canvas, const uint8_t* classes, uint16_t mask_width, uint16_t mask_height,
                  const MaskOptions& options);

}  // namespace tinytb

#endif  // TINYTB_CHARTS_H_
