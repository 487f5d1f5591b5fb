// The classic summary form (docs/format.md, "Summary forms"): simple_value, Summary.Image,
// HistogramProto, Summary.Audio and Markdown lists and tables. Every kind is logged in both
// forms from the same inputs, and the classic values are turned into tensor rows the way
// TensorBoard does (tensorboard/data_compat.py), so both forms must present the same data.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "event_reader.h"
#include "format/event.h"
#include "image_reference.h"
#include "lodepng_decoder.h"
#include "summary/summary.h"
#include "test_sink.h"
#include "tinytb/writer/event_writer.h"
#include "wall_clock.h"

namespace {

using tinytb::Status;
using tinytb::SummaryForm;

tinytb::WallTime wall() { return wall_time_of(1.7e9); }

// A writer of either form with room for everything below; the events it wrote.
struct Logged {
  explicit Logged(SummaryForm form) : writer(std::make_unique<tinytb::EventWriter<300000, 16, 64>>()) {
    tinytb::WriterOptions options;
    options.form = form;
    options.clock.wall_time = wall;
    options.max_queue = 1000;
    EXPECT_EQ(writer->open(sink, options), Status::kOk);
  }
  std::vector<tinytb_test::ParsedEvent> events() {
    EXPECT_EQ(writer->close(), Status::kOk);
    const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.file(0).bytes);
    EXPECT_FALSE(f.corrupt || f.torn);
    return std::vector<tinytb_test::ParsedEvent>(f.events.begin() + 1, f.events.end());
  }
  tinytb_test::TestSink sink;
  std::unique_ptr<tinytb::EventWriter<300000, 16, 64>> writer;
};

TEST(ClassicForm, TheDefaultIsClassicAndAFormOutsideTheEnumIsRefused) {
  EXPECT_EQ(tinytb::WriterOptions().form, SummaryForm::kClassic);
  tinytb_test::TestSink sink;
  tinytb::EventWriter<1024, 4> writer;
  tinytb::WriterOptions options;
  options.form = static_cast<SummaryForm>(0);
  EXPECT_EQ(writer.open(sink, options), Status::kInvalidArgument);
  EXPECT_FALSE(writer.is_open());
}

TEST(ClassicForm, ScalarIsASimpleValueWithoutMetadata) {
  Logged classic(SummaryForm::kClassic);
  ASSERT_EQ(classic.writer->scalar("loss", 3, 0.25f), Status::kOk);
  ASSERT_EQ(classic.writer->scalar("loss", 4, -1.5f), Status::kOk);
  const auto events = classic.events();
  ASSERT_EQ(events.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const tinytb_test::ParsedValue& v = events[i].values.at(0);
    EXPECT_EQ(v.tag, "loss");
    EXPECT_EQ(v.classic, 2);
    EXPECT_FALSE(v.has_tensor);
    EXPECT_FALSE(v.has_metadata);
    EXPECT_EQ(v.simple_value, i == 0 ? 0.25f : -1.5f);
    EXPECT_EQ(events[i].step, i == 0 ? 3 : 4);
  }
}

// The direct scalar path writes exactly nanopb's bytes for a simple_value too.
TEST(ClassicForm, DirectSimpleValueMatchesNanopb) {
  for (float value : {0.0f, -0.0f, 1.5f, 3.4e38f}) {
    for (int64_t step : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1} << 40}) {
      for (double wall_time : {0.0, 1.7e9}) {
        tinytb::detail::SummarySpec spec;
        tinytb::detail::make_simple_scalar(&value, &spec);
        spec.tag = "a/b";
        spec.tag_len = 3;
        tinytb::detail::EventSpec event;
        memcpy(&event.wall_time_bits, &wall_time, sizeof(wall_time));  // the double's bits
        event.step = step;
        event.summary = &spec;
        ASSERT_TRUE(tinytb::detail::is_direct_event(event));
        size_t direct = 0, general = 0;
        ASSERT_TRUE(tinytb::detail::event_size(event, &direct));
        ASSERT_TRUE(tinytb::detail::event_size_general(event, &general));
        ASSERT_EQ(direct, general);
        std::vector<uint8_t> a(direct), b(general);
        ASSERT_TRUE(tinytb::detail::encode_event(event, a.data(), a.size()));
        ASSERT_TRUE(tinytb::detail::encode_event_general(event, b.data(), b.size()));
        EXPECT_EQ(a, b) << value << " " << step;
      }
    }
  }
}

