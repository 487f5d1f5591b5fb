// Audio: WAV header bytes, int16 and float samples (rounding, clipping), stereo, k clips,
// labels, bad input, and the record size bound.
#include "tinytb/summary/audio.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "event_reader.h"
#include "test_sink.h"
#include "tinytb/writer/event_writer.h"
#include "tinytb/summary/sizing.h"
#include "wall_clock.h"

namespace {

using tinytb_test::tensor_form;

using tinytb::AudioClip;
using tinytb::Status;

tinytb::WallTime wall() { return wall_time_of(1.7e9); }

class AudioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options.logdir = "logs";
    options.run = "run";
    options.clock.wall_time = wall;
    options.max_queue = 1000;
    ASSERT_EQ(writer.open(sink, options), Status::kOk);
  }
  // The events logged so far (closes the writer).
  std::vector<tinytb_test::ParsedEvent> events() {
    EXPECT_EQ(writer.close(), Status::kOk);
    const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.file(0).bytes);
    EXPECT_FALSE(f.corrupt || f.torn);
    return std::vector<tinytb_test::ParsedEvent>(f.events.begin() + 1, f.events.end());
  }

  tinytb_test::TestSink sink;
  tinytb::WriterOptions options = tensor_form();
  tinytb::EventWriter<8192, 8, 40> writer;
};

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

std::string le16(const std::vector<int16_t>& samples) {
  std::string s;
  for (int16_t v : samples) {
    s.push_back(static_cast<char>(static_cast<uint16_t>(v) & 0xFF));
    s.push_back(static_cast<char>(static_cast<uint16_t>(v) >> 8));
  }
  return s;
}

TEST_F(AudioTest, MonoInt16IsACanonicalWavFileByteForByte) {
  const int16_t pcm[] = {0, 1, -1, 32767, -32768};
  const AudioClip clip(pcm, 5);
  ASSERT_EQ(writer.audio("mic", 0, &clip, 1, 16000), Status::kOk);
  const auto e = events();
  ASSERT_EQ(e.size(), 1u);
  const auto& v = e[0].values[0];
  EXPECT_EQ(v.dtype, 7);  // DT_STRING
  EXPECT_EQ(v.dims, (std::vector<int64_t>{1}));
  ASSERT_EQ(v.strings.size(), 1u);
  const std::string want = bytes({'R', 'I', 'F', 'F', 46, 0, 0, 0, 'W', 'A', 'V', 'E',   // 36 + 10 data bytes
                                  'f', 'm', 't', ' ', 16, 0, 0, 0, 1, 0, 1, 0,           // PCM, mono
                                  0x80, 0x3E, 0, 0, 0x00, 0x7D, 0, 0, 2, 0, 16, 0,       // 16000 Hz, 32000 B/s
                                  'd', 'a', 't', 'a', 10, 0, 0, 0}) +
                           bytes({0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x80});
  EXPECT_EQ(v.strings[0], want);
  EXPECT_EQ(v.plugin_name, "audio");
  EXPECT_EQ(v.plugin_content, bytes({0x10, 0x0b}));  // AudioPluginData{encoding: WAV}
  EXPECT_EQ(v.data_class, 3);                        // BLOB_SEQUENCE
}

TEST_F(AudioTest, FloatSamplesAreRoundedAndClippedLikeTensorFlow) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const float x[] = {0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 1.5f, -2.0f, inf, -inf, nan,
                     0.5f / 32768, -0.5f / 32768, 0.49f / 32768, 100.4f / 32768, 32766.5f / 32768};
  const std::vector<int16_t> want = {0, 32767, -32768, 16384, -16384, 32767, -32768, 32767, -32768, 0,
                                     1, -1, 0, 100, 32767};
  const AudioClip clip(x, sizeof(x) / sizeof(x[0]));
  ASSERT_EQ(writer.audio("synth", 0, &clip, 1, 8000), Status::kOk);
  const auto e = events();
  const std::string& wav = e[0].values[0].strings[0];
  ASSERT_EQ(wav.size(), 44 + 2 * want.size());
  EXPECT_EQ(wav.substr(44), le16(want));
}

