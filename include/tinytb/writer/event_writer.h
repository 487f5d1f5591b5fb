// tinytb: the event writer, the library's front door.
//
//   static tinytb::PosixSink sink;                 // or any other port
//   static tinytb::EventWriter<2048> writer;       // 2 KiB queue, 16 tags of <= 64 bytes
//   tinytb::WriterOptions options;
//   options.logdir = "logs";
//   options.run = "board1";
//   if (writer.open(sink, options) != tinytb::Status::kOk) { ... }
//   tinytb::Scope train(writer, "train");
//   (void)train.scalar("loss", step, loss);        // tag "train/loss"
//   (void)writer.close();
//
// Ownership: the caller owns the writer, the sink and every buffer; the writer keeps
// no pointer to anything passed to a logging call. Nothing here allocates.
// Threads: a writer is not thread-safe; use it from one task or guard it, or log from any
// task or interrupt through AsyncWriter (async_writer.h), which never waits for storage.
// Every call returns a Status; on any failure nothing has changed (see docs/design.md).
#ifndef TINYTB_EVENT_WRITER_H_
#define TINYTB_EVENT_WRITER_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/summary/audio.h"
#include "tinytb/writer/clock.h"
#include "tinytb/config.h"
#include "tinytb/hparams.h"
#include "tinytb/summary/histogram.h"
#include "tinytb/image/image_view.h"
#include "tinytb/png/png_encoder.h"
#include "tinytb/traits.h"
#include "tinytb/writer/file_name.h"
#include "tinytb/writer/sink.h"
#include "tinytb/summary/sizing.h"
#include "tinytb/summary/top_k.h"
#include "tinytb/status.h"
#include "tinytb/values.h"