// TensorBoard's data server: row i is (min or bucket_limit[i - 1], bucket_limit[i] or
// max, bucket[i]).
std::vector<double> served_rows(const tinytb_test::ParsedValue& v) {
  std::vector<double> rows;
  const size_t k = v.bucket.size();
  for (size_t i = 0; i < k; ++i) {
    rows.push_back(i == 0 ? v.min : v.bucket_limit[i - 1]);
    rows.push_back(i + 1 == k ? v.max : v.bucket_limit[i]);
    rows.push_back(v.bucket[i]);
  }
  return rows;
}

std::vector<double> tensor_rows(const tinytb_test::ParsedValue& v) {
  std::vector<double> all(v.content.size() / 8);
  std::memcpy(all.data(), v.content.data(), v.content.size());
  return all;
}

TEST(ClassicForm, HistogramShowsTheTensorFormsRows) {
  const int8_t scores[] = {-128, -100, -3, 0, 0, 7, 50, 51, 127, 127, 90, -60};
  const float floats[] = {0.5f, -2.25f, 1e-3f, 3.0f, 3.0f, -0.75f};
  tinytb::Histogram<7> a;
  tinytb::Histogram<30> b;
  tinytb::Histogram<5> c;  // a fixed range with empty buckets at both ends
  ASSERT_EQ(a.compute({scores, 12, {0.0390625f, -3}}), Status::kOk);
  ASSERT_EQ(b.compute({floats, 6}), Status::kOk);
  ASSERT_EQ(c.reset_range(-10.0, 10.0, 5), Status::kOk);
  ASSERT_EQ(c.add({floats, 6}), Status::kOk);
  std::vector<tinytb_test::ParsedEvent> forms[2];
  for (SummaryForm form : {SummaryForm::kTensor, SummaryForm::kClassic}) {
    Logged log(form);
    ASSERT_EQ(log.writer->histogram("h/int8", 1, a), Status::kOk);
    ASSERT_EQ(log.writer->histogram("h/float", 1, b), Status::kOk);
    ASSERT_EQ(log.writer->histogram("h/range", 1, c), Status::kOk);
    forms[form == SummaryForm::kClassic] = log.events();
  }
  const tinytb::HistogramBase* hs[] = {&a, &b, &c};
  const float* data[] = {nullptr, floats, floats};
  for (size_t e = 0; e < 3; ++e) {
    const tinytb_test::ParsedValue& t = forms[0].at(e).values.at(0);
    const tinytb_test::ParsedValue& v = forms[1].at(e).values.at(0);
    EXPECT_EQ(v.tag, t.tag);
    EXPECT_EQ(v.classic, 5);
    EXPECT_FALSE(v.has_metadata);
    EXPECT_EQ(served_rows(v), tensor_rows(t)) << t.tag;
    EXPECT_EQ(v.num, static_cast<double>(hs[e]->count()));
    ASSERT_EQ(v.bucket.size(), hs[e]->buckets());
    for (size_t i = 0; i < hs[e]->buckets(); ++i) EXPECT_EQ(v.bucket_limit[i], hs[e]->right_edge(i));
    // sum and sum of squares of the real values
    double sum = 0, squares = 0;
    for (size_t i = 0; i < (e == 0 ? 12u : 6u); ++i) {
      const double x = e == 0 ? 0.0390625 * (scores[i] + 3) : static_cast<double>(data[e][i]);
      sum += x;
      squares += x * x;
    }
    EXPECT_DOUBLE_EQ(v.sum, sum) << t.tag;
    EXPECT_DOUBLE_EQ(v.sum_squares, squares) << t.tag;
  }
  // With TF2's rule min and max are the data's.
  EXPECT_EQ(forms[1][0].values[0].min, 0.0390625 * (-128 + 3));
  EXPECT_EQ(forms[1][0].values[0].max, 0.0390625 * (127 + 3));
  EXPECT_EQ(forms[1][1].values[0].min, -2.25);
  EXPECT_EQ(forms[1][1].values[0].max, 3.0);
}

