// A small application for tests/writer/check_config_link.sh: built with one -D knob
// changed against the library built with the defaults, it must fail to link when the
// knob sizes a type both sides share (tinytb/config.h), and link and run otherwise.
#include <stdio.h>

#include "memory_sink.h"
#include "tinytb/writer/event_writer.h"

int main() {
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
