// A small application for tests/writer/check_config_link.sh: built with one -D knob
// changed against the library built with the defaults, it must fail to link when the
// knob sizes a type both sides share (tinytb/config.h), and link and run otherwise.
#include <stdio.h>

#include "memory_sink.h"
#include "tinytb/writer/event_writer.h"

// The two sets of defaults (event_writer.h, kDefaultQueueBytes): check_config_link.sh builds
// this file as it is (a host: TINYTB_SMALL_TARGET 0) and with -DTINYTB_SMALL_TARGET=1, the
// microcontrollers' set, which must stay what it always was.
#if TINYTB_SMALL_TARGET
static_assert(tinytb::EventWriter<>::kQueueBytes == 1024 && tinytb::kDefaultMaxQueue == 10 &&
                  tinytb::kDefaultFlushMillis == 120000 && tinytb::kDefaultSyncEvery == 1,
              "microcontrollers: a 1 KiB queue, a flush every 10 records or 120 s, each synced");
#else
static_assert(tinytb::EventWriter<>::kQueueBytes == 64 * 1024 && tinytb::kDefaultMaxQueue == 0 &&
                  tinytb::kDefaultFlushMillis == 5000 && tinytb::kDefaultSyncEvery == 0,
              "hosts: a 64 KiB queue written when full or every 5 s, no fsync per flush");
#endif

int main() {
  {
    const tinytb::WriterOptions defaults;
    if (defaults.max_queue != tinytb::kDefaultMaxQueue || defaults.flush_millis != tinytb::kDefaultFlushMillis ||
        defaults.sync_every != tinytb::kDefaultSyncEvery) {
      printf("WriterOptions does not take the kDefault* values\n");
      return 1;
    }
  }
  static uint8_t file[4096];
  static tinytb::MemorySink sink(file, sizeof(file));
  static tinytb::EventWriter<> writer;
  tinytb::WriterOptions options;
  options.logdir = "logs/a_directory_name_longer_than_eight_bytes";
  options.run = "run";
  options.host = "host_name_of_twenty";
  options.suffix = "suffix_of_15_ch";
  tinytb::Status s = writer.open(sink, options);
  tinytb::Scope scope(writer, "a_scope_prefix_of_24_byte");
  if (s == tinytb::Status::kOk) s = scope.scalar("loss", 1, 0.5f);
  if (s == tinytb::Status::kOk) s = writer.close();
  printf("%s, %zu bytes, dir %s\n", tinytb::status_name(s), sink.size(), writer.dir());
  return s == tinytb::Status::kOk ? 0 : 1;
}