namespace tinytb {

// How values are written (docs/format.md, "Summary forms"). kClassic: simple_value,
// Summary.Image, HistogramProto, Summary.Audio and text lists and tables as one Markdown
// string, as tensorboardX writes them: TensorBoard, tbparse, EventAccumulator,
// tensorboard-reducer and TensorFlow read them. kTensor: TF2's tensors (tf.summary), read
// as such by TensorBoard only.
enum class SummaryForm : uint8_t { kClassic = 1, kTensor = 2 };

// The defaults of EventWriter<>'s queue and of the flush and sync policy. Two sets, picked by
// TINYTB_SMALL_TARGET (config.h): microcontrollers flush small batches often and make each one
// durable; hosts hand records to the OS in large batches and leave write-back to the kernel, as
// tensorboardX, TensorFlow and a native protobuf writer do (docs/storage.md, "Writer policies").
//
//   constant               microcontrollers   hosts
//   kDefaultQueueBytes     1 KiB              64 KiB
//   kDefaultMaxQueue       10 records         0: no record count (flush when the queue is full)
//   kDefaultFlushMillis    120 000 ms         5 000 ms
//   kDefaultSyncEvery      1 (every flush)    0 (open, sync(), close(), rotation, a tag's first record in a file)
//
// Either way nothing confirmed is lost: a record whose flush() returned kOk is with the OS or
// the storage, one whose sync() returned kOk is durable. With the host defaults a process crash
// loses at most the queue (64 KiB, about 1 200 scalars) or 5 s of records, and a power cut what
// the kernel had not written back since the last sync (Linux: within about 30 s) unless the
// application calls sync() or sets sync_every 1. The microcontroller behaviour on a host:
// EventWriter<1024>, options.max_queue = 10; options.sync_every = 1;
#if TINYTB_SMALL_TARGET
constexpr size_t kDefaultQueueBytes = 1024;
constexpr uint32_t kDefaultMaxQueue = 10;
constexpr uint32_t kDefaultFlushMillis = 120000;
constexpr uint32_t kDefaultSyncEvery = 1;
#else
constexpr size_t kDefaultQueueBytes = 64 * 1024;
constexpr uint32_t kDefaultMaxQueue = 0;
constexpr uint32_t kDefaultFlushMillis = 5000;
constexpr uint32_t kDefaultSyncEvery = 0;
#endif

struct WriterOptions {
  // Log directory and run; the file goes to "<logdir>/<run>/" (or "<logdir>/" when run
  // is empty). Relative paths are fine. Read during open() only.
  const char* logdir = "logs";
  const char* run = "";
  // File names: events.out.tfevents.<stamp>.<host>.<seq>.<suffix>. host and suffix
  // are [A-Za-z0-9_-] (the suffix may also hold '.', but not first, last or twice in a
  // row: FAT drops trailing dots, so ".." would not name the file asked for).
  const char* host = "tinytb";
  const char* suffix = "v2";
  // The 10-digit stamp when the clock gives no wall time: a boot counter the
  // application keeps in non-volatile memory and increments on every boot, so file
  // names sort in creation order even without a real-time clock.
  uint32_t file_stamp = 0;
  Clock clock;
  // Flush after this many queued records (1 writes every record at once); 0: no count, the
  // queue is written when full, when flush_millis passed, or by flush(), sync() and close().
  // Default kDefaultMaxQueue: 10 on microcontrollers, 0 on hosts.
  uint32_t max_queue = kDefaultMaxQueue;
  // Flush when this many milliseconds passed since the last flush; 0 turns it off.
  // Default kDefaultFlushMillis: 120 000 on microcontrollers, 5 000 on hosts.
  // Checked on every logging call and by poll(). On hosts a classic scalar checks it
  // against its own wall time first and reads the uptime clock only near the deadline, so
  // a wall clock set back, stopped or coarser than the uptime clock can delay the flush
  // by up to 63 scalars (docs/bench.md, "Second pass"); poll() is always exact.
  uint32_t flush_millis = kDefaultFlushMillis;
  // When written records are made durable (Sink::sync: fsync, f_sync). Default
  // kDefaultSyncEvery: 1 on microcontrollers, 0 on hosts (see kDefaultQueueBytes above for
  // what a crash or a power cut then loses).
  //   1: after every flush that wrote bytes, so a completed flush is durable;
  //   N: after every N-th such flush (fewer f_sync stalls and less flash wear; up to
  //      N - 1 flushes of records can be lost to a power cut);
  //   0: only on sync(), close() and when rotation finishes a file.
  // Also, whatever the setting, a flush that writes a tag's metadata to a file (its first
  // value there) syncs, so a failed sync later can never take the metadata away from the
  // values that follow it without (docs/storage.md, "A failed sync").
  // Data confirmed by a completed sync is never lost afterwards (docs/storage.md).
  uint32_t sync_every = kDefaultSyncEvery;
  // Start a new file (next sequence number, metadata written again) before a record
  // would take the current file above this many bytes; a record never spans files.
  // The default stays under FAT32's 4 GiB file size limit. 0 turns rotation off.
  // Otherwise it must hold the first record plus a full queue (else kInvalidArgument).
  uint64_t rotate_bytes = kDefaultRotateBytes;
  static constexpr uint64_t kDefaultRotateBytes = (uint64_t{4} << 30) - (uint64_t{64} << 20);
  // The summary form. Default: kClassic, or kTensor in a build without the classic form
  // (TINYTB_SUMMARY_FORMS, config.h); a form the build left out is kInvalidArgument.
  SummaryForm form = (TINYTB_SUMMARY_FORMS & 1) != 0 ? SummaryForm::kClassic : SummaryForm::kTensor;
};

namespace detail {
struct HParamsData;  // src/format/hparams_data.h
// One row of the tag table. The tag text lives in a separate char array.
struct TagSlot {
  int64_t last_step;
  uint32_t meta_file;  // serial of the file whose metadata for this tag was written
  uint16_t len;
};
struct TagRef {
  const char* prefix;  // may be null: no scope
  const char* name;
};
struct EventSpec;  // src/format/event.h

// scalar()'s argument types. tf.summary.scalar(name, data, step) and tensorboardX's
// add_scalar(tag, value, step) put the value first; tinytb puts the step first, so a
// floating-point step is the sign of a swap and must not compile.
template <typename Step, typename Value>
constexpr bool scalar_arguments_checked() {
  static_assert(!detail::is_floating_point<Step>::value,
                "tinytb scalar(tag, step, value): step comes before value (tf.summary.scalar and tensorboardX "
                "put the value first); a floating-point step means the two are swapped");
  static_assert(detail::is_floating_point<Step>::value ||
                    (detail::is_integral<Step>::value && !detail::is_same<Step, bool>::value),
                "tinytb scalar(tag, step, value): the step must be an integer");
  static_assert(detail::is_arithmetic<Value>::value, "tinytb scalar(tag, step, value): the value must be a number");
  return true;
}
}  // namespace detail

// The size-erased writer. Use EventWriter<...> to get one with storage.
class EventWriterBase {
 public:
  EventWriterBase(const EventWriterBase&) = delete;
  EventWriterBase& operator=(const EventWriterBase&) = delete;

