// writer.text_top_k(): ranking, labels, formatting (against printf("%.4f")), the Markdown
// table around them, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "event_reader.h"
#include "test_sink.h"
#include "tinytb/writer/event_writer.h"
#include "wall_clock.h"

namespace {

using tinytb::Status;
using tinytb::Values;

tinytb::WallTime wall() { return wall_time_of(1.7e9); }

class TopKTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options.clock.wall_time = wall;
    options.max_queue = 1000;
    ASSERT_EQ(writer.open(sink, options), Status::kOk);
  }
  std::vector<tinytb_test::ParsedEvent> events() {
    EXPECT_EQ(writer.close(), Status::kOk);
    const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.last().bytes);
    EXPECT_FALSE(f.corrupt || f.torn);
    return std::vector<tinytb_test::ParsedEvent>(f.events.begin() + 1, f.events.end());
  }

  tinytb_test::TestSink sink;
  tinytb::WriterOptions options;
  tinytb::EventWriter<65536, 8, 40> writer;
};

constexpr char kHeader[] = "| class | score |\n| --- | --- |\n";

// The rows of a text_top_k() table, (label, score) each; fails the test unless the string
// is the header and then rows of the form "| <label> | <score> |\n".
std::vector<std::pair<std::string, std::string>> rows(const tinytb_test::ParsedValue& v) {
  std::vector<std::pair<std::string, std::string>> out;
  EXPECT_TRUE(v.dims.empty()) << "a rank-0 string";
  if (v.strings.size() != 1) {
    ADD_FAILURE() << v.strings.size() << " strings";
    return out;
  }
  const std::string& text = v.strings[0];
  if (text.compare(0, sizeof(kHeader) - 1, kHeader) != 0) {
    ADD_FAILURE() << "no header: " << text;
    return out;
  }
  for (size_t pos = sizeof(kHeader) - 1; pos < text.size();) {
    const size_t end = text.find('\n', pos);
    const std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    const size_t bar = line.rfind(" | ");
    if (end == std::string::npos || line.size() < 7 || line.compare(0, 2, "| ") != 0 ||
        line.compare(line.size() - 2, 2, " |") != 0 || bar == std::string::npos || bar < 2) {
      ADD_FAILURE() << "bad row: " << line;
      return out;
    }
    out.emplace_back(line.substr(2, bar - 2), line.substr(bar + 3, line.size() - 2 - (bar + 3)));
    pos = end + 1;
  }
  return out;
}

using Rows = std::vector<std::pair<std::string, std::string>>;

std::string printf4(double v) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.4f", v);
  return buf;
}

const char* const kLabels[] = {"silence", "unknown", "yes", "no", "up", "down",
                               "left",    "right",   "on",  "off", "stop", "go"};

TEST_F(TopKTest, Int8ScoresRankedDequantisedAndFormatted) {
  const int8_t q[12] = {-128, -120, 117, -100, -128, -128, -90, -128, -128, -127, -128, -126};
  ASSERT_EQ(writer.text_top_k("kws/top3", 4, {q, 12, {1.0f / 256, -128}}, kLabels, 3), Status::kOk);
  const auto e = events();
  ASSERT_EQ(e.size(), 1u);
  const auto& v = e[0].values[0];
  EXPECT_EQ(v.dtype, 7);
  EXPECT_EQ(v.dims, (std::vector<int64_t>{}));
  EXPECT_EQ(v.plugin_name, "text");
  EXPECT_EQ(v.data_class, 2);
  EXPECT_EQ(v.strings, (std::vector<std::string>{"| class | score |\n"
                                                  "| --- | --- |\n"
                                                  "| yes | 0.9570 |\n"
                                                  "| left | 0.1484 |\n"
                                                  "| no | 0.1094 |\n"}));
}

TEST_F(TopKTest, TiesKeepTheLowerIndexNanRanksLastAndNoLabelsMeansIndices) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float s[] = {0.5f, nan, 2.0f, 0.5f, -1.0f, -0.0f};
  ASSERT_EQ(writer.text_top_k("t", 0, {s, 6}, nullptr, 6), Status::kOk);
  const auto e = events();
  EXPECT_EQ(rows(e[0].values[0]), (Rows{{"2", "2.0000"}, {"0", "0.5000"}, {"3", "0.5000"}, {"5", "-0.0000"},
                                        {"4", "-1.0000"}, {"1", "nan"}}));
}

