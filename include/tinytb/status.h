// tinytb: the one result type of every fallible call.
//
// Every function that can fail returns a Status; there are no exceptions. The enum
// is [[nodiscard]], so ignoring a result is a compiler warning (an error with -Werror).
// docs/design.md lists, for each value, what the writer changed (usually: nothing).
#ifndef TINYTB_STATUS_H_
#define TINYTB_STATUS_H_

#include <stdint.h>

namespace tinytb {

enum class [[nodiscard]] Status : int8_t {
  kOk = 0,
  kInvalidArgument,    // null pointer, zero or impossible size, bad option
  kInvalidTag,         // empty, too long, invalid UTF-8, control characters
  kStepNotIncreasing,  // step not above the tag's last step
  kTooManyTags,        // the writer's tag table is full
  kTooLarge,           // does not fit the configured buffer even when it is empty
  kNotOpen,            // the writer (or sink) is not open
  kAlreadyOpen,        // open() on an open writer (or sink)
  kExists,             // the file to create exists already
  kNoSpace,            // storage full (ENOSPC, FR_DENIED)
  kIoError,            // any other storage failure (EIO, FR_DISK_ERR, ...)
  kUnsupported,        // the sink does not offer this operation
  kEncodeError,        // the protobuf encoder failed: a bug, please report it
  kBusy,               // a shared resource is in use: lodepng's allocator hooks, bound to another encoder
  kDataLost,           // sync()/close(): storage is back, but records written before a failed sync are gone
};

// A short constant name for a status ("ok", "invalid tag", ...). Never null.
const char* status_name(Status status);

inline bool ok(Status status) { return status == Status::kOk; }

}  // namespace tinytb

#endif  // TINYTB_STATUS_H_
