// tinytb port: a file in RAM.
//
// For boards that ship logs another way (read the buffer out over a debug probe or a
// radio), for tests, and for the heap-free link check. The caller provides the buffer.
// One file at a time: open() starts it empty. write() accepts all bytes or none
// (kNoSpace when they do not fit). sync() marks everything written so far as synced;
// synced_size() tells how much.
#ifndef TINYTB_PORTS_MEMORY_SINK_H_
#define TINYTB_PORTS_MEMORY_SINK_H_

#include "tinytb/writer/sink.h"

namespace tinytb {

class MemorySink : public Sink {
 public:
  // `buffer` (capacity bytes) must outlive the sink.
  MemorySink(uint8_t* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {}

  Status open(const char* dir, const char* file_name) override;
  Status write(const uint8_t* data, size_t size) override;
  Status sync() override;
  Status truncate(uint64_t size) override;
  Status close() override;

  const uint8_t* data() const { return buffer_; }
  size_t size() const { return size_; }
  size_t synced_size() const { return synced_; }
  bool is_open() const { return open_; }

 private:
  uint8_t* buffer_;
  size_t capacity_;
  size_t size_ = 0;
  size_t synced_ = 0;
  bool open_ = false;
};

}  // namespace tinytb

#endif  // TINYTB_PORTS_MEMORY_SINK_H_