TEST(ClassicForm, AudioIsOneSummaryAudioPerClipWithTheSameWavBytes) {
  std::vector<int16_t> pcm(800);
  for (size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<int16_t>(i * 37);
  std::vector<float> stereo(2 * 300);
  for (size_t i = 0; i < stereo.size(); ++i) stereo[i] = static_cast<float>(i % 50) / 50.0f - 0.5f;
  const tinytb::AudioClip mono[] = {{pcm.data(), 800, "yes"}, {pcm.data(), 400}};
  const tinytb::AudioClip two[] = {{stereo.data(), 300}};
  std::vector<tinytb_test::ParsedEvent> forms[2];
  for (SummaryForm form : {SummaryForm::kTensor, SummaryForm::kClassic}) {
    Logged log(form);
    ASSERT_EQ(log.writer->audio("kws/heard", 2, mono, 2, 16000), Status::kOk);
    ASSERT_EQ(log.writer->audio("kws/stereo", 2, two, 1, 8000, 2), Status::kOk);
    forms[form == SummaryForm::kClassic] = log.events();
  }
  const auto& batch = forms[1].at(0).values;
  ASSERT_EQ(batch.size(), 2u);
  const auto& tensor = forms[0].at(0).values.at(0).strings;  // [2, 2]: clip, label, clip, label
  ASSERT_EQ(tensor.size(), 4u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(batch[i].tag, "kws/heard/audio/" + std::to_string(i));
    EXPECT_EQ(batch[i].classic, 6);
    EXPECT_EQ(batch[i].sample_rate, 16000.0f);
    EXPECT_EQ(batch[i].num_channels, 1);
    EXPECT_EQ(batch[i].length_frames, i == 0 ? 800 : 400);
    EXPECT_EQ(batch[i].content_type, "audio/wav");
    EXPECT_EQ(batch[i].encoded, tensor[2 * i]);
  }
  const tinytb_test::ParsedValue& one = forms[1].at(1).values.at(0);
  EXPECT_EQ(one.tag, "kws/stereo");  // one clip: the tag as it is
  EXPECT_EQ(one.num_channels, 2);
  EXPECT_EQ(one.length_frames, 300);
  EXPECT_EQ(one.encoded, forms[0].at(1).values.at(0).strings.at(0));
}

TEST(ClassicForm, ImagesAreOneSummaryImageEachInEveryPngMode) {
  std::vector<uint8_t> rgb(40 * 30 * 3 + 2);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>(i * 7 + i / 40);
  std::vector<uint8_t> gray(40 * 30);
  for (size_t i = 0; i < gray.size(); ++i) gray[i] = static_cast<uint8_t>(i / 5);
  // Three different frames of one size: each value must carry its own.
  const tinytb::ImageView same[] = {tinytb::ImageView::frame(tinytb::PixelFormat::kRgb888, rgb.data(), 40, 30),
                                    tinytb::ImageView::frame(tinytb::PixelFormat::kRgb888, rgb.data() + 1, 40, 30),
                                    tinytb::ImageView::frame(tinytb::PixelFormat::kRgb888, rgb.data() + 2, 40, 30)};
  const tinytb::ImageView mono = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, gray.data(), 40, 30);
  for (tinytb::PngMode mode :
       {tinytb::PngMode::kStored, tinytb::PngMode::kFast, tinytb::PngMode::kCompressed, tinytb::PngMode::kLodepng}) {
    static tinytb::PngEncoder<40, 30, 3, tinytb::PngMode::kStored, 3> stored;
    static tinytb::PngEncoder<40, 30, 3, tinytb::PngMode::kFast, 3> fast;
    static tinytb::PngEncoder<40, 30, 3, tinytb::PngMode::kCompressed, 3> compressed;
    static tinytb::PngEncoder<40, 30, 3, tinytb::PngMode::kLodepng, 3> lode;
    tinytb::PngEncoderBase& png = mode == tinytb::PngMode::kStored ? static_cast<tinytb::PngEncoderBase&>(stored)
                                  : mode == tinytb::PngMode::kFast ? static_cast<tinytb::PngEncoderBase&>(fast)
                                  : mode == tinytb::PngMode::kCompressed
                                      ? static_cast<tinytb::PngEncoderBase&>(compressed)
                                      : static_cast<tinytb::PngEncoderBase&>(lode);
    Logged log(SummaryForm::kClassic);
    ASSERT_EQ(log.writer->images("cam/batch", 1, same, 3, png), Status::kOk);
    ASSERT_EQ(log.writer->image("cam/gray", 1, mono, png), Status::kOk);
    const auto events = log.events();
    ASSERT_EQ(events.size(), 2u);
    ASSERT_EQ(events[0].values.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
      const tinytb_test::ParsedValue& v = events[0].values[i];
      EXPECT_EQ(v.tag, "cam/batch/image/" + std::to_string(i));
      EXPECT_EQ(v.classic, 4);
      EXPECT_EQ(v.width, 40);
      EXPECT_EQ(v.height, 30);
      EXPECT_EQ(v.colorspace, 3);
      tinytb_test::DecodedPng got;
      ASSERT_TRUE(tinytb_test::decode_png(reinterpret_cast<const uint8_t*>(v.encoded.data()), v.encoded.size(), &got))
          << got.error << " " << tinytb::png_mode_name(mode);
      EXPECT_TRUE(got.pixels == tinytb_test::reference_pixels(same[i]).pixels) << tinytb::png_mode_name(mode);
    }
    const tinytb_test::ParsedValue& g = events[1].values.at(0);
    EXPECT_EQ(g.tag, "cam/gray");
    EXPECT_EQ(g.colorspace, 1);
    tinytb_test::DecodedPng got;
    ASSERT_TRUE(tinytb_test::decode_png(reinterpret_cast<const uint8_t*>(g.encoded.data()), g.encoded.size(), &got));
    EXPECT_TRUE(got.pixels == gray);
  }
}