  // Create a new event file through `sink` and write its first record
  // (file_version), flushed and synced. The sink must stay alive until close().
  // Errors: kAlreadyOpen, kInvalidArgument (bad option or path too long), the sink's
  // errors. On error the writer stays closed.
  Status open(Sink& sink, const WriterOptions& options);

  // A scalar: a simple_value in the classic form, a DT_FLOAT tensor in the tensor form
  // (docs/format.md, "Summary forms"). NaN and infinities are logged as they are
  // (TensorBoard plots them). Errors: kNotOpen, kInvalidTag, kStepNotIncreasing, kTooManyTags, kTooLarge,
  // and a sink error when the queue is full and cannot be flushed.
  //
  // Records larger than the queue: scalar() and the text calls (text, text_list,
  // text_table) never stream. A scalar always fits (EventWriter's queue holds one with the
  // longest tag); a text record larger than the queue is kTooLarge and nothing is written
  // (size the queue with text_record_bytes(), sizing.h). A build that makes
  // only these calls links neither nanopb nor the streaming code (docs/firmware.md, "Scalars
  // and text without nanopb"). Every other logging call (text_top_k, histogram, audio,
  // images, encoded images, hparams): a record larger than the whole queue is not refused
  // but streamed to the sink (docs/storage.md, "Records larger than the queue"): the queue
  // is flushed, then the record goes out in Sink::write()s of at most the queue, header
  // first, and is synced as a flush would be. On a sink error the file is cut back (or
  // given up) and the call returns the error with nothing logged. kTooLarge then means: no
  // file under rotate_bytes holds the record, or the queue is below stream_queue_bytes()
  // (sizing.h).
  // Any integer step and any number as the value (converted to int64_t and float, so an
  // int or a double needs no cast); a floating-point step does not compile, because step
  // comes before value (the order of tf.summary.scalar and tensorboardX is the other one).
  Status scalar(const char* tag, int64_t step, float value);
  template <typename Step, typename Value>
  Status scalar(const char* tag, Step step, Value value) {
    static_assert(detail::scalar_arguments_checked<Step, Value>(), "");
    return scalar(tag, static_cast<int64_t>(step), static_cast<float>(value));
  }

  // Text: one Markdown string, a list (rank 1) or a table of rows x cols cells given
  // row-major (rank 2). Strings are NUL-terminated and valid UTF-8 is expected.
  // Tensor form: TensorBoard renders each list item and cell as Markdown of its own and
  // draws no header row. Classic form: a list or a table is ONE Markdown string (rank 0:
  // "- item" lines, or a pipe table with an empty header row; docs/format.md), because
  // tbparse cannot read rank-1 or rank-2 strings. A table with a header row is a Markdown
  // pipe table in text().
  // Errors: as scalar(), plus kInvalidArgument for null pointers or zero counts, kTooLarge
  // for a record larger than the whole queue (text never streams: above; the bound is
  // text_record_bytes() in sizing.h).
  Status text(const char* tag, int64_t step, const char* markdown);
  Status text_list(const char* tag, int64_t step, const char* const* items, size_t count);
  Status text_table(const char* tag, int64_t step, const char* const* cells, size_t rows, size_t cols);

