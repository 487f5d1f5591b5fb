// Histograms: TF2's bucketing rules, chunks, quantised inputs, placement modes, bad
// input, and what writer.histogram() puts in the file.
#include "tinytb/summary/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "event_reader.h"
#include "test_sink.h"
#include "tinytb/writer/event_writer.h"
#include "tinytb/summary/sizing.h"
#include "wall_clock.h"

namespace {

using tinytb_test::tensor_form;

using tinytb::Histogram;
using tinytb::Quantization;
using tinytb::Status;
using tinytb::Values;

struct Row {
  double left, right, count;
  bool operator==(const Row& o) const { return left == o.left && right == o.right && count == o.count; }
};

std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << "(" << r.left << ", " << r.right << ", " << r.count << ")";
}

template <size_t K>
std::vector<Row> rows_of(const Histogram<K>& h) {
  std::vector<Row> rows;
  for (size_t i = 0; i < h.buckets(); ++i) rows.push_back({h.left_edge(i), h.right_edge(i), double(h.bucket_count(i))});
  return rows;
}

// TF2's rule written out again from tensorboard/plugins/histogram/summary_v2.py
// (histogram_pb), over the finite reals: the reference every result is held to.
std::vector<Row> tf2_reference(const std::vector<double>& data, size_t k) {
  std::vector<Row> rows(k, Row{0, 0, 0});
  if (data.empty()) return rows;
  const double lo = *std::min_element(data.begin(), data.end());
  const double hi = *std::max_element(data.begin(), data.end());
  if (lo == hi) {
    for (auto& r : rows) r = Row{lo, lo, 0};
    rows.back().count = double(data.size());
    return rows;
  }
  const double width = (hi - lo) / double(k);
  for (double x : data) {
    const double q = std::floor((x - lo) / width);
    const size_t i = q >= double(k - 1) ? k - 1 : size_t(q);
    rows[i].count += 1;
  }
  for (size_t i = 0; i < k; ++i) {
    rows[i].left = double(i) * width + lo;
    rows[i].right = i + 1 == k ? hi : double(i + 1) * width + lo;
  }
  return rows;
}

std::vector<double> reals(const std::vector<float>& v) {
  std::vector<double> out;
  for (float f : v) {
    if (std::isfinite(f)) out.push_back(double(f));
  }
  return out;
}

template <typename T>
std::vector<double> reals(const std::vector<T>& v, Quantization q) {
  std::vector<double> out;
  for (T x : v) out.push_back(double(q.scale) * double(int64_t(x) - int64_t(q.zero_point)));
  return out;
}

// ---- TF2's rule -----------------------------------------------------------------------

TEST(Histogram, StartsAsTf2RuleWithCapacityBuckets) {
  Histogram<30> h;
  EXPECT_EQ(h.capacity(), 30u);
  EXPECT_EQ(h.buckets(), 30u);
  EXPECT_EQ(h.count(), 0u);
  static_assert(Histogram<30>::storage_bytes() == sizeof(Histogram<30>), "constexpr storage");
  static_assert(Histogram<30>::storage_bytes() >= 30 * 4 + 31 * 8, "counts and thresholds inline");
}

TEST(Histogram, SmallExampleByHand) {
  Histogram<5> h;
  const float v[] = {0, 1, 2, 3, 4, 5};
  ASSERT_EQ(h.compute({v, 6}), Status::kOk);
  // width 1: 5 lands on floor(5) = 5, clamped into the last bucket.
  const std::vector<Row> want = {{0, 1, 1}, {1, 2, 1}, {2, 3, 1}, {3, 4, 1}, {4, 5, 2}};
  EXPECT_EQ(rows_of(h), want);
  EXPECT_EQ(h.count(), 6u);
  EXPECT_EQ(h.out_of_range(), 0u);
}

TEST(Histogram, NoDataGivesKRowsOfZeros) {
  Histogram<30> h;
  EXPECT_EQ(rows_of(h), std::vector<Row>(30, Row{0, 0, 0}));
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const float junk[] = {nan, inf, -inf, nan};
  ASSERT_EQ(h.compute({junk, 4}), Status::kOk);
  EXPECT_EQ(rows_of(h), std::vector<Row>(30, Row{0, 0, 0}));
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.nonfinite(), 4u);
}

