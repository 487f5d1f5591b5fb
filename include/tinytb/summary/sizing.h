// tinytb: compile-time answers to "how many bytes does this need?".
//
// Every function is constexpr and returns an upper bound on the framed record (the
// bytes a value takes in the writer's queue and in the file), computed from the exact
// protobuf layout the encoder emits. Use them to size EventWriter's queue:
//
//   constexpr size_t kQueue = 4 * tinytb::scalar_record_bytes(32);
//   static tinytb::EventWriter<kQueue> writer;
//
// A record larger than the queue is not refused: it is streamed to the sink past the queue
// (docs/storage.md, "Records larger than the queue"), which then needs only
// stream_queue_bytes() for it. So a queue sized with these bounds keeps every record in
// RAM (one write per flush, compressed images deflated once); a smaller one trades a second
// deflate per streamed image for RAM. kTooLarge remains for a record that no file under
// WriterOptions::rotate_bytes can hold, or a queue below stream_queue_bytes().
//
// tests/summary/sizing_test.cc checks each bound against the encoder's real output.
#ifndef TINYTB_SIZING_H_
#define TINYTB_SIZING_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/summary/audio.h"
#include "tinytb/png/png_encoder.h"
#include "tinytb/format/record.h"

namespace tinytb {
namespace sizing {

constexpr size_t varint_bytes(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// A length-delimited field with a one-byte key (field numbers below 16).
constexpr size_t delimited_field_bytes(size_t body) { return 1 + varint_bytes(body) + body; }

// A tensor_shape of `rank` dims, each dim at most a 10-byte varint.
constexpr size_t shape_field_bytes(size_t rank) {
  return rank == 0 ? 0 : delimited_field_bytes(rank * delimited_field_bytes(1 + 10));
}

// SummaryMetadata with a plugin name, plugin content (0: none) and a data class.
constexpr size_t metadata_field_bytes(size_t plugin_name_len, size_t plugin_content_len = 0) {
  return delimited_field_bytes(
      delimited_field_bytes(delimited_field_bytes(plugin_name_len) +
                            (plugin_content_len == 0 ? 0 : delimited_field_bytes(plugin_content_len))) +
      2);
}

// A framed Event holding one Summary.Value (tag, tensor, metadata).
constexpr size_t summary_record_bytes(size_t tag_len, size_t tensor_body, size_t plugin_name_len,
                                      size_t plugin_content_len = 0) {
  return kRecordOverheadBytes + 9 /* wall_time */ + 11 /* step */ +
         delimited_field_bytes(delimited_field_bytes(delimited_field_bytes(tag_len) +
                                                     delimited_field_bytes(tensor_body) +
                                                     metadata_field_bytes(plugin_name_len, plugin_content_len)));
}

// `count` strings of `total_len` bytes altogether, as repeated bytes.
constexpr size_t strings_bytes(size_t count, size_t total_len) {
  return count * (1 + varint_bytes(total_len)) + total_len;
}

constexpr size_t max_bytes(size_t a, size_t b) { return a > b ? a : b; }

constexpr size_t decimal_digits(size_t v) { return v < 10 ? 1 : 1 + decimal_digits(v / 10); }

// The classic form (docs/format.md, "Summary forms"): a framed Event whose Summary holds
// values of `values_bytes` altogether, each counted with its own key and length.
constexpr size_t classic_record_bytes(size_t values_bytes) {
  return kRecordOverheadBytes + 9 /* wall_time */ + 11 /* step */ + delimited_field_bytes(values_bytes);
}

// One classic value: its tag ("<tag>/image/<i>" when one of `count`), and a message of
// `body` bytes in a one-byte-key field.
constexpr size_t classic_value_bytes(size_t tag_len, size_t count, size_t suffix_len, size_t body) {
  return delimited_field_bytes(delimited_field_bytes(tag_len + (count > 1 ? suffix_len + decimal_digits(count - 1) : 0)) +
                               delimited_field_bytes(body));
}

// Summary.Image: height, width (5-byte varints at most for int32 sizes below 2^31),
// colorspace, and the file.
constexpr size_t classic_image_body(size_t file_bytes) { return 6 + 6 + 2 + delimited_field_bytes(file_bytes); }

// Summary.Audio: sample_rate (fixed32), num_channels and length_frames (varints), the WAV
// file and content_type "audio/wav".
constexpr size_t classic_audio_body(size_t wav) { return 5 + 11 + 11 + delimited_field_bytes(wav) + 11; }

// A Markdown list or table of `count` strings of `total_len` bytes (text_list and
// text_table in the classic form): each byte at most 5 ("\n" -> "  \n  " in a list item,
// "<br>" in a cell), 14 per string for the item marks, cell separators, row ends, header
// and separator cells, plus 4.
constexpr size_t markdown_text_bytes(size_t count, size_t total_len) { return 5 * total_len + 14 * count + 4; }

}  // namespace sizing

// The first record of every file: file_version = "brain.Event:2".
constexpr size_t file_version_record_bytes() {
  return kRecordOverheadBytes + 9 + sizing::delimited_field_bytes(13);
}

// A scalar with a tag of `tag_len` bytes.
constexpr size_t scalar_record_bytes(size_t tag_len) {
  return sizing::summary_record_bytes(tag_len, 2 /* dtype */ + sizing::delimited_field_bytes(4),
                                      7 /* "scalars" */);
}

// Text: `count` strings of `total_len` bytes altogether, as a tensor of rank `rank`
// (0: one string, 1: a list, 2: a table).
// In the classic form a list or a table is one Markdown string (docs/format.md); the bound
// covers both forms.
constexpr size_t text_record_bytes(size_t tag_len, size_t count, size_t total_len, size_t rank) {
  return sizing::max_bytes(
      sizing::summary_record_bytes(tag_len, 2 + sizing::shape_field_bytes(rank) + sizing::strings_bytes(count, total_len),
                                   4 /* "text" */),
      rank == 0 ? 0
                : sizing::summary_record_bytes(
                      tag_len, 2 + sizing::strings_bytes(1, sizing::markdown_text_bytes(count, total_len)), 4));
}

// A histogram of `buckets` buckets: DT_DOUBLE [buckets, 3], 24 bytes a bucket.
// The classic HistogramProto (5 doubles, then `buckets` limits and counts as packed
// doubles) is covered too.
constexpr size_t histogram_record_bytes(size_t tag_len, size_t buckets) {
  return sizing::max_bytes(
      sizing::summary_record_bytes(
          tag_len,
          2 + sizing::delimited_field_bytes(sizing::delimited_field_bytes(1 + sizing::varint_bytes(buckets)) +
                                            sizing::delimited_field_bytes(2)) +
              sizing::delimited_field_bytes(24 * buckets),
          10 /* "histograms" */),
      sizing::classic_record_bytes(
          sizing::classic_value_bytes(tag_len, 1, 0, 5 * 9 + 2 * sizing::delimited_field_bytes(8 * buckets))));
}

// `clips` audio clips of at most `frames` frames of `channels` channels each, with
// labels of `label_bytes` bytes altogether (0: none). Label-less clips are counted as
// if they had empty labels, so the bound is at most 2 * clips + 8 bytes above the record.
// The classic form (one Summary.Audio per clip, no labels) is covered too.
constexpr size_t audio_record_bytes(size_t tag_len, size_t clips, size_t frames, size_t channels = 1,
                                    size_t label_bytes = 0) {
  return sizing::max_bytes(sizing::classic_record_bytes(clips * sizing::classic_value_bytes(
                                                                    tag_len, clips, 7 /* "/audio/" */,
                                                                    sizing::classic_audio_body(
                                                                        wav_bytes(frames, channels)))),
                           sizing::summary_record_bytes(
      tag_len,
      2 +
          sizing::delimited_field_bytes(sizing::delimited_field_bytes(1 + sizing::varint_bytes(clips)) +
                                        sizing::delimited_field_bytes(2)) +
          clips * (1 + sizing::varint_bytes(wav_bytes(frames, channels)) + wav_bytes(frames, channels)) +
          sizing::strings_bytes(clips, label_bytes),
      5 /* "audio" */, sizeof(kAudioPluginContent)));
}

// Images (docs/images.md): `count` PNGs of width x height with `channels` (1, 3 or 4),
// as EventWriterBase::images() writes them. Exact for PngMode::kStored up to the few
// bytes of length prefixes; an upper bound for kCompressed (never larger than stored).
// The classic form (one Summary.Image per image) is covered too.
constexpr size_t image_record_bytes(size_t tag_len, size_t width, size_t height, size_t channels,
                                    size_t count = 1) {
  return sizing::max_bytes(
      sizing::summary_record_bytes(
          tag_len,
          2 + sizing::shape_field_bytes(1) +
              sizing::strings_bytes(count + 2, 10 /* "<width>", "<height>" */ +
                                                   count * png_max_bytes(width, height, channels)),
          6 /* "images" */),
      sizing::classic_record_bytes(count * sizing::classic_value_bytes(
                                               tag_len, count, 7 /* "/image/" */,
                                               sizing::classic_image_body(png_max_bytes(width, height, channels)))));
}

// The least queue a record of `mode`'s images streams through when it is larger than the
// queue: the deflate's output window (png_stream_window_bytes()) and 256 bytes to stage the
// writes (the writer refuses a queue below it with kTooLarge; more staging means fewer,
// larger Sink::write() calls). Records that are not images need 256 bytes.
constexpr size_t stream_queue_bytes(PngMode mode = PngMode::kStored) { return png_stream_window_bytes(mode) + 256; }

// `count` pre-encoded images (EventWriterBase::encoded_images()) of `total_bytes`
// altogether.
constexpr size_t encoded_image_record_bytes(size_t tag_len, size_t total_bytes, size_t count = 1) {
  return sizing::max_bytes(
      sizing::summary_record_bytes(
          tag_len, 2 + sizing::shape_field_bytes(1) + sizing::strings_bytes(count + 2, 20 + total_bytes),
          6 /* "images" */),
      // classic: every file's value sized as if it held all the bytes, then the bytes once
      sizing::classic_record_bytes(count * (sizing::classic_value_bytes(tag_len, count, 7, sizing::classic_image_body(total_bytes)) - total_bytes) +
                                   total_bytes));
}

}  // namespace tinytb

#endif  // TINYTB_SIZING_H_