  // The `k` highest of `scores` (a model's output, values.h: int8 outputs are
  // dequantised) as a Markdown pipe table in one string (rank 0, the form of text()),
  // highest first: a header row "class", "score", then one row per class: its label
  // (labels[i], or its index when labels is null) and its score with 4 decimals,
  // formatted by the library (newlib-nano's printf has no %f). For example, k = 2:
  //   "| class | score |\n| --- | --- |\n| yes | 0.9570 |\n| left | 0.1484 |\n"
  // A label shows as written: '\', '`', '*', '_', '[', ']' and '|' get a backslash, '<'
  // and '&' become "&lt;" and "&amp;". Not a rank-2 table: TensorBoard draws those with
  // no header row. Ties keep the lower index first; NaN ranks last.
  // Errors: as text_table(), plus kInvalidArgument for bad scores, k = 0, k above
  // scores.count or kMaxTopK, a null or non-UTF-8 label, or one with a line break,
  // among the k shown.
  static constexpr size_t kMaxTopK = tinytb::kMaxTopK;  // summary/top_k.h
  Status text_top_k(const char* tag, int64_t step, const Values& scores, const char* const* labels, size_t k);

  // A histogram (histogram.h). Tensor form, as TF2 writes it: DT_DOUBLE [k, 3] rows of
  // (left edge, right edge, count), plugin "histograms", data class TENSOR. Classic form:
  // a HistogramProto whose rows TensorBoard shows as the same (docs/format.md). The
  // histogram is only read. Errors: as scalar(). Record size: histogram_record_bytes() in sizing.h.
  Status histogram(const char* tag, int64_t step, const HistogramBase& histogram);

  // `count` clips (audio.h) of `channels` (1 or 2) interleaved channels at `sample_rate`
  // Hz, as 16-bit PCM WAV files. Tensor form: DT_STRING [count], or [count, 2] when any
  // clip has a label; plugin "audio" with encoding WAV; data class BLOB_SEQUENCE. Classic
  // form: one Summary.Audio per clip, no label, tags "<tag>/audio/<i>" when count > 1.
  // Errors: as
  // scalar(), plus kInvalidArgument for a null pointer, count 0, a clip with 0 frames or
  // with both or neither sample pointer, sample_rate 0, channels not 1 or 2, a label that
  // is not UTF-8; kTooLarge for a clip beyond a WAV file's 4 GiB or rotate_bytes (beyond
  // the queue the record streams).
  // Record size: audio_record_bytes() in sizing.h.
  Status audio(const char* tag, int64_t step, const AudioClip* clips, size_t count, uint32_t sample_rate,
               uint16_t channels = 1);

  // Images (docs/images.md). Tensor form, as tf.summary.image writes them: DT_STRING
  // [2 + count] of "<width>", "<height>" and `count` PNG files; plugin "images", data
  // class BLOB_SEQUENCE; TensorBoard shows `count` samples of the step. Classic form: one
  // Summary.Image per view, tagged "<tag>/image/<i>" when count > 1 (TF1's naming). The views are
  // read during the call only; `png` turns them into PNGs in its arena (png_encoder.h).
  // All views of a call must give the same output size and channels.
  // Errors: as scalar(), plus kInvalidArgument (null views, count 0, a bad view, mixed
  // sizes), kTooLarge (count or size beyond png's limits, an arena too small, a queue below
  // stream_queue_bytes(png's mode) for a record beyond it: sizing.h), kBusy (png or
  // lodepng's hooks in use elsewhere). On any error nothing is written and the writer stays
  // usable. A record beyond the queue streams (above): kFast/kCompressed then deflate each
  // image twice (sized, then written) in a window at the queue's end.
  Status image(const char* tag, int64_t step, const ImageView& view, PngEncoderBase& png);
  Status images(const char* tag, int64_t step, const ImageView* views, size_t count, PngEncoderBase& png);
  // Already encoded PNG or JPEG files (a camera's hardware JPEG), written as they are
  // (no copy but the one into the queue), in the same form. width and height must be
  // each file's own (read from its IHDR or SOF header). Errors: as scalar(), plus
  // kInvalidArgument (null, count 0, empty or unknown bytes, sizes that differ from the
  // files'), kTooLarge (beyond rotate_bytes; beyond the queue the record streams).
  Status encoded_image(const char* tag, int64_t step, const EncodedImage& image, uint32_t width, uint32_t height);
  Status encoded_images(const char* tag, int64_t step, const EncodedImage* images, size_t count, uint32_t width,
                        uint32_t height);

