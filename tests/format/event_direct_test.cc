// The direct path (src/format/event.cc: scalars, string tensors such as text, the
// file_version event) against nanopb's general path (event_general.cc): for every input the
// two must give the same size and the same bytes, with and without metadata.
#include <gtest/gtest.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <limits>
#include <random>
#include <string>
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

// The writer's host fast path for classic scalars (encode_simple_scalar()) against
// encode_event() on the same value as a classic simple_value: same size, same bytes, and
// not one byte written past the size.
void expect_simple_same(const Input& in) {
  SummarySpec spec;
  make_simple_scalar(&in.value, &spec);
  spec.tag = in.tag.data();
  spec.tag_len = in.tag.size();
  spec.with_metadata = in.with_metadata;  // a simple_value never carries metadata: no effect
  EventSpec event;
  event.wall_time_bits = tinytb_test::bit_cast<uint64_t>(in.wall_time);
  event.step = in.step;
  event.summary = &spec;
  size_t size = 0;
  ASSERT_TRUE(event_size(event, &size));
  ASSERT_EQ(simple_scalar_event_bytes(event.wall_time_bits, in.step, in.tag.size()), size)
      << "tag_len " << in.tag.size() << " step " << in.step;
  std::vector<uint8_t> reference(size + 1, 0xA5), fast(size + 1, 0x5A);
  ASSERT_TRUE(encode_event(event, reference.data(), size));
  const size_t written =
      encode_simple_scalar(fast.data(), event.wall_time_bits, in.step, in.tag.data(), in.tag.size(), in.value);
  EXPECT_EQ(written, size) << "tag_len " << in.tag.size() << " step " << in.step;
  EXPECT_LE(written, in.tag.size() + kSimpleScalarFixedMax);  // the writer's room check relies on it
  EXPECT_EQ(fast[size], 0x5A) << "wrote past the size";
  fast[size] = reference[size];
  EXPECT_EQ(reference, fast) << "tag_len " << in.tag.size() << " step " << in.step;
}

// Encodes `in` both ways and expects identical results. Returns the payload size.
size_t expect_same(const Input& in) {
  expect_simple_same(in);
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
  // Not direct and no general encoder: both fail (a scalars-and-text build never gets here).
  size_t a = 0, b = 0;
  std::vector<uint8_t> buf(64);
  EXPECT_FALSE(event_size(event, &a));
  EXPECT_FALSE(encode_event(event, buf.data(), buf.size()));
  // With one, event_size() and encode_event() are nanopb's.
  event.general = &kGeneralCodec;
  ASSERT_TRUE(event_size(event, &a));
  ASSERT_TRUE(event_size_general(event, &b));
  EXPECT_EQ(a, b);
  spec.tensor.dtype = DType::kFloat;
  EXPECT_TRUE(is_direct_event(event));
  EventSpec version;  // the file_version event
  EXPECT_TRUE(is_direct_event(version));
  const char* cells[1] = {"hi"};
  make_text(cells, 1, 1, 0, &spec);
  EXPECT_TRUE(is_direct_event(event));
  spec.tensor.content.size = 1;  // a string tensor with tensor_content: general
  EXPECT_FALSE(is_direct_event(event));
  spec.tensor.content.size = 0;
  spec.plugin_content_size = 3;  // produced plugin content (hparams): general
  EXPECT_FALSE(is_direct_event(event));
  spec.plugin_content_size = 0;
  spec.data_class = static_cast<DataClass>(0x80);
  EXPECT_FALSE(is_direct_event(event));
  spec.data_class = DataClass::kTensor;
  spec.classic.kind = ValueKind::kImage;
  EXPECT_FALSE(is_direct_event(event));
}

// ---- the string tensor and the file_version event ----------------------------------------

// Encodes `event` both ways (the direct path must take it) and expects identical results;
// `why` names the case on a failure. Returns the payload size.
size_t expect_same_event(const EventSpec& event, const std::string& why) {
  EXPECT_TRUE(is_direct_event(event)) << why;
  size_t general_size = 0, direct_size = 0;
  EXPECT_TRUE(event_size_general(event, &general_size)) << why;
  EXPECT_TRUE(event_size(event, &direct_size)) << why;
  EXPECT_EQ(general_size, direct_size) << why;
  if (general_size != direct_size) return 0;
  std::vector<uint8_t> general(general_size + 1, 0xA5), direct(direct_size + 1, 0x5A);
  EXPECT_TRUE(encode_event_general(event, general.data(), general_size)) << why;
  EXPECT_TRUE(encode_event(event, direct.data(), direct_size)) << why;
  general.back() = direct.back();  // the spare byte: each must be left as it was
  EXPECT_EQ(direct.back(), 0x5A) << why;
  EXPECT_EQ(general, direct) << why;
  if (direct_size > 0) {
    EXPECT_FALSE(encode_event(event, direct.data(), direct_size - 1)) << why;
  }
  return direct_size;
}

