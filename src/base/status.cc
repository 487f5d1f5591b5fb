// tinytb: Status names.
#include "tinytb/status.h"

namespace tinytb {

const char* status_name(Status status) {
  switch (status) {
    case Status::kOk: return "ok";
    case Status::kInvalidArgument: return "invalid argument";
    case Status::kInvalidTag: return "invalid tag";
    case Status::kStepNotIncreasing: return "step not increasing";
    case Status::kTooManyTags: return "too many tags";
    case Status::kTooLarge: return "too large";
    case Status::kNotOpen: return "not open";
    case Status::kAlreadyOpen: return "already open";
    case Status::kExists: return "exists";
    case Status::kNoSpace: return "no space";
    case Status::kIoError: return "i/o error";
    case Status::kUnsupported: return "unsupported";
    case Status::kEncodeError: return "encode error";
    case Status::kBusy: return "busy";
    case Status::kDataLost: return "data lost";
  }
  return "unknown status";
}

}  // namespace tinytb