// Labels read as written in TensorBoard: Markdown and HTML in a label stay text, and a
// '|' does not split the cell. (tests/tensorboard renders such tables with TensorBoard.)
TEST_F(TopKTest, LabelsAreEscapedForMarkdown) {
  const float s[] = {0.4f, 0.3f, 0.2f, 0.1f};
  const char* const labels[] = {"_silence_", "a|b", "<b>x</b> & y", "*\\`[w]`"};
  ASSERT_EQ(writer.text_top_k("t", 0, {s, 4}, labels, 4), Status::kOk);
  const auto e = events();
  EXPECT_EQ(rows(e[0].values[0]), (Rows{{"\\_silence\\_", "0.4000"},
                                        {"a\\|b", "0.3000"},
                                        {"&lt;b>x&lt;/b> &amp; y", "0.2000"},
                                        {"\\*\\\\\\`\\[w\\]\\`", "0.1000"}}));
}

// The formatter against glibc's printf over float32 values of every magnitude below 1e14
// and every int8 and 16-bit dequantised value: digit for digit.
TEST_F(TopKTest, ScoresMatchPrintfFourDecimals) {
  std::mt19937 rng(2024);
  std::vector<float> values;
  for (int i = 0; i < 3000; ++i) {
    const float mag = std::pow(10.0f, std::uniform_real_distribution<float>(-6.0f, 13.5f)(rng));
    values.push_back(i % 2 ? mag : -mag);
  }
  for (int i = 0; i < 2000; ++i) values.push_back(static_cast<float>(i) * 0.00005f);  // ties at 5e-5 steps
  for (float f : {0.0f, 0.00005f, 0.00015f, 0.99995f, 1.5f, 0.125f, 1e-45f, 99999.99995f}) values.push_back(f);
  int64_t step = 0;
  std::vector<std::string> want;
  for (size_t i = 0; i < values.size(); i += 32, ++step) {
    const size_t n = std::min<size_t>(32, values.size() - i);
    ASSERT_EQ(writer.text_top_k("fmt", step, {values.data() + i, n}, nullptr, n), Status::kOk);
  }
  const auto e = events();
  size_t checked = 0;
  for (const auto& ev : e) {
    for (const auto& row : rows(ev.values[0])) {
      const size_t index = std::stoul(row.first) + 32 * static_cast<size_t>(ev.step);
      EXPECT_EQ(row.second, printf4(static_cast<double>(values[index]))) << values[index];
      ++checked;
    }
  }
  EXPECT_EQ(checked, values.size());
}

TEST_F(TopKTest, DequantisedIntegersMatchPrintf) {
  std::vector<int8_t> all8;
  for (int q = -128; q <= 127; ++q) all8.push_back(static_cast<int8_t>(q));
  const tinytb::Quantization scales[] = {{1.0f / 256, -128}, {0.1f, 3}, {0.0234375f, 0}, {3.7e-3f, -7}};
  int64_t step = 0;
  for (const auto& quant : scales) {
    for (size_t i = 0; i < all8.size(); i += 32) {
      ASSERT_EQ(writer.text_top_k("q8", step++, {all8.data() + i, 32, quant}, nullptr, 32), Status::kOk);
    }
  }
  const std::vector<int16_t> s16 = {-32768, -12345, -1, 0, 1, 777, 32767};
  ASSERT_EQ(writer.text_top_k("q16", 0, {s16.data(), s16.size(), {0.00030517578f, 0}}, nullptr, 7), Status::kOk);
  const auto e = events();
  for (const auto& ev : e) {
    const bool is16 = ev.values[0].tag == "q16";
    const auto& quant = is16 ? tinytb::Quantization{0.00030517578f, 0} : scales[ev.step / 8];
    for (const auto& row : rows(ev.values[0])) {
      const size_t index = std::stoul(row.first);
      const int64_t q = is16 ? s16[index] : all8[32 * static_cast<size_t>(ev.step % 8) + index];
      EXPECT_EQ(row.second, printf4(static_cast<double>(quant.scale) * static_cast<double>(q - quant.zero_point)));
    }
  }
}

TEST_F(TopKTest, HugeAndInfiniteScoresStillFormat) {
  const float s[] = {3.4028235e38f, -2.5e20f, std::numeric_limits<float>::infinity(), 1e14f};
  ASSERT_EQ(writer.text_top_k("big", 0, {s, 4}, nullptr, 4), Status::kOk);
  const auto e = events();
  EXPECT_EQ(rows(e[0].values[0]), (Rows{{"2", "inf"}, {"0", "3.4028e+38"}, {"3", "1.0000e+14"}, {"1", "-2.5000e+20"}}));
}

// Scores are formatted with integers only (no soft double on the board): every score is
// rounded from its exact value. glibc's printf rounds exactly too, so with long double
// (64-bit significand: a 24-bit scale times a 33-bit int32 offset is exact in it) it is the
// reference for int32 and uint8 scores, and "%.4e" for magnitudes from 1e14 up.
std::string exact_printf(long double v) {
  char buf[96];
  snprintf(buf, sizeof(buf), fabsl(v) < 1e14L ? "%.4Lf" : "%.4Le", v);
  return buf;
}