struct TextInput {
  uint64_t wall_bits = 0x41D954FC40000000ull;  // 1.7e9
  int64_t step = 3;
  std::string tag = "notes";
  std::vector<std::string> cells{"hello"};
  size_t rows = 1;
  size_t cols = 1;
  uint8_t rank = 0;
  bool markdown = false;  // a list or table as one produced Markdown string (classic form)
  bool with_metadata = true;
};

size_t expect_same_text(const TextInput& in) {
  std::vector<const char*> ptrs;
  for (const std::string& c : in.cells) ptrs.push_back(c.c_str());
  SummarySpec spec;
  MarkdownText markdown;
  if (in.markdown) {
    make_markdown_text(ptrs.data(), in.rows, in.cols, in.rank, &markdown, &spec);
  } else {
    make_text(ptrs.data(), in.rows, in.cols, in.rank, &spec);
  }
  spec.tag = in.tag.data();
  spec.tag_len = in.tag.size();
  spec.with_metadata = in.with_metadata;
  EventSpec event;
  event.wall_time_bits = in.wall_bits;
  event.step = in.step;
  event.summary = &spec;
  const std::string why = "tag_len " + std::to_string(in.tag.size()) + " cells " + std::to_string(in.cells.size()) +
                          " rank " + std::to_string(in.rank) + " markdown " + std::to_string(in.markdown) + " step " +
                          std::to_string(in.step) + " meta " + std::to_string(in.with_metadata);
  return expect_same_event(event, why);
}

TEST(EventDirectText, EmptyOneAndLongStrings) {
  for (size_t len : {size_t{0}, size_t{1}, size_t{126}, size_t{127}, size_t{128}, size_t{16383}, size_t{16384},
                     size_t{100000}}) {
    for (bool meta : {false, true}) {
      TextInput in;
      in.cells = {std::string(len, 'q')};
      in.with_metadata = meta;
      expect_same_text(in);
    }
  }
}

TEST(EventDirectText, Utf8AndEveryByte) {
  TextInput in;
  in.cells = {"\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 | **bold** `code`\n- item\r\n"};
  expect_same_text(in);
  std::string every;
  for (int b = 1; b < 256; ++b) every.push_back(static_cast<char>(b));  // the encoder copies bytes
  in.cells = {every};
  expect_same_text(in);
}

TEST(EventDirectText, ListsAndTablesBothForms) {
  std::mt19937 rng(11);
  for (size_t count : {size_t{1}, size_t{2}, size_t{7}, size_t{127}, size_t{128}, size_t{300}}) {
    for (uint8_t rank : {uint8_t{1}, uint8_t{2}}) {
      TextInput in;
      in.rank = rank;
      in.rows = rank == 1 ? 1 : (count % 7 == 0 ? 7 : 1);
      in.cols = count / in.rows;
      in.cells.clear();
      for (size_t i = 0; i < in.rows * in.cols; ++i) {
        std::string cell(rng() % 40, 'c');
        for (char& ch : cell) ch = static_cast<char>('a' + rng() % 26);
        if (i % 5 == 1) cell += "|pipe\nbreak";
        if (i % 9 == 2) cell.clear();
        in.cells.push_back(cell);
      }
      for (bool markdown : {false, true}) {
        in.markdown = markdown;
        for (bool meta : {false, true}) {
          in.with_metadata = meta;
          expect_same_text(in);
        }
      }
    }
  }
}

TEST(EventDirectText, LongTagsStepsAndWallTimes) {
  for (size_t len = 0; len <= 4096; len = len < 260 ? len + 1 : len + 301) {
    TextInput in;
    in.tag.assign(len, 't');
    expect_same_text(in);
  }
  const int64_t steps[] = {0, 1, -1, 127, 128, std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min()};
  const uint64_t walls[] = {0, 0x8000000000000000ull, 1, 0x7FF8000000000000ull, 0xFFFFFFFFFFFFFFFFull};
  for (int64_t step : steps) {
    for (uint64_t wall : walls) {
      TextInput in;
      in.step = step;
      in.wall_bits = wall;
      expect_same_text(in);
    }
  }
}

TEST(EventDirectText, ShapesAtTheFormatLayer) {
  // Dims the writer never makes (0, negative, rank 3) and plugin metadata of other kinds:
  // the direct path writes what nanopb writes for all of them.
  const char* cells[] = {"a", "bb", "", "dddd"};
  SummarySpec spec;
  make_text(cells, 2, 2, 2, &spec);
  spec.tag = "shape";
  spec.tag_len = 5;
  EventSpec event;
  event.step = 9;
  event.summary = &spec;
  const int64_t dims[] = {0, 1, 2, 127, 128, -1, std::numeric_limits<int64_t>::min(), int64_t{1} << 40};
  for (int64_t d0 : dims) {
    for (int64_t d1 : dims) {
      spec.tensor.dims[0] = d0;
      spec.tensor.dims[1] = d1;
      expect_same_event(event, "dims " + std::to_string(d0) + " " + std::to_string(d1));
    }
  }
  spec.tensor.rank = 3;
  spec.tensor.dims[2] = 5;
  expect_same_event(event, "rank 3");
  spec.tensor.strings.count = 0;  // a string tensor with no strings
  expect_same_event(event, "no strings");
  spec.tensor.strings.count = 4;
  const uint8_t content[] = {8, 1, 0x12, 0};
  spec.plugin_content = content;
  spec.plugin_content_size = sizeof(content);
  for (uint8_t dc = 0; dc < 0x80; dc = static_cast<uint8_t>(dc * 2 + 1)) {
    spec.data_class = static_cast<DataClass>(dc);
    expect_same_event(event, "data class " + std::to_string(dc));
  }
  spec.plugin_name = "";
  expect_same_event(event, "empty plugin name");
}