TEST(Histogram, AllValuesEqualFillOnlyTheLastBucketAndEveryEdgeIsTheValue) {
  Histogram<30> h;
  const float v[] = {7.5f, 7.5f, 7.5f};
  ASSERT_EQ(h.compute({v, 3}), Status::kOk);
  std::vector<Row> want(30, Row{7.5, 7.5, 0});
  want.back().count = 3;
  EXPECT_EQ(rows_of(h), want);
  const int8_t q[] = {-128, -128};
  ASSERT_EQ(h.compute({q, 2, {0.5f, 0}}), Status::kOk);
  want.assign(30, Row{-64, -64, 0});
  want.back().count = 2;
  EXPECT_EQ(rows_of(h), want);
}

TEST(Histogram, NonFiniteValuesAreSkippedAndCounted) {
  Histogram<4> h;
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const float v[] = {1, nan, 2, inf, 3, -inf, 4};
  ASSERT_EQ(h.compute({v, 7}), Status::kOk);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h.nonfinite(), 3u);
  EXPECT_EQ(rows_of(h), tf2_reference({1, 2, 3, 4}, 4));
}

// Random data with values right at and beside every edge, for floats and every integer
// type, small (per-value double math) and large (threshold tables): always the reference.
TEST(Histogram, MatchesTf2ReferenceExactlyOnBoundariesForEveryInputType) {
  std::mt19937 rng(12345);
  Histogram<30> h;
  for (size_t k : {1u, 2u, 3u, 7u, 30u}) {
    ASSERT_EQ(h.reset(k), Status::kOk);
    for (size_t n : {1u, 5u, 200u, 5000u}) {
      // Floats: a spread, plus each edge rounded to float and its neighbours.
      std::uniform_real_distribution<float> spread(-3.7f, 12.1f);
      std::vector<float> f(n);
      for (auto& x : f) x = spread(rng);
      if (n > 2) {
        const double lo = *std::min_element(f.begin(), f.end()), hi = *std::max_element(f.begin(), f.end());
        const double width = (hi - lo) / double(k);
        for (size_t i = 1; i < k && 3 * i + 2 < n; ++i) {
          const float e = float(lo + double(i) * width);
          f[3 * i] = e;
          f[3 * i + 1] = std::nextafter(e, -1e9f);
          f[3 * i + 2] = std::nextafter(e, 1e9f);
        }
      }
      ASSERT_EQ(h.compute({f.data(), n}), Status::kOk);
      EXPECT_EQ(rows_of(h), tf2_reference(reals(f), k)) << "float k=" << k << " n=" << n;

      std::uniform_int_distribution<int> i8(-128, 127);
      std::vector<int8_t> a(n);
      for (auto& x : a) x = int8_t(i8(rng));
      const Quantization q8{0.00390625f, -128};  // a TFLite softmax output
      ASSERT_EQ(h.compute({a.data(), n, q8}), Status::kOk);
      EXPECT_EQ(rows_of(h), tf2_reference(reals(a, q8), k)) << "int8 k=" << k << " n=" << n;

      std::vector<uint8_t> u(n);
      for (auto& x : u) x = uint8_t(i8(rng) + 128);
      ASSERT_EQ(h.compute({u.data(), n}), Status::kOk);
      EXPECT_EQ(rows_of(h), tf2_reference(reals(u, Quantization{}), k)) << "uint8 k=" << k << " n=" << n;

      std::uniform_int_distribution<int> i16(-32768, 32767);
      std::vector<int16_t> s(n);
      for (auto& x : s) x = int16_t(i16(rng));
      const Quantization q16{0.1f, 3};
      ASSERT_EQ(h.compute({s.data(), n, q16}), Status::kOk);
      EXPECT_EQ(rows_of(h), tf2_reference(reals(s, q16), k)) << "int16 k=" << k << " n=" << n;

      std::uniform_int_distribution<int32_t> i32(std::numeric_limits<int32_t>::min(),
                                                 std::numeric_limits<int32_t>::max());
      std::vector<int32_t> w(n);
      for (auto& x : w) x = i32(rng);
      const Quantization q32{3.1e-5f, -1000};
      ASSERT_EQ(h.compute({w.data(), n, q32}), Status::kOk);
      EXPECT_EQ(rows_of(h), tf2_reference(reals(w, q32), k)) << "int32 k=" << k << " n=" << n;
    }
  }
}

