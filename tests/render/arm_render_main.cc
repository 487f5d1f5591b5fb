// tinytb: every rendering call, linked for Cortex-M4 with no startup files and no heap.
// tests/target/check_no_heap.sh asks `nm` whether anything pulled in malloc, free,
// _sbrk, operator new/delete or a __cxa_* function; tests/render/arm_report.sh prints the
// renderer's code size and stack use from the same build. Linked, not run.
#include "tinytb/render/canvas.h"
#include "tinytb/render/charts.h"
#include "tinytb/render/colormap.h"

namespace {

tinytb::StaticCanvas<160, 160, tinytb::CanvasFormat::kRgb888> g_canvas;
tinytb::StaticCanvas<96, 96, tinytb::CanvasFormat::kGray8> g_gray;
uint8_t g_frame[96 * 96];
int8_t g_activations[24 * 24 * 8];
uint32_t g_counts[4 * 4];
uint8_t g_mask[48 * 48];

int run() {
  using tinytb::Status;
  for (size_t i = 0; i < sizeof(g_frame); ++i) g_frame[i] = static_cast<uint8_t>(i * 7);
  for (size_t i = 0; i < sizeof(g_activations); ++i) g_activations[i] = static_cast<int8_t>(i * 3);
  for (size_t i = 0; i < 16; ++i) g_counts[i] = static_cast<uint32_t>(i % 5 == 0 ? 40 : i);
  const tinytb::ImageView frame = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, g_frame, 96, 96);

  const char* const names[4] = {"cat", "dog", "bird", "frog"};
  tinytb::ConfusionMatrixOptions cm;
  cm.class_names = names;
  if (tinytb::draw_confusion_matrix(g_canvas, g_counts, 4, cm) != Status::kOk) return 1;

  tinytb::FeatureMapOptions fm;
  fm.labels = true;
  if (tinytb::draw_feature_maps(g_canvas, tinytb::Values(g_activations, sizeof(g_activations), {0.05f, -3}),
                                {24, 24, 8}, fm) != Status::kOk) {
    return 2;
  }
  const tinytb::ImageView tiles[4] = {frame, frame.cropped(0, 0, 48, 48), frame.downscaled(2), frame};
  const char* const labels[4] = {"a", "b", "c", "d"};
  tinytb::GridOptions grid;
  grid.labels = labels;
  grid.cell_width = 48;
  grid.cell_height = 48;
  if (tinytb::draw_grid(g_canvas, tiles, 4, grid) != Status::kOk) return 3;
  tinytb::ConcatOptions concat;
  concat.titles = labels;
  concat.extent = 48;
  if (tinytb::draw_concat(g_canvas, tiles, 3, concat) != Status::kOk) return 4;

  if (g_canvas.resize(96, 96) != Status::kOk) return 5;
  if (tinytb::draw_image(g_canvas, tinytb::Rect{0, 0, 96, 96}, frame) != Status::kOk) return 6;
  const tinytb::Detection det{{10, 10, 40, 60}, 1, 0.9f};
  tinytb::DetectionOptions detections;
  if (tinytb::draw_detections(g_canvas, &det, 1, detections) != Status::kOk) return 7;
  if (tinytb::blend_mask(g_canvas, g_mask, 48, 48, tinytb::MaskOptions{}) != Status::kOk) return 8;
  tinytb::draw_color_bar(g_gray, tinytb::Rect{0, 0, 8, 96}, tinytb::ColorMap::kDiverging);
  if (tinytb::draw_text(g_gray, 10, 10, "gray 0.5", tinytb::TextStyle{}) != Status::kOk) return 9;
  return tinytb::box_from_normalized(0.1f, 0.1f, 0.5f, 0.5f, 96, 96).width == 38 ? 0 : 10;
}

}  // namespace

extern "C" {
volatile int g_result;

[[noreturn]] void Reset_Handler() {
  g_result = run();
  for (;;) {
  }
}
}
