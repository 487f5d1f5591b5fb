// tinytb: the port boundary. A Sink is one file on some storage.
//
// The writer talks to storage only through this interface. A port (ports/<name>/)
// implements it for one kind of storage: POSIX files, FatFs, semihosting, memory.
// One Sink object holds at most one open file at a time; the caller owns it and
// lends it to one writer between EventWriter::open() and close().
//
// Every method returns a Status; a port maps its native error to the closest
// Status and keeps the native code for last_error(). Methods a port does not offer
// keep the defaults below, which return kUnsupported.
//
// (No pure virtual functions and no virtual destructor on purpose: both would make
// the toolchain link __cxa_pure_virtual or operator delete into heap-free firmware.)
#ifndef TINYTB_SINK_H_
#define TINYTB_SINK_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/writer/file_name.h"
#include "tinytb/status.h"

namespace tinytb {

// Power-loss model every port must meet (docs/storage.md): bytes confirmed by a
// completed sync() are never lost or changed afterwards, whatever happens to the bytes
// written after them; bytes not yet synced may be lost, cut short or garbled.

class Sink {
 public:
  // Put the name of the next file, made from `parts`, into `out` (capacity bytes, NUL
  // included; at least kMaxFileNameLen + 1). The default is the long TensorBoard form
  // (long_file_name()). A port overrides it when its storage cannot hold that form; its
  // names must sort in creation order: by stamp, then by sequence.
  // Errors: kInvalidArgument (these parts cannot be named on this storage).
  virtual Status name_file(const FileNameParts& parts, char* out, size_t capacity) {
    return long_file_name(parts, out, capacity);
  }

  // Create `dir` (and any missing parents) if needed, then create `dir`/`file_name`
  // as a new, empty file and keep it open for writing.
  // Contract: the file must not exist before. If it does, return kExists and leave
  // it untouched: an existing file is never opened, let alone appended to.
  // Both strings are NUL-terminated and only read during the call.
  // Errors: kAlreadyOpen, kExists, kNoSpace, kIoError, kInvalidArgument (the name
  // cannot exist on this storage).
  virtual Status open(const char* dir, const char* file_name) {
    (void)dir;
    (void)file_name;
    return Status::kUnsupported;
  }

  // Append exactly `size` bytes (size > 0) at the end of the open file.
  // Contract: kOk only when every byte was accepted. On an error, any prefix of the
  // bytes may have reached the file; the writer then calls truncate().
  // The bytes are only read during the call. Interrupted or short writes are the
  // port's business (retry), not the caller's.
  // Errors: kNotOpen, kNoSpace, kIoError.
  virtual Status write(const uint8_t* data, size_t size) {
    (void)data;
    (void)size;
    return Status::kUnsupported;
  }

  // Make every byte written so far durable (fsync, f_sync): after kOk, a power cut
  // must not lose or change them. Errors: kNotOpen, kIoError.
  virtual Status sync() { return Status::kUnsupported; }

  // Cut the open file back to `size` bytes (never more than its length), used to
  // remove the torn tail of a failed write. kUnsupported if the storage cannot;
  // the writer then abandons the file and starts a new one.
  virtual Status truncate(uint64_t size) {
    (void)size;
    return Status::kUnsupported;
  }

  // Close the open file. Closing does not imply sync: the writer syncs first.
  // After close() the sink may be opened again. Errors: kNotOpen, kIoError.
  virtual Status close() { return Status::kUnsupported; }

  // The port's native code (errno, FRESULT, ...) behind the last failed call, 0 if
  // there was none.
  virtual int32_t last_error() const { return 0; }

 protected:
  Sink() = default;
  Sink(const Sink&) = default;
  Sink& operator=(const Sink&) = default;
  ~Sink() = default;
};

}  // namespace tinytb

#endif  // TINYTB_SINK_H_