TEST(Histogram, Int8DequantisationUsesScaleAndZeroPoint) {
  Histogram<4> h;
  const int8_t q[] = {-128, -64, 0, 127};  // scale 1/256, zero point -128: 0, 0.25, 0.5, 0.99609375
  ASSERT_EQ(h.compute({q, 4, {1.0f / 256, -128}}), Status::kOk);
  EXPECT_EQ(h.left_edge(0), 0.0);
  EXPECT_EQ(h.right_edge(3), 255.0 / 256.0);
  EXPECT_EQ(rows_of(h), tf2_reference({0.0, 0.25, 0.5, 255.0 / 256.0}, 4));
  // A negative zero point shifts, a different scale stretches.
  ASSERT_EQ(h.compute({q, 4, {0.5f, 10}}), Status::kOk);
  EXPECT_EQ(h.left_edge(0), -69.0);
  EXPECT_EQ(h.right_edge(3), 58.5);
}

// ---- chunks ---------------------------------------------------------------------------------

TEST(Histogram, ChunksScannedThenAddedEqualOneArray) {
  std::mt19937 rng(7);
  std::normal_distribution<float> act(0.0f, 2.0f);
  std::vector<float> all(1000);
  for (auto& x : all) x = act(rng);
  Histogram<30> whole, chunked;
  ASSERT_EQ(whole.compute({all.data(), all.size()}), Status::kOk);
  for (size_t chunk : {1u, 7u, 64u, 999u}) {
    chunked.clear();
    for (size_t i = 0; i < all.size(); i += chunk) {
      ASSERT_EQ(chunked.scan({all.data() + i, std::min(chunk, all.size() - i)}), Status::kOk);
    }
    for (size_t i = 0; i < all.size(); i += chunk) {
      ASSERT_EQ(chunked.add({all.data() + i, std::min(chunk, all.size() - i)}), Status::kOk);
    }
    EXPECT_EQ(rows_of(chunked), rows_of(whole)) << "chunk " << chunk;
    EXPECT_EQ(chunked.count(), 1000u);
    EXPECT_EQ(chunked.out_of_range(), 0u);
  }
}

TEST(Histogram, ChunksOfDifferentTypesShareOneRange) {
  Histogram<8> h;
  const int8_t a[] = {-128, 0, 127};  // scale 0.5: -64, 0, 63.5
  const float b[] = {-100.0f, 10.0f};
  ASSERT_EQ(h.scan({a, 3, {0.5f, 0}}), Status::kOk);
  ASSERT_EQ(h.scan({b, 2}), Status::kOk);
  ASSERT_EQ(h.add({a, 3, {0.5f, 0}}), Status::kOk);
  ASSERT_EQ(h.add({b, 2}), Status::kOk);
  EXPECT_EQ(rows_of(h), tf2_reference({-64, 0, 63.5, -100, 10}, 8));
}

TEST(Histogram, ValuesThatChangedBetweenPassesAreClampedAndReported) {
  Histogram<4> h;
  const float first[] = {0, 4};
  const float second[] = {-1, 0, 4, 5};
  ASSERT_EQ(h.scan({first, 2}), Status::kOk);
  ASSERT_EQ(h.add({second, 4}), Status::kOk);
  EXPECT_EQ(h.out_of_range(), 2u);
  EXPECT_EQ(h.bucket_count(0), 2u);
  EXPECT_EQ(h.bucket_count(3), 2u);
  EXPECT_EQ(h.count(), 4u);
}

TEST(Histogram, Tf2RuleNeedsScanBeforeAddAndNoScanAfterIt) {
  Histogram<4> h;
  const float v[] = {1, 2};
  EXPECT_EQ(h.add({v, 2}), Status::kInvalidArgument);  // no range yet
  EXPECT_EQ(h.count(), 0u);
  const float nan[] = {std::numeric_limits<float>::quiet_NaN()};
  EXPECT_EQ(h.add({nan, 1}), Status::kOk);  // nothing to place: only counted
  EXPECT_EQ(h.nonfinite(), 1u);
  ASSERT_EQ(h.scan({v, 2}), Status::kOk);
  ASSERT_EQ(h.add({v, 2}), Status::kOk);
  EXPECT_EQ(h.scan({v, 2}), Status::kInvalidArgument);  // the edges are fixed now
  EXPECT_EQ(h.count(), 2u);
  h.clear();
  EXPECT_EQ(h.scan({v, 2}), Status::kOk);
}

// ---- caller-given ranges and edges --------------------------------------------------------------

