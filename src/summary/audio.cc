// tinytb: audio clips as 16-bit PCM WAV, streamed into the queue while the event is
// encoded.
#include <math.h>
#include <string.h>

#include "format/names.h"
#include "summary/summary.h"
#include "tinytb/summary/audio.h"

namespace tinytb {
namespace {

// Samples converted per step on the stack: 128 bytes.
constexpr size_t kChunkSamples = 64;

using detail::AudioSource;

void put_u16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

void put_u32(uint8_t* p, uint32_t v) {
  put_u16(p, v);
  put_u16(p + 2, v >> 16);
}

// TensorFlow's rule (tensorflow/core/lib/wav/wav_io.cc): roundf(x * 32768), clipped.
int16_t pcm16_of(float x) {
  if (isnan(x)) return 0;
  const float scaled = roundf(x * 32768.0f);
  if (scaled <= -32768.0f) return INT16_MIN;
  if (scaled >= 32767.0f) return INT16_MAX;
  return static_cast<int16_t>(scaled);
}

size_t data_bytes(const AudioClip& clip, uint16_t channels) { return clip.frames * channels * 2; }

bool produce_wav(const void* context, size_t index, detail::ByteOut* out) {
  const AudioSource& source = *static_cast<const AudioSource*>(context);
  const AudioClip& clip = source.clips[source.labelled ? index / 2 : index];
  const uint32_t data = static_cast<uint32_t>(data_bytes(clip, source.channels));
  const uint32_t block = 2u * source.channels;

  uint8_t header[kWavHeaderBytes];
  memcpy(header, "RIFF", 4);
  put_u32(header + 4, 36 + data);
  memcpy(header + 8, "WAVEfmt ", 8);
  put_u32(header + 16, 16);  // the fmt chunk's size
  put_u16(header + 20, 1);   // PCM
  put_u16(header + 22, source.channels);
  put_u32(header + 24, source.sample_rate);
  put_u32(header + 28, source.sample_rate * block);  // bytes per second
  put_u16(header + 32, block);
  put_u16(header + 34, 16);  // bits per sample
  memcpy(header + 36, "data", 4);
  put_u32(header + 40, data);
  if (!out->write(header, sizeof(header))) return false;

  const size_t samples = clip.frames * source.channels;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // WAV is little-endian like the machine: the caller's samples are the bytes.
  if (clip.pcm16 != nullptr) return out->write(reinterpret_cast<const uint8_t*>(clip.pcm16), samples * 2);
#endif
  uint8_t chunk[kChunkSamples * 2];
  for (size_t done = 0; done < samples;) {
    const size_t n = samples - done < kChunkSamples ? samples - done : kChunkSamples;
    for (size_t i = 0; i < n; ++i) {
      const int16_t s = clip.pcm16 != nullptr ? clip.pcm16[done + i] : pcm16_of(clip.pcm_float[done + i]);
      put_u16(chunk + 2 * i, static_cast<uint16_t>(s));
    }
    if (!out->write(chunk, 2 * n)) return false;
    done += n;
  }
  return true;
}

detail::Blob audio_string_at(const void* context, size_t index) {
  const AudioSource& source = *static_cast<const AudioSource*>(context);
  detail::Blob blob;
  if (source.labelled && index % 2 == 1) {
    const char* label = source.clips[index / 2].label;
    blob.data = reinterpret_cast<const uint8_t*>(label != nullptr ? label : "");
    blob.size = label != nullptr ? strlen(label) : 0;
    return blob;
  }
  const AudioClip& clip = source.clips[source.labelled ? index / 2 : index];
  blob.size = kWavHeaderBytes + data_bytes(clip, source.channels);
  blob.produce = produce_wav;
  return blob;
}

int64_t clip_frames(const void* context, size_t item) {
  return static_cast<int64_t>(static_cast<const AudioSource*>(context)->clips[item].frames);
}

}  // namespace

// ---- the summary ----------------------------------------------------------------------------

Status detail::make_audio(const AudioClip* clips, size_t count, uint32_t sample_rate, uint16_t channels,
                          size_t max_bytes, AudioSource* source, SummarySpec* spec) {
  if (clips == nullptr || count == 0 || sample_rate == 0 || (channels != 1 && channels != 2)) {
    return Status::kInvalidArgument;
  }
  if (sample_rate > UINT32_MAX / (2u * channels)) return Status::kInvalidArgument;  // bytes/s must fit the header
  if (count > max_bytes / kWavHeaderBytes) return Status::kTooLarge;
  // A WAV file's sizes are 32-bit: data + 36 must fit, and so must the 44-byte whole.
  const size_t max_frames = (UINT32_MAX - kWavHeaderBytes) / (2u * channels);
  bool labelled = false;
  for (size_t i = 0; i < count; ++i) {
    const AudioClip& clip = clips[i];
    if ((clip.pcm16 == nullptr) == (clip.pcm_float == nullptr) || clip.frames == 0) return Status::kInvalidArgument;
    if (clip.frames > max_frames || wav_bytes(clip.frames, channels) > max_bytes) return Status::kTooLarge;
    if (clip.label != nullptr) {
      const size_t n = bounded_length(clip.label, max_bytes);
      if (n > max_bytes) return Status::kTooLarge;
      if (!is_utf8(clip.label, n)) return Status::kInvalidArgument;
      labelled = true;
    }
  }
  *source = AudioSource{clips, sample_rate, channels, labelled};

  spec->plugin_name = "audio";
  spec->data_class = DataClass::kBlobSequence;
  spec->plugin_content = kAudioPluginContent;
  spec->plugin_content_size = sizeof(kAudioPluginContent);
  spec->tensor = TensorSpec{};
  spec->tensor.dtype = DType::kString;
  spec->tensor.rank = labelled ? 2 : 1;
  spec->tensor.dims[0] = static_cast<int64_t>(count);
  spec->tensor.dims[1] = 2;
  spec->tensor.strings.count = labelled ? 2 * count : count;
  spec->tensor.strings.context = source;
  spec->tensor.strings.at = audio_string_at;
  return Status::kOk;
}

void detail::make_classic_audio(detail::SummarySpec* spec) {
  const AudioSource& source = *static_cast<const AudioSource*>(spec->tensor.strings.context);
  detail::ClassicSpec& c = spec->classic;
  c = detail::ClassicSpec{};
  c.kind = detail::ValueKind::kAudio;
  c.stride = source.labelled ? 2 : 1;  // the labels between the clips are skipped
  c.items = spec->tensor.strings.count / c.stride;
  c.suffix = "/audio/";
  c.sample_rate = static_cast<float>(source.sample_rate);
  c.num_channels = source.channels;
  c.frames = clip_frames;
  spec->plugin_name = nullptr;
  spec->plugin_content = nullptr;
  spec->plugin_content_size = 0;
}

}  // namespace tinytb
