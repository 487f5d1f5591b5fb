// tinytb port: FAT file systems through ChaN's FatFs (SD cards, USB sticks, SPI flash).
//
// Needs only FatFs's ff.h (and the ffconf.h it includes) on the include path, with
// FF_FS_READONLY = 0 and FF_FS_MINIMIZE = 0 (f_mkdir, f_lseek, f_truncate) and char
// paths (FF_LFN_UNICODE 0 or 2). The volume must be mounted (f_mount) before open().
//
//   name_file  with FF_USE_LFN: TensorBoard's long name; without: the 8.3 form of
//              fat_names.h ("6740A1B0.000"), and every directory level of the path
//              must itself be an 8.3 name (else kInvalidArgument, nothing touched).
//              A drive prefix ("0:", "SD:") in the log directory is kept as it is.
//   open       f_mkdir for each directory level (FR_EXIST is fine), then
//              f_open(FA_CREATE_NEW | FA_WRITE): an existing file is FR_EXIST -> kExists,
//              never opened
//   write      f_write, in UINT-sized pieces; fewer bytes written than asked means the
//              volume is full (or the file hit FAT32's 4 GiB - 1 limit): kNoSpace, and
//              last_error() says FR_DENIED, the code FatFs gives for a full directory
//   sync       f_sync: FatFs writes the file's data, its size and its directory entry;
//              until then a power cut returns the file to its size at the last f_sync.
//              If f_sync fails, the file is cut back to that size (f_lseek, f_truncate,
//              f_sync) before the error is returned: the card may have lost sectors
//              FatFs believes written, and the directory entry must never claim them
//   truncate   f_lseek to the cut, then f_truncate (the pointer stays at the new end,
//              so the next f_write appends there); a cut beyond the file's length is
//              kIoError (f_lseek would extend the file with stale clusters)
//   close      f_close (which syncs too)
//   errors     FR_DENIED -> kNoSpace; FR_EXIST -> kExists; FR_INVALID_NAME,
//              FR_INVALID_PARAMETER -> kInvalidArgument; FR_DISK_ERR, FR_INT_ERR,
//              FR_NOT_READY and all others -> kIoError. last_error() is the FRESULT.
//
// After a hard error (FR_DISK_ERR, FR_INT_ERR) FatFs aborts the file object: every call
// on it except f_close fails. The writer's truncate then fails too, so it leaves that
// file for a new one, which is exactly right. If f_close fails as well, the sink
// forgets the file object anyway (with FF_FS_LOCK > 0 its lock entry stays taken until
// the volume is mounted again).
#ifndef TINYTB_PORTS_FATFS_FATFS_SINK_H_
#define TINYTB_PORTS_FATFS_FATFS_SINK_H_

#include "ff.h"
#include "tinytb/config.h"
#include "tinytb/writer/sink.h"

#if FF_FS_READONLY
#error "tinytb's FatFs port writes files: set FF_FS_READONLY to 0 in ffconf.h"
#endif
#if FF_FS_MINIMIZE != 0
#error "tinytb's FatFs port needs f_mkdir, f_lseek and f_truncate: set FF_FS_MINIMIZE to 0 in ffconf.h"
#endif
#if FF_USE_LFN && FF_LFN_UNICODE == 1
#error "tinytb's FatFs port passes char paths: set FF_LFN_UNICODE to 0 (ANSI/OEM) or 2 (UTF-8)"
#endif

namespace tinytb {

// How a FRESULT maps to a Status (see the table above).
Status fatfs_status(FRESULT result);

class FatfsSink : public Sink {
 public:
  Status name_file(const FileNameParts& parts, char* out, size_t capacity) override;
  Status open(const char* dir, const char* file_name) override;
  Status write(const uint8_t* data, size_t size) override;
  Status sync() override;
  Status truncate(uint64_t size) override;
  Status close() override;
  int32_t last_error() const override { return static_cast<int32_t>(error_); }

  // Whether this build uses the 8.3 form (FF_USE_LFN = 0).
  static constexpr bool kShortNames = FF_USE_LFN == 0;

 private:
  Status fail(FRESULT result);

  FIL file_ = {};
  bool open_ = false;
  FRESULT error_ = FR_OK;
  FSIZE_t synced_size_ = 0;  // the file's size at its last good f_sync
};

}  // namespace tinytb

#endif  // TINYTB_PORTS_FATFS_FATFS_SINK_H_