  // The run's hparams for TensorBoard's HParams dashboard (tinytb/hparams.h, docs/hparams.md):
  // one record each, at step 0, under the plugin's tags "_hparams_/experiment",
  // "_hparams_/session_start_info" and "_hparams_/session_end_info" (three of the writer's
  // tags). Each goes once into a run: a second call is kStepNotIncreasing. The experiment
  // goes into one run of the log directory (TensorBoard reads the first it finds); the
  // session start into every run, before its metrics. Errors: as scalar(), plus
  // kInvalidArgument (null or empty name, null text, invalid UTF-8, a number that is NaN
  // or infinite, a type or status out of range, count 0), kTooLarge (beyond the queue).
  Status hparams_experiment(const HParamsExperiment& experiment);
  // `group_name` groups sessions in the dashboard ("" = each run its own group).
  Status hparams_session_start(const HParam* hparams, size_t count, const char* group_name = "");
  Status hparams_session_end(SessionStatus status);

  // Values logged from now on carry `at` as their Event's wall_time instead of the clock's
  // reading: a value taken earlier and written later (async_writer.h, the flight recorder).
  // A WallTime that is not known ({}, wall_time_known() false) goes back to the clock.
  // Values only: file names, timed flushes and the file_version record keep the clock.
  void set_value_time(WallTime at) { value_time_ = at; }
  WallTime value_time() const { return value_time_; }
  // The clock open() was given (a layer above stamps its values with it).
  const Clock& clock() const { return clock_; }

  // Write every queued record to the sink in one append, then sync if the options
  // say so. kOk with nothing queued. On a sink error the records stay queued.
  Status flush();

  // Flush, then make everything written durable (Sink::sync), whatever sync_every says.
  // After kOk every value accepted so far survives a power cut, except the lost_records()
  // an earlier kDataLost reported. Same errors as flush(), plus kDataLost: this sync
  // worked, but a failed sync of an earlier file (or of this one) lost records a flush had
  // written and no sync had confirmed yet (with sync_every other than 1; Linux drops the
  // dirty data of a failed fsync, FatFs aborts the file). The writer cannot write them
  // again (they left the queue), so it reports the loss once, here or in close(), and
  // counts it in lost_records() (docs/storage.md, "A failed sync").
  Status sync();

  // Flush if flush_millis has passed. Call it from an idle loop when logging is rare.
  Status poll();

  // Steps that survive reboots: tell the writer `step`, the last step `tag` (the full
  // tag, scope prefix included) may have used before this boot, so the next value must
  // be above it and the series continues in TensorBoard instead of restarting. Call
  // after open() (opening another run directory forgets all tags). Registers the tag if
  // it is new. docs/storage.md shows how to persist steps cheaply (reserve blocks).
  // Errors: kNotOpen, kInvalidArgument (null), kInvalidTag, kTooManyTags,
  // kStepNotIncreasing (the writer already knows a step above `step`).
  Status seed_step(const char* tag, int64_t step);
  // The last step logged or seeded for `tag`. Errors: kInvalidArgument (null or unknown tag).
  Status last_step(const char* tag, int64_t* step) const;