TEST(Histogram, FixedRangeIsOnePassAndClampsOutsiders) {
  Histogram<30> h;
  ASSERT_EQ(h.reset_range(-32768.0, 32768.0, 16), Status::kOk);
  const int16_t mic[] = {-32768, -1, 0, 4095, 4096, 32767};
  ASSERT_EQ(h.add({mic, 3}), Status::kOk);  // no scan needed
  ASSERT_EQ(h.add({mic + 3, 3}), Status::kOk);
  EXPECT_EQ(h.buckets(), 16u);
  EXPECT_EQ(h.left_edge(0), -32768.0);
  EXPECT_EQ(h.right_edge(15), 32768.0);
  EXPECT_EQ(h.left_edge(8), 0.0);
  EXPECT_EQ(h.bucket_count(0), 1u);
  EXPECT_EQ(h.bucket_count(7), 1u);
  EXPECT_EQ(h.bucket_count(8), 2u);  // 0 and 4095
  EXPECT_EQ(h.bucket_count(9), 1u);  // 4096
  EXPECT_EQ(h.bucket_count(15), 1u);
  EXPECT_EQ(h.out_of_range(), 0u);
  const float out[] = {-40000.0f, 1e9f};
  ASSERT_EQ(h.add({out, 2}), Status::kOk);
  EXPECT_EQ(h.out_of_range(), 2u);
  EXPECT_EQ(h.bucket_count(0), 2u);
  EXPECT_EQ(h.bucket_count(15), 2u);
  EXPECT_EQ(h.scan({out, 2}), Status::kOk);  // only checks its argument here
  // No data: the configured edges with zero counts (TF2's zero rows are for its own rule).
  h.clear();
  EXPECT_EQ(h.left_edge(0), -32768.0);
  EXPECT_EQ(h.bucket_count(0), 0u);
}

TEST(Histogram, CallerEdgesAreHalfOpenWithTheLastClosed) {
  static const double kEdges[] = {0.0, 0.1, 0.5, 0.9, 1.0};
  Histogram<8> h;
  ASSERT_EQ(h.reset_edges(kEdges, 4), Status::kOk);
  const float v[] = {0.0f, 0.05f, 0.1f, 0.5f, 0.95f, 1.0f, 1.5f, -0.25f};
  ASSERT_EQ(h.add({v, 8}), Status::kOk);
  // 0.1f is just above 0.1 (double): bucket 1. 1.0 is in the last bucket. 1.5 and -0.25 are clamped.
  EXPECT_EQ(h.bucket_count(0), 3u);  // 0, 0.05, -0.25
  EXPECT_EQ(h.bucket_count(1), 1u);
  EXPECT_EQ(h.bucket_count(2), 1u);
  EXPECT_EQ(h.bucket_count(3), 3u);  // 0.95, 1.0, 1.5
  EXPECT_EQ(h.out_of_range(), 2u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(h.left_edge(i), kEdges[i]);
    EXPECT_EQ(h.right_edge(i), kEdges[i + 1]);
  }
  // The same through the threshold tables (a big uint8 frame) and per value.
  std::vector<uint8_t> frame(4096);
  for (size_t i = 0; i < frame.size(); ++i) frame[i] = uint8_t(i * 37);
  const Quantization to_unit{1.0f / 255, 0};
  ASSERT_EQ(h.compute({frame.data(), frame.size(), to_unit}), Status::kOk);
  Histogram<8> small;
  ASSERT_EQ(small.reset_edges(kEdges, 4), Status::kOk);
  for (size_t i = 0; i < frame.size(); ++i) ASSERT_EQ(small.add({&frame[i], 1, to_unit}), Status::kOk);
  EXPECT_EQ(rows_of(h), rows_of(small));
  EXPECT_EQ(h.count(), 4096u);
  std::vector<Row> want = {{0.0, 0.1, 0}, {0.1, 0.5, 0}, {0.5, 0.9, 0}, {0.9, 1.0, 0}};
  for (double x : reals(frame, to_unit)) {
    const size_t i = size_t(std::upper_bound(kEdges + 1, kEdges + 4, x) - (kEdges + 1));
    want[i].count += 1;
  }
  EXPECT_EQ(rows_of(h), want);
}

// ---- bad input -------------------------------------------------------------------------------------