TEST_F(AudioTest, LongFloatClipCrossesConversionChunksIntact) {
  std::vector<float> x(1000);
  std::vector<int16_t> want(1000);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = std::sin(0.05f * static_cast<float>(i)) * 1.2f;  // clips at the peaks
    want[i] = static_cast<int16_t>(std::max(-32768.0f, std::min(32767.0f, std::round(x[i] * 32768.0f))));
  }
  const AudioClip clip(x.data(), x.size());
  ASSERT_EQ(writer.audio("synth", 0, &clip, 1, 44100), Status::kOk);
  EXPECT_EQ(events()[0].values[0].strings[0].substr(44), le16(want));
}

TEST_F(AudioTest, StereoAndSeveralClipsPerStep) {
  const int16_t left_right[] = {1, -1, 2, -2, 3, -3};  // 3 stereo frames
  const float mono_as_stereo[] = {0.0f, 0.0f};       // 1 frame
  const AudioClip clips[] = {AudioClip(left_right, 3), AudioClip(mono_as_stereo, 1)};
  ASSERT_EQ(writer.audio("pair", 7, clips, 2, 48000, 2), Status::kOk);
  const auto e = events();
  const auto& v = e[0].values[0];
  EXPECT_EQ(e[0].step, 7);
  EXPECT_EQ(v.dims, (std::vector<int64_t>{2}));
  ASSERT_EQ(v.strings.size(), 2u);
  const std::string& a = v.strings[0];
  ASSERT_EQ(a.size(), 44u + 12);
  EXPECT_EQ(a.substr(22, 2), bytes({2, 0}));                  // channels
  EXPECT_EQ(a.substr(24, 4), bytes({0x80, 0xBB, 0, 0}));      // 48000
  EXPECT_EQ(a.substr(28, 4), bytes({0x00, 0xEE, 0x02, 0}));   // 192000 bytes/s
  EXPECT_EQ(a.substr(32, 2), bytes({4, 0}));                  // block align
  EXPECT_EQ(a.substr(40, 4), bytes({12, 0, 0, 0}));
  EXPECT_EQ(a.substr(44), le16({1, -1, 2, -2, 3, -3}));
  EXPECT_EQ(v.strings[1].size(), 44u + 4);
}

TEST_F(AudioTest, LabelsMakeAKBy2Tensor) {
  const int16_t pcm[] = {5, 6};
  const AudioClip clips[] = {AudioClip(pcm, 2, "**yes** (0.93)"), AudioClip(pcm, 1)};
  ASSERT_EQ(writer.audio("heard", 0, clips, 2, 16000), Status::kOk);
  const auto e = events();
  const auto& v = e[0].values[0];
  EXPECT_EQ(v.dims, (std::vector<int64_t>{2, 2}));
  ASSERT_EQ(v.strings.size(), 4u);
  EXPECT_EQ(v.strings[0].substr(44), le16({5, 6}));
  EXPECT_EQ(v.strings[1], "**yes** (0.93)");
  EXPECT_EQ(v.strings[2].substr(44), le16({5}));
  EXPECT_EQ(v.strings[3], "");
}