  // Flush, sync and close the file. If the flush fails the writer stays open (the
  // records stay queued) so the caller can retry once storage is back. kDataLost as in
  // sync() (the writer is closed then).
  Status close();

  bool is_open() const { return sink_ != nullptr; }
  // The current file's name and directory ("" when closed).
  const char* file_name() const { return file_name_; }
  const char* dir() const { return is_open() ? dir_ : ""; }
  // The result of the last flush, including automatic ones.
  Status last_flush_status() const { return last_flush_status_; }
  // Bytes the current file holds (complete records written through the sink).
  uint64_t file_bytes() const { return file_bytes_; }
  // Of those, the bytes a completed sync confirmed durable.
  uint64_t synced_bytes() const { return synced_bytes_; }
  // Records lost to failed syncs since this writer object was made (see sync()).
  uint32_t lost_records() const { return lost_records_; }
  // Files this writer object has created (rotation and recovery add to it).
  uint32_t files_opened() const { return file_serial_; }
  // Queue use: capacity, bytes waiting now, the most it ever held.
  size_t queue_capacity() const { return queue_cap_; }
  size_t queued_bytes() const { return queued_bytes_; }
  size_t queue_high_water() const { return high_water_; }
  size_t tag_count() const { return tag_count_; }

 protected:
  // `config` is config_check::this_build() as the derived class's file sees it: taking
  // it there makes an application built with other layout knobs than the library fail
  // to link (config.h). The library does not read it.
  EventWriterBase(uint8_t* queue, size_t queue_bytes, detail::TagSlot* slots, char* names, size_t max_tags,
                  size_t max_tag_len, const char* config);
  ~EventWriterBase() = default;

 private:
  friend class Scope;
  struct Summary;

  Status log_scalar(detail::TagRef tag, int64_t step, float value);
  Status log_text(detail::TagRef tag, int64_t step, const char* const* strings, size_t rows, size_t cols,
                  uint8_t rank);
  Status log_top_k(detail::TagRef tag, int64_t step, const Values& scores, const char* const* labels, size_t k);
  Status log_histogram(detail::TagRef tag, int64_t step, const HistogramBase& histogram);
  Status log_audio(detail::TagRef tag, int64_t step, const AudioClip* clips, size_t count, uint32_t sample_rate,
                   uint16_t channels);
  Status log_images(detail::TagRef tag, int64_t step, const ImageView* views, size_t count, PngEncoderBase& png);
  Status log_encoded_images(detail::TagRef tag, int64_t step, const EncodedImage* images, size_t count,
                            uint32_t width, uint32_t height);
  Status log_summary(detail::TagRef tag, int64_t step, Summary& summary);
  Status log_hparams(const char* tag, detail::HParamsData& data);
  // A record larger than the queue, streamed to the sink (src/writer/stream_record.cc).
  Status stream_record(size_t slot, int64_t step, detail::EventSpec& event, Summary& summary);
  Status write_streamed(const detail::EventSpec& event, size_t payload, size_t buffer_bytes);
  // Whether values go out in the classic form: a constant in a build with one form.
  bool classic_form() const {
    return (TINYTB_SUMMARY_FORMS & 2) == 0 || ((TINYTB_SUMMARY_FORMS & 1) != 0 && form_ == SummaryForm::kClassic);
  }
  Status open_file();
  Status next_file();
  void sync_failed();
  Status write_queue(bool sync_now);
  Status flush_queue(bool sync_now);
  Status make_room(size_t record_bytes);
  void commit_record(size_t slot, size_t tag_len, int64_t step, size_t payload, bool with_metadata);
  Status after_record();
#if !TINYTB_SMALL_TARGET
  // The classic scalar in one pass on hosts (event_writer.cc); microcontrollers keep the
  // general path alone, so this costs them no flash.
  Status log_simple_scalar(detail::TagRef tag, int64_t step, float value);
  Status log_general_scalar(detail::TagRef tag, int64_t step, float value);  // log_scalar()'s other forms
  Status after_scalar(WallTime read);
#endif
  size_t find_tag(const char* tag, size_t len) const;
  WallTime wall_time() const;  // not known ({0, 0}) without a clock
  bool now_ms(uint64_t* ms) const;