TEST(Histogram, BadPlacementIsRefusedAndChangesNothing) {
  Histogram<8> h;
  const float v[] = {1, 2, 3};
  ASSERT_EQ(h.compute({v, 3}), Status::kOk);
  const std::vector<Row> before = rows_of(h);
  EXPECT_EQ(h.reset(0), Status::kInvalidArgument);
  EXPECT_EQ(h.reset(9), Status::kTooLarge);
  EXPECT_EQ(h.reset(static_cast<size_t>(-3)), Status::kTooLarge);  // a negative count
  EXPECT_EQ(h.reset_range(1.0, 1.0, 4), Status::kInvalidArgument);
  EXPECT_EQ(h.reset_range(2.0, 1.0, 4), Status::kInvalidArgument);
  EXPECT_EQ(h.reset_range(0.0, std::nan(""), 4), Status::kInvalidArgument);
  EXPECT_EQ(h.reset_range(-1e308, 1e308, 4), Status::kInvalidArgument);  // the width would be infinite
  EXPECT_EQ(h.reset_range(0.0, 1.0, 0), Status::kInvalidArgument);
  const double unsorted[] = {0, 2, 1};
  const double repeated[] = {0, 1, 1};
  const double with_nan[] = {0, std::nan(""), 1};
  EXPECT_EQ(h.reset_edges(unsorted, 2), Status::kInvalidArgument);
  EXPECT_EQ(h.reset_edges(repeated, 2), Status::kInvalidArgument);
  EXPECT_EQ(h.reset_edges(with_nan, 2), Status::kInvalidArgument);
  EXPECT_EQ(h.reset_edges(nullptr, 2), Status::kInvalidArgument);
  EXPECT_EQ(h.reset_edges(unsorted, 0), Status::kInvalidArgument);
  const double many[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(h.reset_edges(many, 9), Status::kTooLarge);
  EXPECT_EQ(rows_of(h), before);
  EXPECT_EQ(h.count(), 3u);
}

TEST(Histogram, BadValuesAreRefusedAndChangeNothing) {
  Histogram<8> h;
  const float v[] = {1, 2, 3};
  ASSERT_EQ(h.compute({v, 3}), Status::kOk);
  const std::vector<Row> before = rows_of(h);
  const int8_t q[] = {1, 2};
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (const Values& bad : {Values{static_cast<const float*>(nullptr), 3}, Values{v, 0},
                            Values{q, 2, {0.0f, 0}}, Values{q, 2, {-0.5f, 0}}, Values{q, 2, {nan, 0}},
                            Values{q, 2, {inf, 0}}, Values{}}) {
    EXPECT_EQ(h.add(bad), Status::kInvalidArgument);
    EXPECT_EQ(h.compute(bad), Status::kInvalidArgument);
    EXPECT_EQ(h.scan(bad), Status::kInvalidArgument);
  }
  EXPECT_EQ(rows_of(h), before);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.nonfinite(), 0u);
}

// ---- the writer --------------------------------------------------------------------------------------

tinytb::WallTime wall() { return wall_time_of(1.7e9); }

class HistogramWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options.logdir = "logs";
    options.run = "run";
    options.clock.wall_time = wall;
    options.max_queue = 1000;
  }
  tinytb_test::ParsedFile parsed() { return tinytb_test::parse_file(sink.file(0).bytes); }

  tinytb_test::TestSink sink;
  tinytb::WriterOptions options = tensor_form();
  tinytb::EventWriter<2048, 8, 40> writer;
};

double le_double(const std::string& s, size_t offset) {
  double d;
  std::memcpy(&d, s.data() + offset, 8);  // the host is little-endian, like the format
  return d;
}

