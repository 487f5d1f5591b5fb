// tinytb port: POSIX files (Linux, macOS, and what ESP-IDF's VFS, Zephyr's POSIX
// layer and NuttX provide).
//
//   open     mkdir -p the directory, then open(O_CREAT | O_EXCL | O_APPEND): never an
//            existing file; every write lands at the end, also after a truncate
//   write    loops over short writes and EINTR until every byte is written
//   sync     fsync the file; the first sync also fsyncs the directory, so the new
//            file's name survives a power cut too, and the parent of every directory
//            open() created, so the run directory does as well
//   truncate ftruncate back to a record boundary after a failed write
//   errors   see posix_status(); last_error() is the errno
//
// posix_clock() is the clock to give WriterOptions on Linux (Raspberry Pi, Jetson) and
// other POSIX systems; without a clock every event says 1970 and flush_millis never fires:
//   options.clock = tinytb::posix_clock();
#ifndef TINYTB_PORTS_POSIX_SINK_H_
#define TINYTB_PORTS_POSIX_SINK_H_

#include "tinytb/config.h"
#include "tinytb/writer/clock.h"
#include "tinytb/writer/sink.h"

namespace tinytb {

// Write all `size` bytes to `fd`, retrying short writes and EINTR. On failure returns
// false with the errno in *err (bytes before the failure may have been written).
bool posix_write_all(int fd, const uint8_t* data, size_t size, int* err);

// How a POSIX errno maps to a Status (EEXIST -> kExists, ENOSPC/EDQUOT/EFBIG ->
// kNoSpace, ENAMETOOLONG/EINVAL -> kInvalidArgument, others -> kIoError).
Status posix_status(int err);

// The system's clocks: wall_time is clock_gettime(CLOCK_REALTIME) with nanoseconds,
// or 0 ("not known") while it reads before 2020, as a board without a real-time clock
// does until NTP sets it; uptime_ms is CLOCK_MONOTONIC, which never goes backwards
// (setting the date does not move it). Both are safe from any thread. Where the C library
// has no POSIX clocks (CLOCK_MONOTONIC undefined: bare-metal newlib or picolibc),
// wall_time is ISO C's time() (whole seconds, the same 2020 rule) and uptime_ms is null,
// so there is no timed flush: give WriterOptions the platform's own clock instead.
Clock posix_clock();

class PosixSink : public Sink {
 public:
  Status open(const char* dir, const char* file_name) override;
  Status write(const uint8_t* data, size_t size) override;
  Status sync() override;
  Status truncate(uint64_t size) override;
  Status close() override;
  int32_t last_error() const override { return error_; }

 private:
  Status fail(int err);

  int fd_ = -1;
  int32_t error_ = 0;
  bool dir_synced_ = false;
  size_t created_ = 0;  // dir_[0, created_) is the first directory open() made and no sync covered yet
  char dir_[TINYTB_MAX_DIR_LEN + 1] = {};
};

}  // namespace tinytb

#endif  // TINYTB_PORTS_POSIX_SINK_H_
