// The tensor inspector (include/tinytb/debug/tensor_inspector.h): statistics against a
// double-precision reference computed here, the tags one call writes, the layer naming.
#include <gtest/gtest.h>

#include <math.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "event_reader.h"
#include "test_sink.h"
#include "tinytb/debug/tensor_inspector.h"

namespace {

using tinytb::Status;
using tinytb::TensorStats;

struct Reference {
  double min, max, mean, std, zero_fraction;
};

template <typename T>
Reference reference(const T* q, size_t n, double scale, int zero_point) {
  Reference r{1e300, -1e300, 0, 0, 0};
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double v = scale * (static_cast<double>(q[i]) - zero_point);
    r.min = v < r.min ? v : r.min;
    r.max = v > r.max ? v : r.max;
    sum += v;
    if (q[i] == zero_point) r.zero_fraction += 1;
  }
  r.mean = sum / static_cast<double>(n);
  double sq = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = scale * (static_cast<double>(q[i]) - zero_point) - r.mean;
    sq += d * d;
  }
  r.std = sqrt(sq / static_cast<double>(n));
  r.zero_fraction /= static_cast<double>(n);
  return r;
}

void expect_near_rel(double got, double want, double rel, const char* what) {
  EXPECT_NEAR(got, want, rel * (fabs(want) > 1 ? fabs(want) : 1.0)) << what;
}

TEST(TensorStats, Int8WithQuantisationAndSaturation) {
  const int8_t q[] = {-128, 3, 3, 127, 10, -7, 3, 0};
  TensorStats st;
  ASSERT_EQ(tinytb::tensor_stats({q, 8, {0.25f, 3}}, &st), Status::kOk);
  const Reference r = reference(q, 8, 0.25, 3);
  EXPECT_FLOAT_EQ(st.min, static_cast<float>(r.min));
  EXPECT_FLOAT_EQ(st.max, static_cast<float>(r.max));
  expect_near_rel(st.mean, r.mean, 1e-6, "mean");
  expect_near_rel(st.std, r.std, 1e-6, "std");
  EXPECT_FLOAT_EQ(st.zero_fraction, 3.0f / 8);  // q == zero_point 3 is the real 0
  EXPECT_FLOAT_EQ(st.saturated_fraction, 2.0f / 8);
  EXPECT_EQ(st.count, 8u);
}

TEST(TensorStats, Uint8AndInt16Limits) {
  const uint8_t u[] = {0, 255, 128, 128, 7};
  TensorStats st;
  ASSERT_EQ(tinytb::tensor_stats({u, 5, {0.5f, 128}}, &st), Status::kOk);
  EXPECT_FLOAT_EQ(st.zero_fraction, 2.0f / 5);
  EXPECT_FLOAT_EQ(st.saturated_fraction, 2.0f / 5);
  EXPECT_FLOAT_EQ(st.min, -64.0f);
  const int16_t s[] = {-32768, 5, 32767};
  ASSERT_EQ(tinytb::tensor_stats({s, 3}, &st), Status::kOk);
  EXPECT_FLOAT_EQ(st.saturated_fraction, 2.0f / 3);
}

TEST(TensorStats, FloatsSkipNonFiniteValues) {
  const float f[] = {1.0f, NAN, -2.0f, INFINITY, 0.0f, -0.0f, 4.0f};
  TensorStats st;
  ASSERT_EQ(tinytb::tensor_stats({f, 7}, &st), Status::kOk);
  EXPECT_EQ(st.count, 5u);
  EXPECT_EQ(st.nonfinite, 2u);
  EXPECT_FLOAT_EQ(st.min, -2.0f);
  EXPECT_FLOAT_EQ(st.max, 4.0f);
  EXPECT_FLOAT_EQ(st.mean, 0.6f);
  EXPECT_NEAR(st.std, sqrt((0.16 + 6.76 + 0.36 + 0.36 + 11.56) / 5), 1e-6);
  EXPECT_FLOAT_EQ(st.zero_fraction, 2.0f / 5);
  EXPECT_FLOAT_EQ(st.saturated_fraction, 0.0f);
}

TEST(TensorStats, LargeTensorsKeepFloatPrecision) {
  // A million values near 1000 with a spread of about 0.3: a single running float sum of the
  // squares would be off by far more than the tolerance below.
  static float f[1000000];
  uint32_t x = 12345;
  for (float& v : f) {
    x = x * 1664525u + 1013904223u;
    v = 1000.0f + static_cast<float>(x >> 8) / static_cast<float>(1u << 24) - 0.5f;
  }
  TensorStats st;
  ASSERT_EQ(tinytb::tensor_stats({f, 1000000}, &st), Status::kOk);
  double sum = 0, sq = 0;
  for (float v : f) sum += v;
  const double mean = sum / 1e6;
  for (float v : f) sq += (v - mean) * (v - mean);
  const double std = sqrt(sq / 1e6);
  EXPECT_NEAR(st.mean, mean, 1e-4 * mean);
  EXPECT_NEAR(st.std, std, 1e-3 * std);
}