TEST(ClassicForm, EncodedImagesKeepTheirBytesAndDeclareTheirColorspace) {
  const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                         0,    0,   0,   2,   0,    0,    0,    3,    8, 6, 0, 0, 0, 0, 0, 0};
  const tinytb::EncodedImage files[] = {{png, sizeof(png)}, {png, sizeof(png)}};
  Logged log(SummaryForm::kClassic);
  ASSERT_EQ(log.writer->encoded_images("raw", 1, files, 2, 2, 3), Status::kOk);
  ASSERT_EQ(log.writer->encoded_image("one", 1, files[0], 2, 3), Status::kOk);
  const auto events = log.events();
  ASSERT_EQ(events.at(0).values.size(), 2u);
  EXPECT_EQ(events[0].values[1].tag, "raw/image/1");
  EXPECT_EQ(events[0].values[1].colorspace, 4);  // colour type 6: RGBA
  EXPECT_EQ(events[0].values[1].encoded, std::string(reinterpret_cast<const char*>(png), sizeof(png)));
  EXPECT_EQ(events.at(1).values.at(0).tag, "one");
}

TEST(ClassicForm, ListsAndTablesAreOneMarkdownString) {
  const char* items[] = {"first", "two\nlines", "**bold**"};
  const char* cells[] = {"a|b", "`x|y`", "c\\|d", "line\r\nbreak", "", "ok"};
  Logged log(SummaryForm::kClassic);
  ASSERT_EQ(log.writer->text_list("notes/list", 1, items, 3), Status::kOk);
  ASSERT_EQ(log.writer->text_table("notes/table", 1, cells, 2, 3), Status::kOk);
  ASSERT_EQ(log.writer->text("notes/plain", 1, "just *markdown*"), Status::kOk);
  const auto events = log.events();
  ASSERT_EQ(events.size(), 3u);
  for (const auto& e : events) {
    const tinytb_test::ParsedValue& v = e.values.at(0);
    EXPECT_EQ(v.dtype, 7);
    EXPECT_TRUE(v.dims.empty()) << v.tag;  // rank 0
    EXPECT_EQ(v.plugin_name, "text");
    ASSERT_EQ(v.strings.size(), 1u);
  }
  EXPECT_EQ(events[0].values[0].strings[0], "- first\n- two  \n  lines\n- **bold**\n");
  EXPECT_EQ(events[1].values[0].strings[0],
            "|  |  |  |\n| --- | --- | --- |\n| a\\|b | `x|y` | c\\|d |\n| line<br>break |  | ok |\n");
  EXPECT_EQ(events[2].values[0].strings[0], "just *markdown*");
}

// Record bounds (sizing.h) cover the classic records.
TEST(ClassicForm, SizingBoundsHold) {
  tinytb::Histogram<30> h;
  const float f[] = {1, 2, 3};
  ASSERT_EQ(h.compute({f, 3}), Status::kOk);
  std::vector<int16_t> pcm(1000);
  const tinytb::AudioClip clips[] = {{pcm.data(), 1000}, {pcm.data(), 1000}, {pcm.data(), 1000}};
  std::vector<uint8_t> rgb(16 * 8 * 3, 9);
  const tinytb::ImageView v = tinytb::ImageView::frame(tinytb::PixelFormat::kRgb888, rgb.data(), 16, 8);
  const tinytb::ImageView batch[] = {v, v, v, v, v, v, v, v, v, v, v, v};
  static tinytb::PngEncoder<16, 8, 3, tinytb::PngMode::kStored, 12> png;
  for (size_t tag_len : {1u, 20u, 60u}) {
    const std::string tag(tag_len, 't');
    auto size_of = [&](auto log_call) {
      Logged log(SummaryForm::kClassic);
      EXPECT_EQ(log_call(*log.writer), Status::kOk);
      return log.writer->queued_bytes();
    };
    EXPECT_LE(size_of([&](tinytb::EventWriterBase& w) { return w.histogram(tag.c_str(), 1, h); }),
              tinytb::histogram_record_bytes(tag_len, 30));
    for (size_t k = 1; k <= 3; ++k) {
      EXPECT_LE(size_of([&](tinytb::EventWriterBase& w) { return w.audio(tag.c_str(), 1, clips, k, 16000); }),
                tinytb::audio_record_bytes(tag_len, k, 1000));
    }
    for (size_t k : {1u, 2u, 11u, 12u}) {
      EXPECT_LE(size_of([&](tinytb::EventWriterBase& w) { return w.images(tag.c_str(), 1, batch, k, png); }),
                tinytb::image_record_bytes(tag_len, 16, 8, 3, k))
          << k;
    }
  }
}

}  // namespace