TEST_F(TopKTest, EveryScoreIsRoundedFromItsExactValue) {
  std::mt19937 rng(77);
  const tinytb::Quantization quants[] = {{1.7e-9f, 12}, {0.37f, -5}, {3.3e5f, 0}, {2.1e28f, 0}, {1.0f / 3, 7}};
  constexpr int kRounds = 40;
  std::vector<std::vector<int32_t>> i32(kRounds, std::vector<int32_t>(32));
  std::vector<std::vector<uint8_t>> u8(kRounds, std::vector<uint8_t>(32));
  std::vector<std::vector<float>> big(kRounds, std::vector<float>(32));
  for (int r = 0; r < kRounds; ++r) {
    const tinytb::Quantization q = quants[r % 5];
    for (auto& v : i32[r]) v = static_cast<int32_t>(rng());
    for (auto& v : u8[r]) v = static_cast<uint8_t>(rng());
    for (auto& v : big[r]) {
      v = std::pow(10.0f, std::uniform_real_distribution<float>(14.0f, 38.5f)(rng)) * (rng() % 2 ? 1.0f : -1.0f);
    }
    ASSERT_EQ(writer.text_top_k("i32", r, {i32[r].data(), 32, q}, nullptr, 32), Status::kOk);
    ASSERT_EQ(writer.text_top_k("u8", r, {u8[r].data(), 32, q}, nullptr, 32), Status::kOk);
    ASSERT_EQ(writer.text_top_k("big", r, {big[r].data(), 32}, nullptr, 32), Status::kOk);
  }
  size_t checked = 0;
  for (const auto& ev : events()) {
    const size_t r = static_cast<size_t>(ev.step);
    const tinytb::Quantization q = quants[r % 5];
    const std::string& tag = ev.values[0].tag;
    for (const auto& row : rows(ev.values[0])) {
      const size_t i = std::stoul(row.first);
      const int64_t offset = (tag == "i32" ? static_cast<int64_t>(i32[r][i]) : static_cast<int64_t>(u8[r][i])) -
                             q.zero_point;
      const long double want = tag == "big" ? static_cast<long double>(big[r][i])
                                            : static_cast<long double>(q.scale) * static_cast<long double>(offset);
      EXPECT_EQ(row.second, exact_printf(want)) << tag << " " << i;
      ++checked;
    }
  }
  EXPECT_EQ(checked, size_t{kRounds} * 3 * 32);
}

TEST_F(TopKTest, BadInputIsRefusedAndChangesNothing) {
  const float s[] = {0.1f, 0.9f, 0.5f};
  const char* const with_null[] = {"a", nullptr, "c"};
  const char* const bad_utf8[] = {"a", "b\xff", "c"};
  const char* const line_break[] = {"a", "b\nc", "c"};
  const char* const carriage_return[] = {"a", "b\r", "c"};
  const char* const ok[] = {"a", "b", "c"};
  EXPECT_EQ(writer.text_top_k("t", 0, {s, 3}, ok, 0), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_top_k("t", 0, {s, 3}, ok, 4), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_top_k("t", 0, {s, 0}, ok, 1), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_top_k("t", 0, {static_cast<const float*>(nullptr), 3}, ok, 1), Status::kInvalidArgument);
  const int8_t q[] = {1, 2, 3};
  EXPECT_EQ(writer.text_top_k("t", 0, {q, 3, {0.0f, 0}}, ok, 1), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_top_k("t", 0, {s, 3}, with_null, 1), Status::kInvalidArgument);  // "b" is the best
  EXPECT_EQ(writer.text_top_k("t", 0, {s, 3}, bad_utf8, 1), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_top_k("t", 0, {s, 3}, line_break, 1), Status::kInvalidArgument);  // it would end the row
  EXPECT_EQ(writer.text_top_k("t", 0, {s, 3}, carriage_return, 1), Status::kInvalidArgument);
  std::vector<float> many(40, 1.0f);
  EXPECT_EQ(writer.text_top_k("t", 0, {many.data(), 40}, nullptr, 33), Status::kInvalidArgument);
  EXPECT_EQ(writer.queued_bytes(), 0u);
  EXPECT_EQ(writer.tag_count(), 0u);
  EXPECT_EQ(writer.text_top_k("t", 0, {s, 3}, with_null, 1 /* only "b" shown */), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_top_k("t", 0, {s, 3}, bad_utf8, 3), Status::kInvalidArgument);
  ASSERT_EQ(writer.text_top_k("t", 0, {many.data(), 40}, nullptr, 32), Status::kOk);  // the limit
  ASSERT_EQ(writer.text_top_k("t", 1, {s, 3}, ok, 2), Status::kOk);
  const auto e = events();
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(rows(e[1].values[0]), (Rows{{"b", "0.9000"}, {"c", "0.5000"}}));
}

}  // namespace