TEST_F(HistogramWriterTest, WritesTf2FormDoubleKBy3InTensorContent) {
  Histogram<30> h;
  const int8_t q[] = {-128, -100, 0, 50, 127, 127};
  ASSERT_EQ(h.compute({q, 6, {1.0f / 256, -128}}), Status::kOk);
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  tinytb::Scope model(writer, "model");
  ASSERT_EQ(model.histogram("scores", 0, h), Status::kOk);
  ASSERT_EQ(model.histogram("scores", 1, h), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const tinytb_test::ParsedFile f = parsed();
  ASSERT_FALSE(f.corrupt || f.torn);
  ASSERT_EQ(f.events.size(), 3u);
  const auto& v = f.events[1].values[0];
  EXPECT_EQ(v.tag, "model/scores");
  EXPECT_EQ(v.dtype, 2);  // DT_DOUBLE
  EXPECT_EQ(v.dims, (std::vector<int64_t>{30, 3}));
  ASSERT_TRUE(v.has_content);
  ASSERT_EQ(v.content.size(), 30u * 24);
  EXPECT_TRUE(v.floats.empty() && v.doubles.empty() && v.strings.empty());
  for (size_t i = 0; i < 30; ++i) {
    EXPECT_EQ(le_double(v.content, 24 * i), h.left_edge(i));
    EXPECT_EQ(le_double(v.content, 24 * i + 8), h.right_edge(i));
    EXPECT_EQ(le_double(v.content, 24 * i + 16), double(h.bucket_count(i)));
  }
  EXPECT_TRUE(v.has_metadata);
  EXPECT_EQ(v.plugin_name, "histograms");
  EXPECT_EQ(v.plugin_content, "");
  EXPECT_EQ(v.data_class, 2);  // TENSOR
  EXPECT_FALSE(f.events[2].values[0].has_metadata);
  EXPECT_EQ(f.events[2].values[0].content, v.content);
}

TEST_F(HistogramWriterTest, EmptyHistogramIsLoggedAsZeroRows) {
  Histogram<3> h;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.histogram("empty", 0, h), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const tinytb_test::ParsedFile f = parsed();
  const auto& v = f.events[1].values[0];
  EXPECT_EQ(v.dims, (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(v.content, std::string(72, '\0'));
}

TEST_F(HistogramWriterTest, RefusedCallsLeaveTheWriterUsable) {
  Histogram<30> h;
  const float v[] = {1, 2, 3};
  ASSERT_EQ(h.compute({v, 3}), Status::kOk);
  EXPECT_EQ(writer.histogram("h", 0, h), Status::kNotOpen);
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const size_t bytes = sink.file(0).bytes.size();
  EXPECT_EQ(writer.histogram("", 0, h), Status::kInvalidTag);
  EXPECT_EQ(writer.histogram("bad\xff", 0, h), Status::kInvalidTag);
  ASSERT_EQ(writer.histogram("h", 5, h), Status::kOk);
  EXPECT_EQ(writer.histogram("h", 5, h), Status::kStepNotIncreasing);
  // Too big for a small queue: streamed to the sink past the queue (stream_record_test.cc).
  tinytb::EventWriter<512, 2, 16> tiny;
  tinytb_test::TestSink tiny_sink;
  ASSERT_EQ(tiny.open(tiny_sink, options), Status::kOk);
  const size_t opened = tiny_sink.last().bytes.size();
  EXPECT_EQ(tiny.histogram("h", 0, h), Status::kOk);
  EXPECT_EQ(tiny.queued_bytes(), 0u);
  EXPECT_GT(tiny_sink.last().bytes.size(), opened + 512);
  EXPECT_EQ(tiny.tag_count(), 1u);
  Histogram<8> small;
  ASSERT_EQ(small.compute({v, 3}), Status::kOk);
  EXPECT_EQ(tiny.histogram("h", 1, small), Status::kOk);
  ASSERT_EQ(tiny.close(), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  EXPECT_GT(sink.file(0).bytes.size(), bytes);
  const tinytb_test::ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_EQ(f.events[1].step, 5);
}

// ---- sizing --------------------------------------------------------------------------------------------

TEST(HistogramSizing, BoundHoldsAndIsTight) {
  const float v[] = {1, 2, 3, 4};
  for (size_t k : {1u, 2u, 5u, 30u, 100u, 1000u}) {
    for (size_t tag_len : {1u, 40u, 127u}) {
      tinytb_test::TestSink sink;
      tinytb::WriterOptions options;
      options.form = tinytb::SummaryForm::kTensor;  // this test reads the tensor form
      options.clock.wall_time = wall;
      options.max_queue = 1;
      auto writer = std::make_unique<tinytb::EventWriter<32768, 2, 128>>();
      auto h = std::make_unique<Histogram<1000>>();
      ASSERT_EQ(h->reset(k), Status::kOk);
      ASSERT_EQ(h->compute({v, 4}), Status::kOk);
      ASSERT_EQ(writer->open(sink, options), Status::kOk);
      const size_t before = sink.last().bytes.size();
      const std::string tag(tag_len, 'h');
      ASSERT_EQ(writer->histogram(tag.c_str(), std::numeric_limits<int64_t>::max(), *h), Status::kOk);
      const size_t real = sink.last().bytes.size() - before;
      EXPECT_LE(real, tinytb::histogram_record_bytes(tag_len, k)) << k << " " << tag_len;
      EXPECT_GE(real + 12, tinytb::histogram_record_bytes(tag_len, k)) << "too loose: " << k << " " << tag_len;
      ASSERT_EQ(writer->close(), Status::kOk);
    }
  }
  static_assert(tinytb::histogram_record_bytes(32, 30) < 900, "30 buckets fit a 1 KiB queue");
}

}  // namespace