// Strings that a producer writes while the event is encoded, right or wrong.
struct Produced {
  size_t said;   // the size at() reports
  size_t wrote;  // the bytes produce() writes
  bool fails;
};
Blob produced_at(const void* context, size_t index) {
  const Produced* p = static_cast<const Produced*>(context) + index;
  Blob b;
  b.size = p->said;
  b.produce = [](const void* ctx, size_t i, ByteOut* out) {
    const Produced* q = static_cast<const Produced*>(ctx) + i;
    std::vector<uint8_t> bytes(q->wrote);
    for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<uint8_t>(k * 7 + i);
    for (size_t k = 0; k < bytes.size(); k += 5) {
      if (!out->write(bytes.data() + k, bytes.size() - k < 5 ? bytes.size() - k : 5)) return false;
    }
    return !q->fails;
  };
  return b;
}

TEST(EventDirectText, ProducedStringsRightAndWrong) {
  Produced produced[3] = {{10, 10, false}, {0, 0, false}, {300, 300, false}};
  const char* unused[1] = {""};
  SummarySpec spec;
  make_text(unused, 1, 3, 1, &spec);
  spec.tag = "p";
  spec.tag_len = 1;
  spec.tensor.strings.context = produced;
  spec.tensor.strings.at = produced_at;
  EventSpec event;
  event.summary = &spec;
  const size_t size = expect_same_event(event, "produced");
  ASSERT_GT(size, 0u);
  std::vector<uint8_t> buf(size);
  for (const Produced bad : {Produced{300, 299, false}, Produced{300, 301, false}, Produced{300, 300, true}}) {
    produced[2] = bad;
    EXPECT_FALSE(encode_event(event, buf.data(), size)) << bad.wrote << " " << bad.fails;
    EXPECT_FALSE(encode_event_general(event, buf.data(), size)) << bad.wrote << " " << bad.fails;
  }
  // A string neither in memory nor produced: nanopb's sizing fails, and so does the direct one.
  produced[2] = Produced{300, 300, false};
  spec.tensor.strings.at = [](const void*, size_t) {
    Blob b;
    b.size = 4;
    return b;
  };
  size_t n = 0;
  EXPECT_FALSE(event_size(event, &n));
  EXPECT_FALSE(event_size_general(event, &n));
}

TEST(EventDirectText, FileVersionEvent) {
  const uint64_t walls[] = {0, 1, 0x41D954FC40000000ull, 0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull};
  for (uint64_t wall : walls) {
    for (int64_t step : {int64_t{0}, int64_t{1}, int64_t{-5}}) {
      EventSpec version;
      version.wall_time_bits = wall;
      version.step = step;
      const size_t n = expect_same_event(version, "file_version wall " + std::to_string(wall));
      if (wall != 0 && step == 0) {
        EXPECT_EQ(n, 9u + 2 + sizeof(kFileVersion) - 1);
      }
    }
  }
}

TEST(EventDirectText, RandomInputs) {
  std::mt19937_64 rng(777);
  for (int i = 0; i < 3000; ++i) {
    TextInput in;
    in.wall_bits = rng() % 3 == 0 ? 0 : rng();
    in.step = rng() % 3 == 0 ? static_cast<int64_t>(rng()) : static_cast<int64_t>(rng() % 1000);
    in.tag.resize(rng() % 5 == 0 ? rng() % 600 : rng() % 40);
    for (char& c : in.tag) c = static_cast<char>(rng());
    in.rank = static_cast<uint8_t>(rng() % 3);
    in.rows = in.rank == 2 ? 1 + rng() % 4 : 1;
    in.cols = in.rank == 0 ? 1 : 1 + rng() % 6;
    in.cells.clear();
    for (size_t k = 0; k < in.rows * in.cols; ++k) {
      std::string cell(rng() % 4 == 0 ? rng() % 400 : rng() % 20, ' ');
      for (char& c : cell) c = static_cast<char>(1 + rng() % 255);
      in.cells.push_back(cell);
    }
    in.markdown = in.rank > 0 && (rng() & 1) != 0;
    in.with_metadata = (rng() & 1) != 0;
    expect_same_text(in);
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace detail
}  // namespace tinytb
