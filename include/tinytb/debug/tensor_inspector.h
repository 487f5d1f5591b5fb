// tinytb: a tensor inspector. One call logs what a tensor holds: its statistics as scalars,
// its histogram, and its channels as a tiled image (docs/debugging.md).
//
//   static tinytb::Histogram<30> hist;
//   static tinytb::StaticCanvas<200, 200, tinytb::CanvasFormat::kRgb888> canvas;
//   static tinytb::PngEncoder<200, 200, 3, tinytb::PngMode::kCompressed> png;
//   static tinytb::TensorInspector inspector{writer, hist, &canvas, &png};
//   const TfLiteTensor* t = interpreter.output(0);
//   (void)inspector.inspect("model/logits", step, {t->data.int8, 12, {t->params.scale, t->params.zero_point}});
//   // A feature map, HWC 12x12x8: the same, plus the 8 channels as one image.
//   (void)inspector.inspect("model/conv1", step, fmap, tinytb::HwcShape{12, 12, 8});
//
// Under "<prefix>/" it logs (for the tag "<prefix>/<name>"):
//   min, max, mean, std        scalars, the reals of values.h (std is the population one, as
//                              numpy.std); over the finite values;
//   zero_fraction              values that are exactly 0 (integers: q == zero_point);
//   saturated_fraction         integers only: values at the type's limits (int8 -128 or 127,
//                              uint8 0 or 255, int16 and int32 likewise), where a quantised
//                              layer clips; not logged for float tensors;
//   histogram                  histogram.h's TF2 rule over the values, with the borrowed
//                              histogram's capacity of buckets;
//   channels                   with a shape and a canvas and an encoder: every channel as a
//                              tile of one image, drawn by render/charts.h's draw_feature_maps()
//                              (options: feature_map_options()).
// The layer-by-layer mode, layer(step, index, name, tensor, shape), logs the same under
// "layers/<index, 2 digits or more>_<name>/", for an application's per-operator hook
// (TensorFlow Lite Micro: a MicroProfilerInterface whose EndEvent() reads the op's output
// tensor; docs/debugging.md shows it). The library knows no interpreter.
//
// Statistics are computed in float and integer arithmetic only (no double): integer sums
// are exact (int64), the variance is a second pass over the values in float, summed in
// blocks so that a large tensor keeps about float precision.
//
// Statuses: the arguments are checked first (nothing logged on kInvalidArgument); then the
// values are logged in the order above and the first writer error stops the call and is
// returned: the values before it stay logged. Tags: up to 8 per prefix; a tag longer than
// 96 bytes is refused (kInvalidTag).
// The inspector keeps references to the writer, the histogram, the canvas and the encoder:
// they must outlive it. Nothing allocates. Not thread-safe.
#ifndef TINYTB_DEBUG_TENSOR_INSPECTOR_H_
#define TINYTB_DEBUG_TENSOR_INSPECTOR_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/png/png_encoder.h"
#include "tinytb/render/canvas.h"
#include "tinytb/render/charts.h"
#include "tinytb/status.h"
#include "tinytb/summary/histogram.h"
#include "tinytb/values.h"
#include "tinytb/writer/event_writer.h"

namespace tinytb {

struct TensorStats {
  float min = 0.0f;
  float max = 0.0f;
  float mean = 0.0f;
  float std = 0.0f;
  float zero_fraction = 0.0f;
  float saturated_fraction = 0.0f;  // 0 for float tensors
  uint32_t count = 0;               // finite values the statistics are over
  uint32_t nonfinite = 0;           // float NaN and infinities (skipped)
};

// The statistics of any Values (float32, int8, uint8, int16, int32). kInvalidArgument for
// null data, count 0 or above 2^32 - 1, a bad scale, or no finite value at all.
Status tensor_stats(const Values& tensor, TensorStats* stats);

class TensorInspector {
 public:
  // The longest layer name kept (longer names are cut); characters outside [A-Za-z0-9_.-]
  // become '_' (TensorFlow Lite Micro's op names, "CONV_2D", pass as they are).
  static constexpr size_t kMaxLayerName = 32;

  // canvas and png may be null: no channel image then.
  TensorInspector(EventWriterBase& writer, HistogramBase& histogram, Canvas* canvas = nullptr,
                  PngEncoderBase* png = nullptr)
      : writer_(writer), histogram_(histogram), canvas_(canvas), png_(png) {}
  TensorInspector(const TensorInspector&) = delete;
  TensorInspector& operator=(const TensorInspector&) = delete;

  FeatureMapOptions& feature_map_options() { return map_options_; }

  // `shape` HWC; {0, 0, 0} (the default) logs no image. A shape given must match the count
  // (height * width * channels == tensor.count), else kInvalidArgument.
  // Errors: kInvalidArgument (null prefix, tensor_stats()'s), kInvalidTag (a prefix that
  // makes a tag invalid or longer than 96 bytes), the writer's errors, the
  // canvas's kTooLarge (the tiles do not fit it: feature_maps_size() tells the size first),
  // the encoder's.
  Status inspect(const char* prefix, int64_t step, const Values& tensor, HwcShape shape = HwcShape{0, 0, 0});
  // The same under "layers/<index>_<name>/". kInvalidArgument for a null name.
  Status layer(int64_t step, uint32_t index, const char* name, const Values& tensor,
               HwcShape shape = HwcShape{0, 0, 0});

  // The statistics of the last call that got as far as computing them.
  const TensorStats& last_stats() const { return stats_; }

 private:
  static constexpr size_t kMaxTag = 96;  // a debug tag's limit (src/debug/debug_text.h)
  const char* tag(const char* prefix, const char* name);
  Status log_stats(const char* prefix, int64_t step, const Values& tensor);
  void set_layer_prefix(uint32_t index, const char* name);

  EventWriterBase& writer_;
  HistogramBase& histogram_;
  Canvas* canvas_;
  PngEncoderBase* png_;
  FeatureMapOptions map_options_;
  TensorStats stats_;
  // The tags live here rather than on the stack: below them inspect() logs a compressed
  // image, the deepest logging call there is (docs/firmware.md, "The stack").
  char prefix_[kMaxTag + 1] = {};
  char tag_[kMaxTag + 1] = {};
};

}  // namespace tinytb

#endif  // TINYTB_DEBUG_TENSOR_INSPECTOR_H_