  // Storage (owned by the derived EventWriter).
  uint8_t* const queue_;
  const size_t queue_cap_;
  detail::TagSlot* const slots_;
  char* const names_;  // (max_tags + 1) rows of max_tag_len + 1; the last row is scratch
  const size_t max_tags_;
  const size_t max_tag_len_;

  // State.
  Sink* sink_ = nullptr;
  Clock clock_;
  WallTime value_time_{};  // set_value_time(); not known: the clock's
  // max_queue - 1, set by open(): a flush is due once more records than this are queued.
  // max_queue 0 wraps to UINT32_MAX, which the count never passes (one comparison for both
  // meanings). The initializer is the same on every target (the class is the same).
  uint32_t queue_limit_ = 9;
  uint32_t flush_millis_ = 0;
  uint32_t sync_every_ = 1;
  uint32_t unsynced_flushes_ = 0;  // flushes that wrote bytes since the last sync
  uint64_t rotate_bytes_ = 0;
  uint32_t file_stamp_ = 0;
  SummaryForm form_ = SummaryForm::kTensor;
  char dir_[TINYTB_MAX_DIR_LEN + 1] = {};
  char host_[TINYTB_MAX_HOST_LEN + 1] = {};
  char suffix_[TINYTB_MAX_SUFFIX_LEN + 1] = {};
  char file_name_[kMaxFileNameLen + 1] = {};
  size_t queued_bytes_ = 0;
  uint32_t queued_records_ = 0;
  size_t high_water_ = 0;
  size_t tag_count_ = 0;
  uint64_t file_bytes_ = 0;
  uint64_t synced_bytes_ = 0;
  uint32_t file_serial_ = 0;  // increments for every file opened; 0 = none yet
  uint32_t name_seq_ = 0;     // <seq> of the next file name
  uint64_t last_flush_ms_ = 0;
  // The next write goes to a new file: the current one has a torn tail that could not
  // be cut, or a failed sync left its state unknown, or there is none open.
  bool abandoned_ = false;
  bool file_open_ = false;    // the sink holds this writer's file open
  bool unsynced_ = false;     // bytes reached the file since its last completed sync
  // A sync of the current file failed: its unsynced bytes are gone whatever a later sync
  // says (Linux marks the dropped pages clean), so it is never synced or appended to again.
  bool poisoned_ = false;
  bool loss_unreported_ = false;  // records were lost; the next sync() or close() says kDataLost
  bool queued_metadata_ = false;  // a queued record carries its tag's metadata: its flush syncs
  // Hosts' after_scalar() (event_writer.cc): how many more records may trust the hint
  // (0: read the uptime clock), and the hint, the wall time (ms, modulo 2^32) before which
  // flush_millis cannot have passed. These and tag_guess_ sit in padding (the object is no
  // larger) and are set by open() on hosts only: no initializer, so a microcontroller's
  // constructor does not grow by storing them.
  uint8_t timer_budget_;
  uint32_t unsynced_records_ = 0;  // records in the file that flushes wrote and no sync confirmed
  uint32_t lost_records_ = 0;
  Status last_flush_status_ = Status::kOk;
  uint16_t tag_guess_;  // hosts' log_simple_scalar(): the slot after the last one logged
  uint32_t timer_hint_ms_;
};

// A writer with its storage inline:
//   QueueBytes: records waiting for a flush. A record larger than it streams to the sink past
//               it, which needs at least stream_queue_bytes() (sizing.h; about 4.4 KiB for
//               kCompressed images), except a text record, which is kTooLarge
//               (EventWriterBase::scalar()); sizing.h tells how big a record is. Default
//               kDefaultQueueBytes: 1 KiB on microcontrollers, 64 KiB on hosts (so a host's
//               EventWriter<> is over 64 KiB: give it static storage, not a small thread stack).
//   MaxTags:    distinct tags per writer.
//   MaxTagLen:  longest tag in bytes (after the scope prefix is added).
template <size_t QueueBytes = kDefaultQueueBytes, size_t MaxTags = 16, size_t MaxTagLen = TINYTB_DEFAULT_MAX_TAG_LEN>
class EventWriter : public EventWriterBase {
  static_assert(MaxTags >= 1 && MaxTags <= 65535, "MaxTags must be 1..65535");
  static_assert(MaxTagLen >= 1 && MaxTagLen <= 4096, "MaxTagLen must be 1..4096");
  static_assert(QueueBytes >= scalar_record_bytes(MaxTagLen) && QueueBytes >= file_version_record_bytes(),
                "QueueBytes must hold at least one scalar with the longest tag");

