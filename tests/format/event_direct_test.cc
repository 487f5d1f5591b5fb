// The direct scalar path (src/format/event.cc) against nanopb's general path: for every input
// the two must give the same size and the same bytes, with and without metadata.
#include <gtest/gtest.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <limits>
#include <random>
#include <vector>

#include "bit_cast.h"
#include "format/event.h"
#include "summary/summary.h"
#include "tinytb/config.h"
#include "tinytb/summary/sizing.h"

namespace tinytb {
namespace detail {
namespace {

struct Input {
  double wall_time;
  int64_t step;
  std::vector<char> tag;
  float value;
  bool with_metadata;
  DataClass data_class = DataClass::kScalar;
  const char* plugin_name = "scalars";
  std::vector<uint8_t> plugin_content;
};

double from_bits64(uint64_t bits) { return tinytb_test::bit_cast<double>(bits); }
float from_bits32(uint32_t bits) { return tinytb_test::bit_cast<float>(bits); }

// Encodes `in` both ways and expects identical results. Returns the payload size.
size_t expect_same(const Input& in) {
  SummarySpec spec;
  make_scalar(&in.value, &spec);
  spec.tag = in.tag.data();
  spec.tag_len = in.tag.size();
  spec.with_metadata = in.with_metadata;
  spec.data_class = in.data_class;
  spec.plugin_name = in.plugin_name;
  spec.plugin_content = in.plugin_content.empty() ? nullptr : in.plugin_content.data();
  spec.plugin_content_size = in.plugin_content.size();
  EventSpec event;
  event.wall_time_bits = tinytb_test::bit_cast<uint64_t>(in.wall_time);  // any double's bits, NaNs included
  event.step = in.step;
  event.summary = &spec;
  EXPECT_TRUE(is_direct_event(event));

  size_t general_size = 0, direct_size = 0;
  EXPECT_TRUE(event_size_general(event, &general_size));
  EXPECT_TRUE(event_size(event, &direct_size));
  EXPECT_EQ(general_size, direct_size) << "tag_len " << in.tag.size() << " step " << in.step;
  if (general_size != direct_size) return 0;

  // One spare byte each side: the encoders must write exactly `size` bytes and no more.
  std::vector<uint8_t> general(general_size + 1, 0xA5), direct(direct_size + 1, 0xA5);
  EXPECT_TRUE(encode_event_general(event, general.data(), general_size));
  EXPECT_TRUE(encode_event(event, direct.data(), direct_size));
  EXPECT_EQ(general, direct) << "tag_len " << in.tag.size() << " step " << in.step << " meta "
                             << in.with_metadata;
  // A size that is not the event's own is refused.
  EXPECT_FALSE(encode_event(event, direct.data(), direct_size - 1));
  return direct_size;
}

Input basic() {
  Input in;
  in.wall_time = 1700000000.25;
  in.step = 42;
  const char tag[] = "train/loss";
  in.tag.assign(tag, tag + sizeof(tag) - 1);
  in.value = 0.5f;
  in.with_metadata = true;
  return in;
}

TEST(EventDirect, BasicScalarWithAndWithoutMetadata) {
  Input in = basic();
  const size_t with = expect_same(in);
  in.with_metadata = false;
  const size_t without = expect_same(in);
  // The metadata of "scalars" / SCALAR is 2 + 13 bytes.
  EXPECT_EQ(with, without + 15);
  EXPECT_LE(with + kRecordOverheadBytes, scalar_record_bytes(in.tag.size()));
}

TEST(EventDirect, StepsAtVarintBoundariesAndNegative) {
  const int64_t steps[] = {0,
                           1,
                           -1,
                           127,
                           128,
                           16383,
                           16384,
                           (int64_t{1} << 21) - 1,
                           int64_t{1} << 21,
                           (int64_t{1} << 35),
                           (int64_t{1} << 56) - 1,
                           int64_t{1} << 56,
                           std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min(),
                           -128,
                           -(int64_t{1} << 40)};
  for (int64_t step : steps) {
    for (bool meta : {false, true}) {
      Input in = basic();
      in.step = step;
      in.with_metadata = meta;
      expect_same(in);
    }
  }
}

TEST(EventDirect, SpecialWallTimesAndValues) {
  const double walls[] = {0.0,
                          -0.0,
                          1.0,
                          -1.0,
                          1e-300,
                          std::numeric_limits<double>::denorm_min(),
                          std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::quiet_NaN(),
                          from_bits64(0x7FF0000000000001ull),
                          from_bits64(0xFFF8000000000123ull)};
  const float values[] = {0.0f,
                          -0.0f,
                          1.0f,
                          -3.25e38f,
                          std::numeric_limits<float>::denorm_min(),
                          std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity(),
                          std::numeric_limits<float>::quiet_NaN(),
                          from_bits32(0x7F800001u),
                          from_bits32(0xFFC00ABCu)};
  for (double w : walls) {
    for (float v : values) {
      Input in = basic();
      in.wall_time = w;
      in.value = v;
      for (bool meta : {false, true}) {
        in.with_metadata = meta;
        expect_same(in);
      }
    }
  }
}

TEST(EventDirect, TagLengthsAcrossVarintBoundaries) {
  // Every length below 200 (where the tag's, the value's, the summary's and the event's
  // length prefixes each grow from one byte to two), then a spread up to the largest
  // tag a writer allows (4096).
  std::mt19937 rng(7);
  for (size_t len = 0; len <= 4096; ++len) {
    if (len >= 200 && len % 97 != 0 && len != 4096) continue;
    Input in = basic();
    in.tag.resize(len);
    for (char& c : in.tag) c = static_cast<char>('a' + rng() % 26);
    for (bool meta : {false, true}) {
      in.with_metadata = meta;
      expect_same(in);
    }
  }
  // The tag itself is copied as bytes: the writer validates it, the encoder does not.
  Input in = basic();
  in.tag.assign(300, '\0');
  for (size_t i = 0; i < in.tag.size(); ++i) in.tag[i] = static_cast<char>(i * 37);
  expect_same(in);
}

TEST(EventDirect, ScopedTagsAndUtf8) {
  const char* tags[] = {"model/conv1/weights_mean", "a/b/c/d/e/f/g/h", "\xC3\xA9t\xC3\xA9/\xE2\x82\xAC",
                        "x"};
  for (const char* t : tags) {
    Input in = basic();
    in.tag.assign(t, t + strlen(t));
    expect_same(in);
  }
}

TEST(EventDirect, OtherMetadataForms) {
  // The direct path takes any plugin name, data class and plugin content on the scalar's
  // tensor shape; nanopb leaves data_class 0 and empty content out, and so must it.
  for (uint8_t dc = 0; dc <= 3; ++dc) {
    for (size_t content : {size_t{0}, size_t{1}, size_t{127}, size_t{128}, size_t{300}}) {
      Input in = basic();
      in.data_class = static_cast<DataClass>(dc);
      in.plugin_name = dc == 2 ? "" : "custom_plugin";
      in.plugin_content.resize(content);
      for (size_t i = 0; i < content; ++i) in.plugin_content[i] = static_cast<uint8_t>(i * 11 + 3);
      expect_same(in);
      in.with_metadata = false;
      expect_same(in);
    }
  }
}

TEST(EventDirect, RandomInputs) {
  std::mt19937_64 rng(20240601);
  for (int i = 0; i < 20000; ++i) {
    Input in;
    switch (rng() % 4) {
      case 0: in.wall_time = from_bits64(rng()); break;
      case 1: in.wall_time = 0.0; break;
      default: in.wall_time = 1.6e9 + static_cast<double>(rng() % 1000000000) / 1000.0; break;
    }
    switch (rng() % 4) {
      case 0: in.step = static_cast<int64_t>(rng()); break;
      case 1: in.step = -static_cast<int64_t>(rng() % 100000); break;
      default: in.step = static_cast<int64_t>(rng() >> (rng() % 64)); break;
    }
    const size_t len = rng() % 5 == 0 ? rng() % 4097 : rng() % 200;
    in.tag.resize(len);
    for (char& c : in.tag) c = static_cast<char>(rng());
    in.value = from_bits32(static_cast<uint32_t>(rng()));
    in.with_metadata = (rng() & 1) != 0;
    expect_same(in);
    if (HasFailure()) return;
  }
}

TEST(EventDirect, OtherShapesTakeTheGeneralPath) {
  const float values[2] = {1.0f, 2.0f};
  SummarySpec spec;
  make_scalar(values, &spec);
  spec.tag = "t";
  spec.tag_len = 1;
  EventSpec event;
  event.summary = &spec;
  EXPECT_TRUE(is_direct_event(event));
  spec.tensor.float_count = 2;
  EXPECT_FALSE(is_direct_event(event));
  spec.tensor.float_count = 1;
  spec.tensor.rank = 1;
  spec.tensor.dims[0] = 1;
  EXPECT_FALSE(is_direct_event(event));
  spec.tensor.rank = 0;
  spec.tensor.dtype = DType::kDouble;
  EXPECT_FALSE(is_direct_event(event));
  spec.tensor.dtype = DType::kFloat;
  EXPECT_TRUE(is_direct_event(event));
  EventSpec version;  // the file_version event
  EXPECT_FALSE(is_direct_event(version));
  const char* cells[1] = {"hi"};
  make_text(cells, 1, 1, 0, &spec);
  EXPECT_FALSE(is_direct_event(event));
  // Whatever the shape, event_size() and encode_event() still agree with nanopb.
  size_t a = 0, b = 0;
  ASSERT_TRUE(event_size(event, &a));
  ASSERT_TRUE(event_size_general(event, &b));
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace detail
}  // namespace tinytb
