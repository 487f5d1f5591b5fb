// tinytb port: files on the debugging host, through semihosting (ARM, and RISC-V's, which carries the same calls).
#include "semihosting_sink.h"

#include <string.h>

namespace tinytb {
namespace semihosting {

#if defined(__arm__)
intptr_t arm_call(uint32_t op, uintptr_t* args) {
  register uint32_t r0 __asm__("r0") = op;
  register uintptr_t* r1 __asm__("r1") = args;
#if defined(__thumb__)
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
#else
  __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
#endif
  return static_cast<intptr_t>(static_cast<int32_t>(r0));
}
#elif defined(__riscv)
intptr_t riscv_call(uint32_t op, uintptr_t* args) {
  register uintptr_t a0 __asm__("a0") = op;
  register uintptr_t* a1 __asm__("a1") = args;
  // The debugger recognises the call by the two marker instructions around ebreak, so all
  // three must be 4-byte instructions; aligned to 16 bytes, they never straddle a page.
  __asm__ volatile(
      ".option push\n\t.option norvc\n\t.balign 16\n\t"
      "slli x0, x0, 0x1f\n\tebreak\n\tsrai x0, x0, 7\n\t.option pop"
      : "+r"(a0)
      : "r"(a1)
      : "memory");
  return static_cast<intptr_t>(a0);
}
#endif

#if defined(__arm__) || defined(__riscv)
void exit(int status) {
  uintptr_t args[2] = {kApplicationExit, static_cast<uintptr_t>(status)};
  (void)native_call(kSysExitExtended, args);
  for (;;) {
  }
}
#endif

// Never kOk: it is only asked about failures.
Status status_for(int32_t host_errno) {
  switch (host_errno) {
    case kENOSPC:
    case kEDQUOT:
    case kEFBIG: return Status::kNoSpace;
    case kEEXIST: return Status::kExists;
    case kEINVAL:
    case kENAMETOOLONG: return Status::kInvalidArgument;
    default: return Status::kIoError;
  }
}

}  // namespace semihosting

Status SemihostingSink::fail_with_host_errno(int32_t fallback) {
  const intptr_t e = call_(semihosting::kSysErrno, nullptr);
  error_ = e > 0 ? static_cast<int32_t>(e) : fallback;
  return semihosting::status_for(error_);
}

intptr_t SemihostingSink::open_path(uintptr_t mode) {
  uintptr_t args[3] = {reinterpret_cast<uintptr_t>(path_), mode, strlen(path_)};
  return call_(semihosting::kSysOpen, args);
}

Status SemihostingSink::open(const char* dir, const char* file_name) {
  if (handle_ >= 0) return Status::kAlreadyOpen;
  if (dir == nullptr || file_name == nullptr || call_ == nullptr) return Status::kInvalidArgument;
  const size_t dir_len = strlen(dir);
  const size_t name_len = strlen(file_name);
  if (dir_len == 0 || name_len == 0 || dir_len + 1 + name_len + 1 > sizeof(path_)) return Status::kInvalidArgument;
  memcpy(path_, dir, dir_len);
  path_[dir_len] = '/';
  memcpy(path_ + dir_len + 1, file_name, name_len + 1);

  // No exclusive create in semihosting: probe first, create only a name known to be free.
  const intptr_t probe = open_path(semihosting::kModeReadBinary);
  if (probe >= 0) {
    uintptr_t args[1] = {static_cast<uintptr_t>(probe)};
    (void)call_(semihosting::kSysClose, args);
    error_ = semihosting::kEEXIST;
    return Status::kExists;
  }
  const Status probed = fail_with_host_errno(semihosting::kEIO);
  if (error_ != semihosting::kENOENT) return probed;  // maybe there, maybe not: never risk "wb" on it
  const intptr_t handle = open_path(semihosting::kModeWriteBinary);
  if (handle < 0) return fail_with_host_errno(semihosting::kEIO);
  handle_ = handle;
  error_ = 0;
  return Status::kOk;
}

Status SemihostingSink::write(const uint8_t* data, size_t size) {
  if (handle_ < 0) return Status::kNotOpen;
  if (data == nullptr) return Status::kInvalidArgument;
  uintptr_t args[3] = {static_cast<uintptr_t>(handle_), reinterpret_cast<uintptr_t>(data), size};
  const intptr_t not_written = call_(semihosting::kSysWrite, args);
  if (not_written == 0) return Status::kOk;
  return fail_with_host_errno(semihosting::kEIO);
}

Status SemihostingSink::sync() {
  // Once SYS_WRITE returned, the host holds the bytes: nothing the target can do adds to that.
  return handle_ >= 0 ? Status::kOk : Status::kNotOpen;
}

Status SemihostingSink::close() {
  if (handle_ < 0) return Status::kNotOpen;
  uintptr_t args[1] = {static_cast<uintptr_t>(handle_)};
  handle_ = -1;
  if (call_(semihosting::kSysClose, args) != 0) return fail_with_host_errno(semihosting::kEIO);
  return Status::kOk;
}

}  // namespace tinytb