 public:
  static constexpr size_t kQueueBytes = QueueBytes;
  static constexpr size_t kMaxTags = MaxTags;
  static constexpr size_t kMaxTagLen = MaxTagLen;
  // Bytes of RAM this configuration takes: the whole object, queue and tag table
  // included (usable in static_assert and constexpr).
  static constexpr size_t storage_bytes() { return sizeof(EventWriter); }

  EventWriter()
      : EventWriterBase(queue_, QueueBytes, slots_, &names_[0][0], MaxTags, MaxTagLen, config_check::this_build()) {}

 private:
  uint8_t queue_[QueueBytes];
  detail::TagSlot slots_[MaxTags];
  char names_[MaxTags + 1][MaxTagLen + 1];
};

// A name scope: every tag logged through it gets "prefix/" in front ("train/loss").
// Scopes nest: Scope layer(model, "conv1") under Scope model(writer, "model") gives
// "model/conv1/...". A Scope is a small value (the prefix is copied); it stays bound
// to its writer. An invalid or too long prefix makes every call return kInvalidTag.
class Scope {
 public:
  Scope(EventWriterBase& writer, const char* prefix);
  Scope(const Scope& parent, const char* name);

  // kOk, or kInvalidTag when the prefix was empty, too long or invalid.
  Status status() const { return status_; }
  const char* prefix() const { return prefix_; }

  Status scalar(const char* name, int64_t step, float value);
  template <typename Step, typename Value>
  Status scalar(const char* name, Step step, Value value) {  // as EventWriterBase::scalar()
    static_assert(detail::scalar_arguments_checked<Step, Value>(), "");
    return scalar(name, static_cast<int64_t>(step), static_cast<float>(value));
  }
  Status text(const char* name, int64_t step, const char* markdown);
  Status text_list(const char* name, int64_t step, const char* const* items, size_t count);
  Status text_table(const char* name, int64_t step, const char* const* cells, size_t rows, size_t cols);
  Status text_top_k(const char* name, int64_t step, const Values& scores, const char* const* labels, size_t k);
  Status histogram(const char* name, int64_t step, const HistogramBase& histogram);
  Status audio(const char* name, int64_t step, const AudioClip* clips, size_t count, uint32_t sample_rate,
               uint16_t channels = 1);
  Status image(const char* name, int64_t step, const ImageView& view, PngEncoderBase& png);
  Status images(const char* name, int64_t step, const ImageView* views, size_t count, PngEncoderBase& png);
  Status encoded_image(const char* name, int64_t step, const EncodedImage& image, uint32_t width, uint32_t height);
  Status encoded_images(const char* name, int64_t step, const EncodedImage* images, size_t count, uint32_t width,
                        uint32_t height);

 private:
  detail::TagRef ref(const char* name) const { return detail::TagRef{prefix_, name}; }
  void set_prefix(const char* parent, const char* name);

  EventWriterBase* writer_;
  char prefix_[TINYTB_MAX_SCOPE_LEN + 1] = {};
  Status status_ = Status::kOk;
};

}  // namespace tinytb

#endif  // TINYTB_EVENT_WRITER_H_
