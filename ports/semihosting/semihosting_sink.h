// tinytb port: files on the debugging host, through ARM semihosting (a debug probe with
// OpenOCD or pyOCD, or QEMU with -semihosting-config enable=on,target=native).
//
// Each call stops the core at `bkpt 0xAB` and the host performs it, so it is slow
// (milliseconds per call through a probe) and the core halts without a debugger attached:
// for bring-up, CI under QEMU and bench logging, not for the field.
//
//   open      semihosting has no exclusive create (its "wb" truncates an existing file),
//             so open() first probes the name with SYS_OPEN "rb": if that opens, the file
//             exists (kExists, closed again untouched); if it fails, SYS_ERRNO must say
//             ENOENT, else the name is not known to be free and open() gives kIoError
//             rather than risk truncating a file; only then SYS_OPEN "wb" creates it.
//             Race: a host process creating the same name between the probe and the
//             create would be truncated. Give the target a log directory of its own.
//             There is no mkdir: the directory must exist on the host (else kIoError,
//             last_error() = ENOENT). Paths are relative to the host tool's working
//             directory.
//   write     SYS_WRITE; it returns how many bytes were NOT written: any is an error,
//             kNoSpace if SYS_ERRNO says ENOSPC/EDQUOT/EFBIG, kIoError otherwise
//   sync      nothing to call: the bytes are in the host's hands once SYS_WRITE returns,
//             so a power cut on the target cannot lose them (a host crash can: the
//             host's file is not fsynced; semihosting has no call for it). Returns kOk.
//   truncate  kUnsupported (no semihosting call truncates): after a failed write the
//             writer leaves the file for a new one
//   close     SYS_CLOSE
//   errors    last_error() is the host's errno from SYS_ERRNO (semihosting reports
//             errno values the host and debugger agree on: ENOENT 2, EIO 5, ENOSPC 28).
//
// The logic is host-testable: the sink takes the function that performs one
// semihosting call. On ARM, semihosting::arm_call (bkpt 0xAB in Thumb state,
// svc 0x123456 in ARM state) is the default; on RISC-V, semihosting::riscv_call (QEMU's
// virt machine with -semihosting, OpenOCD), which carries the same operations and errno values.
#ifndef TINYTB_PORTS_SEMIHOSTING_SINK_H_
#define TINYTB_PORTS_SEMIHOSTING_SINK_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/config.h"
#include "tinytb/writer/file_name.h"
#include "tinytb/writer/sink.h"

namespace tinytb {
namespace semihosting {

// Operation numbers, from ARM's "Semihosting for AArch32 and AArch64".
constexpr uint32_t kSysOpen = 0x01;
constexpr uint32_t kSysClose = 0x02;
constexpr uint32_t kSysWrite = 0x05;
constexpr uint32_t kSysErrno = 0x13;
constexpr uint32_t kSysExitExtended = 0x20;
// SYS_OPEN modes are indexes into the fopen() mode strings "r", "rb", "r+", "r+b",
// "w", "wb", ...
constexpr uintptr_t kModeReadBinary = 1;
constexpr uintptr_t kModeWriteBinary = 5;
// SYS_EXIT_EXTENDED's reason for a normal exit (ADP_Stopped_ApplicationExit).
constexpr uintptr_t kApplicationExit = 0x20026;

// errno values semihosting reports.
constexpr int32_t kENOENT = 2;
constexpr int32_t kEIO = 5;
constexpr int32_t kEEXIST = 17;
constexpr int32_t kEINVAL = 22;
constexpr int32_t kEFBIG = 27;
constexpr int32_t kENOSPC = 28;
constexpr int32_t kENAMETOOLONG = 36;
constexpr int32_t kEDQUOT = 122;

// Performs semihosting operation `op` with its parameter block (an array of
// pointer-sized words, 32-bit on the target) and returns the host's result.
using Call = intptr_t (*)(uint32_t op, uintptr_t* args);

#if defined(__arm__)
intptr_t arm_call(uint32_t op, uintptr_t* args);
#elif defined(__riscv)
// The RISC-V semihosting trap: ebreak between the marker instructions slli x0,x0,0x1f and
// srai x0,x0,7, all three uncompressed (RISC-V Semihosting, v0.3); a0 = op, a1 = args.
intptr_t riscv_call(uint32_t op, uintptr_t* args);
#endif
#if defined(__arm__) || defined(__riscv)
// This target's semihosting call: arm_call or riscv_call.
inline intptr_t native_call(uint32_t op, uintptr_t* args) {
#if defined(__arm__)
  return arm_call(op, args);
#else
  return riscv_call(op, args);
#endif
}
// End the program under QEMU (or tell the debugger) with an exit status.
[[noreturn]] void exit(int status);
#endif

// How a host errno maps to a Status (ENOSPC, EDQUOT, EFBIG -> kNoSpace; EEXIST -> kExists;
// EINVAL, ENAMETOOLONG -> kInvalidArgument; others -> kIoError).
Status status_for(int32_t host_errno);

}  // namespace semihosting

class SemihostingSink : public Sink {
 public:
#if defined(__arm__) || defined(__riscv)
  SemihostingSink() : call_(semihosting::native_call) {}
#endif
  // `call` performs one semihosting operation (tests pass a simulated host).
  explicit SemihostingSink(semihosting::Call call) : call_(call) {}

  Status open(const char* dir, const char* file_name) override;
  Status write(const uint8_t* data, size_t size) override;
  Status sync() override;
  Status close() override;
  int32_t last_error() const override { return error_; }

 private:
  // SYS_OPEN of path_ in `mode`: the handle, or -1.
  intptr_t open_path(uintptr_t mode);
  Status fail_with_host_errno(int32_t fallback);

  semihosting::Call call_;
  intptr_t handle_ = -1;
  int32_t error_ = 0;
  char path_[TINYTB_MAX_DIR_LEN + 1 + kMaxFileNameLen + 1] = {};
};

}  // namespace tinytb

#endif  // TINYTB_PORTS_SEMIHOSTING_SINK_H_