TEST(TensorStats, BadArguments) {
  TensorStats st;
  const int8_t q[] = {1};
  const float nans[] = {NAN, INFINITY};
  EXPECT_EQ(tinytb::tensor_stats(tinytb::Values{}, &st), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::tensor_stats({q, 1}, nullptr), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::tensor_stats({q, 0}, &st), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::tensor_stats({q, 1, {-1.0f, 0}}, &st), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::tensor_stats({nans, 2}, &st), Status::kInvalidArgument);
}

class InspectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options = tinytb_test::tensor_form();
    options.max_queue = 1000;
    options.flush_millis = 0;
    ASSERT_EQ(writer.open(sink, options), Status::kOk);
  }
  std::vector<std::string> tags() {
    EXPECT_EQ(writer.flush(), Status::kOk);
    std::vector<std::string> out;
    for (const auto& e : tinytb_test::parse_file(sink.file(0).bytes).events) {
      for (const auto& v : e.values) out.push_back(v.tag);
    }
    return out;
  }
  tinytb_test::TestSink sink;
  tinytb::WriterOptions options;
  tinytb::EventWriter<32768, 64, 64> writer;
  tinytb::Histogram<10> hist;
  tinytb::StaticCanvas<64, 64, tinytb::CanvasFormat::kRgb888> canvas;
  tinytb::PngEncoder<64, 64, 3> png;
};

TEST_F(InspectorTest, OneCallLogsStatsHistogramAndChannels) {
  tinytb::TensorInspector inspector{writer, hist, &canvas, &png};
  int8_t fmap[4 * 4 * 3];
  for (int i = 0; i < 48; ++i) fmap[i] = static_cast<int8_t>(i * 4 - 100);
  ASSERT_EQ(inspector.inspect("model/conv1", 3, {fmap, 48, {0.1f, -4}}, tinytb::HwcShape{4, 4, 3}), Status::kOk);
  EXPECT_EQ(tags(), (std::vector<std::string>{"model/conv1/min", "model/conv1/max", "model/conv1/mean",
                                              "model/conv1/std", "model/conv1/zero_fraction",
                                              "model/conv1/saturated_fraction", "model/conv1/histogram",
                                              "model/conv1/channels"}));
  EXPECT_FLOAT_EQ(inspector.last_stats().min, 0.1f * -96);
}

TEST_F(InspectorTest, FloatsHaveNoSaturationAndNoShapeMeansNoImage) {
  tinytb::TensorInspector inspector{writer, hist};
  const float f[] = {0.5f, -1.0f, 2.0f};
  ASSERT_EQ(inspector.inspect("logits", 1, {f, 3}), Status::kOk);
  EXPECT_EQ(tags(), (std::vector<std::string>{"logits/min", "logits/max", "logits/mean", "logits/std",
                                              "logits/zero_fraction", "logits/histogram"}));
}

TEST_F(InspectorTest, LayerModeNamesTagsByIndexAndSafeName) {
  tinytb::TensorInspector inspector{writer, hist, &canvas, &png};
  const uint8_t u[] = {1, 2, 3, 4};
  ASSERT_EQ(inspector.layer(1, 3, "CONV_2D", {u, 4}), Status::kOk);
  ASSERT_EQ(inspector.layer(1, 12, "dense 1/relu", {u, 4}), Status::kOk);
  const std::vector<std::string> t = tags();
  ASSERT_EQ(t.size(), 14u);
  EXPECT_EQ(t[0], "layers/03_CONV_2D/min");
  EXPECT_EQ(t[7], "layers/12_dense_1_relu/min");
}

TEST_F(InspectorTest, BadArgumentsWriteNothing) {
  tinytb::TensorInspector inspector{writer, hist, &canvas, &png};
  const uint8_t u[] = {1, 2, 3, 4};
  EXPECT_EQ(inspector.inspect(nullptr, 1, {u, 4}), Status::kInvalidArgument);
  EXPECT_EQ(inspector.inspect("x", 1, {u, 4}, tinytb::HwcShape{2, 2, 2}), Status::kInvalidArgument);
  EXPECT_EQ(inspector.inspect("x", 1, {u, 4}, tinytb::HwcShape{0, 2, 2}), Status::kInvalidArgument);
  EXPECT_EQ(inspector.layer(1, 0, nullptr, {u, 4}), Status::kInvalidArgument);
  EXPECT_EQ(inspector.inspect("x", 1, tinytb::Values{}), Status::kInvalidArgument);
  // Channels that do not fit the canvas: the scalars and the histogram are logged, then kTooLarge.
  static uint8_t wide[40 * 40 * 16];
  EXPECT_EQ(inspector.inspect("big", 1, {wide, sizeof(wide)}, tinytb::HwcShape{40, 40, 16}), Status::kTooLarge);
  const std::vector<std::string> t = tags();
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[6], "big/histogram");
}

}  // namespace