// The table docs/format.md quotes ("Summary forms: bytes per record"): the bytes one value
// takes in each form, the first value of a tag (metadata in the tensor form) and the next.
// Classic must not be larger where docs/format.md says it is smaller.
TEST(ClassicForm, RecordBytesPerKind) {
  std::vector<uint8_t> gray(96 * 96);
  for (size_t i = 0; i < gray.size(); ++i) gray[i] = static_cast<uint8_t>(i * 13 + i / 96);
  const tinytb::ImageView frame = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, gray.data(), 96, 96);
  const tinytb::ImageView four[] = {frame, frame, frame, frame};
  static tinytb::PngEncoder<96, 96, 1, tinytb::PngMode::kStored, 4> png;
  tinytb::Histogram<30> h;
  const int8_t scores[] = {-128, -3, 0, 7, 50, 127, 90, -60, 12, 12, 13, 14};
  ASSERT_EQ(h.compute({scores, 12, {0.0390625f, -3}}), Status::kOk);
  std::vector<int16_t> pcm(16000, 5);
  const tinytb::AudioClip second(pcm.data(), 16000);
  const char* items[] = {"person", "no person", "unknown"};
  const char* cells[] = {"class", "score", "person", "0.93", "no person", "0.07"};
  struct Row {
    const char* kind;
    std::function<Status(tinytb::EventWriterBase&, int64_t)> log;
  };
  const Row rows[] = {
      {"scalar (tag train/loss)", [](tinytb::EventWriterBase& w, int64_t s) { return w.scalar("train/loss", s, 0.5f); }},
      {"image 96x96 gray, stored", [&](tinytb::EventWriterBase& w, int64_t s) { return w.image("cam/frame", s, frame, png); }},
      {"images 4 x 96x96 gray", [&](tinytb::EventWriterBase& w, int64_t s) { return w.images("cam/batch", s, four, 4, png); }},
      {"histogram 30 buckets", [&](tinytb::EventWriterBase& w, int64_t s) { return w.histogram("model/scores", s, h); }},
      {"audio 1 s 16 kHz mono", [&](tinytb::EventWriterBase& w, int64_t s) { return w.audio("kws/heard", s, &second, 1, 16000); }},
      {"text_list 3 items", [&](tinytb::EventWriterBase& w, int64_t s) { return w.text_list("labels", s, items, 3); }},
      {"text_table 3x2", [&](tinytb::EventWriterBase& w, int64_t s) { return w.text_table("top", s, cells, 3, 2); }},
  };
  printf("| kind | tensor: first | tensor: next | classic: first | classic: next |\n|---|---|---|---|---|\n");
  for (const Row& row : rows) {
    size_t bytes[2][2] = {};
    for (SummaryForm form : {SummaryForm::kTensor, SummaryForm::kClassic}) {
      Logged log(form);
      for (int64_t step = 1; step <= 2; ++step) {
        const size_t before = log.writer->queued_bytes();
        ASSERT_EQ(row.log(*log.writer, step), Status::kOk) << row.kind;
        bytes[form == SummaryForm::kClassic][step - 1] = log.writer->queued_bytes() - before;
      }
      (void)log.events();
    }
    printf("| %s | %zu | %zu | %zu | %zu |\n", row.kind, bytes[0][0], bytes[0][1], bytes[1][0], bytes[1][1]);
    if (std::string(row.kind).rfind("scalar", 0) == 0) {
      EXPECT_LT(bytes[1][0], bytes[0][0]);
      EXPECT_LT(bytes[1][1], bytes[0][1]);
    }
  }
}