TEST_F(AudioTest, BadInputIsRefusedNothingIsWrittenAndTheWriterStaysUsable) {
  const int16_t pcm[] = {1, 2, 3};
  const float f[] = {0.1f};
  AudioClip both(pcm, 3);
  both.pcm_float = f;
  const AudioClip neither;
  const AudioClip empty(pcm, 0);
  const AudioClip bad_label(pcm, 3, "bad \xc3\x28");
  const AudioClip good(pcm, 3);
  EXPECT_EQ(writer.audio("a", 0, nullptr, 1, 16000), Status::kInvalidArgument);
  EXPECT_EQ(writer.audio("a", 0, &good, 0, 16000), Status::kInvalidArgument);
  EXPECT_EQ(writer.audio("a", 0, &good, 1, 0), Status::kInvalidArgument);  // sample rate 0
  EXPECT_EQ(writer.audio("a", 0, &good, 1, 16000, 0), Status::kInvalidArgument);
  EXPECT_EQ(writer.audio("a", 0, &good, 1, 16000, 3), Status::kInvalidArgument);
  EXPECT_EQ(writer.audio("a", 0, &good, 1, 0x7FFFFFFF, 2), Status::kInvalidArgument);  // bytes/s overflow
  EXPECT_EQ(writer.audio("a", 0, &both, 1, 16000), Status::kInvalidArgument);
  EXPECT_EQ(writer.audio("a", 0, &neither, 1, 16000), Status::kInvalidArgument);
  EXPECT_EQ(writer.audio("a", 0, &empty, 1, 16000), Status::kInvalidArgument);
  EXPECT_EQ(writer.audio("a", 0, &bad_label, 1, 16000), Status::kInvalidArgument);
  const AudioClip two_bad[] = {good, empty};
  EXPECT_EQ(writer.audio("a", 0, two_bad, 2, 16000), Status::kInvalidArgument);
  std::vector<int16_t> long_clip(5000);  // 10 044 bytes: more than the 8 KiB queue
  for (size_t i = 0; i < long_clip.size(); ++i) long_clip[i] = static_cast<int16_t>(i * 7);
  const AudioClip too_long(long_clip.data(), long_clip.size());
  const AudioClip huge(pcm, size_t{1} << 31);  // beyond a WAV file's 32-bit sizes
  EXPECT_EQ(writer.audio("a", 0, &huge, 1, 16000), Status::kTooLarge);
  EXPECT_EQ(writer.audio("", 0, &good, 1, 16000), Status::kInvalidTag);
  EXPECT_EQ(writer.queued_bytes(), 0u);
  EXPECT_EQ(writer.tag_count(), 0u);
  ASSERT_EQ(writer.audio("a", 0, &good, 1, 16000), Status::kOk);  // step 0 is still free
  EXPECT_EQ(writer.audio("a", 0, &good, 1, 16000), Status::kStepNotIncreasing);
  // A clip beyond the queue streams to the sink past it (docs/storage.md).
  ASSERT_EQ(writer.audio("a", 1, &too_long, 1, 16000), Status::kOk);
  EXPECT_EQ(writer.queued_bytes(), 0u);
  const auto e = events();
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].values[0].strings[0].substr(44), le16({1, 2, 3}));
  const std::string wav = e[1].values[0].strings[0];
  ASSERT_EQ(wav.size(), 44u + 10000u);
  EXPECT_EQ(wav.substr(44), le16(long_clip));
}

TEST(AudioClosed, NotOpenComesAfterArgumentChecks) {
  tinytb::EventWriter<1024, 2, 16> writer;
  const int16_t pcm[] = {1};
  const AudioClip clip(pcm, 1);
  EXPECT_EQ(writer.audio("a", 0, &clip, 1, 16000), Status::kNotOpen);
  EXPECT_EQ(writer.audio("a", 0, &clip, 1, 0), Status::kInvalidArgument);
}

TEST(AudioSizing, BoundHoldsAndIsTight) {
  for (size_t frames : {1u, 60u, 61u, 8000u, 16000u}) {
    for (uint16_t channels : {uint16_t{1}, uint16_t{2}}) {
      for (size_t clips : {1u, 3u}) {
        for (bool labels : {false, true}) {
          // The bound covers both forms (docs/format.md); it is tight for the larger one.
          size_t real[2] = {};
          const size_t bound = tinytb::audio_record_bytes(8, clips, frames, channels, labels ? 5 * clips : 0);
          for (tinytb::SummaryForm form : {tinytb::SummaryForm::kTensor, tinytb::SummaryForm::kClassic}) {
            tinytb_test::TestSink sink;
            tinytb::WriterOptions options;
            options.form = form;
            options.clock.wall_time = wall;
            options.max_queue = 1;
            auto writer = std::make_unique<tinytb::EventWriter<262144, 2, 64>>();
            ASSERT_EQ(writer->open(sink, options), Status::kOk);
            std::vector<int16_t> pcm(frames * channels, 7);
            std::vector<AudioClip> c(clips, AudioClip(pcm.data(), frames, labels ? "label" : nullptr));
            const size_t before = sink.last().bytes.size();
            ASSERT_EQ(writer->audio("mic/clip", -1, c.data(), clips, 16000, channels), Status::kOk);
            const size_t n = sink.last().bytes.size() - before;
            EXPECT_LE(n, bound) << frames << " " << channels << " " << clips << " " << labels;
            real[form == tinytb::SummaryForm::kClassic] = n;
            ASSERT_EQ(writer->close(), Status::kOk);
          }
          // Slack: the tensor form's length prefixes; the classic form's varints sized at
          // their largest (channels, frames, lengths), about 20 bytes a clip.
          EXPECT_TRUE(real[0] + 2 * clips + 8 >= bound || real[1] + 20 * clips + 8 >= bound)
              << "too loose: " << bound << " for " << real[0] << " / " << real[1];
        }
      }
    }
  }
  static_assert(tinytb::audio_record_bytes(32, 1, 16000) < 32 * 1024 + 200, "1 s of 16 kHz speech");
}

}  // namespace
