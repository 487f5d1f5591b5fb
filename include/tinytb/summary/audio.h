// tinytb: audio clips, logged as 16-bit PCM WAV in TensorFlow 2's form (a DT_STRING
// tensor of k WAV files, or [k, 2] with a label beside each; plugin "audio").
//
//   static int16_t mic[16000];                        // 1 s at 16 kHz, mono
//   tinytb::AudioClip clip(mic, 16000);
//   (void)writer.audio("mic/heard", step, &clip, 1, 16000);
//
// The WAV bytes are never built in a buffer of their own: while the event is encoded,
// the 44-byte header and then the samples (int16 as they are, floats converted a few
// dozen at a time on the stack) go straight into the writer's queue, the only copy.
// The queue must hold the whole record: audio_record_bytes() in sizing.h says how much.
//
// Float samples are converted the way TensorFlow's WAV encoder does
// (tensorflow/core/lib/wav/wav_io.cc): roundf(x * 32768) clipped to [-32768, 32767], so
// 1.0 becomes 32767 and anything beyond [-1, 1] is clipped. NaN becomes 0.
#ifndef TINYTB_AUDIO_H_
#define TINYTB_AUDIO_H_

#include <stddef.h>
#include <stdint.h>

namespace tinytb {

// One clip: `frames` frames of interleaved samples (L R L R ... for stereo), either
// int16 or float, in caller memory read during the logging call only. `label`
// (optional, NUL-terminated UTF-8 Markdown) makes the tensor [k, 2]; note that
// TensorBoard 2.20 stores labels but does not show them.
struct AudioClip {
  AudioClip() = default;
  AudioClip(const int16_t* samples, size_t frame_count, const char* text = nullptr)
      : pcm16(samples), frames(frame_count), label(text) {}
  AudioClip(const float* samples, size_t frame_count, const char* text = nullptr)
      : pcm_float(samples), frames(frame_count), label(text) {}

  const int16_t* pcm16 = nullptr;   // exactly one of pcm16 and pcm_float is set
  const float* pcm_float = nullptr;
  size_t frames = 0;
  const char* label = nullptr;
};

// The canonical 44-byte header: RIFF, a 16-byte PCM "fmt " chunk, "data".
constexpr size_t kWavHeaderBytes = 44;

// Bytes of the WAV file a clip becomes.
constexpr size_t wav_bytes(size_t frames, size_t channels) { return kWavHeaderBytes + frames * channels * 2; }

// The AudioPluginData TensorBoard needs (field 2, encoding = WAV = 11; version 0).
constexpr uint8_t kAudioPluginContent[] = {0x10, 0x0b};

}  // namespace tinytb

#endif  // TINYTB_AUDIO_H_
