/* tinytb tests: the FatFs API as ChaN documents it (ff.h, R0.15), declared from the
 * documentation for the stand-in in this folder. ChaN's FatFs is not packaged for
 * Debian, so it is not linked here; ports/fatfs/ is compiled against these declarations
 * (the real names, types, FRESULT values and FA_* flags) and links against the
 * stand-in (fatfs_standin.cc). In firmware, the real ff.h and ffconf.h take their place.
 *
 * Only what ports/fatfs/ calls is declared. FIL's fields are the stand-in's own: the
 * port never touches a field of FIL, so the real FIL layout works the same. */
#ifndef TINYTB_TESTS_PORTS_FATFS_FF_H_
#define TINYTB_TESTS_PORTS_FATFS_FF_H_

#include <stdint.h>

#include "ffconf.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int UINT;
typedef unsigned char BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef uint64_t QWORD;

#if FF_LFN_UNICODE == 1
typedef WORD TCHAR; /* UTF-16 paths: ports/fatfs/ refuses this setting */
#else
typedef char TCHAR; /* ANSI/OEM (0) or UTF-8 (2) */
#endif

#if FF_FS_EXFAT
typedef QWORD FSIZE_t;
#else
typedef DWORD FSIZE_t;
#endif

typedef enum {
  FR_OK = 0,              /* succeeded */
  FR_DISK_ERR,            /* a hard error in the low-level disk I/O layer */
  FR_INT_ERR,             /* assertion failed */
  FR_NOT_READY,           /* the physical drive does not work */
  FR_NO_FILE,             /* could not find the file */
  FR_NO_PATH,             /* could not find the path */
  FR_INVALID_NAME,        /* the path name format is invalid */
  FR_DENIED,              /* access denied, or directory full */
  FR_EXIST,               /* the object exists */
  FR_INVALID_OBJECT,      /* the file or directory object is invalid */
  FR_WRITE_PROTECTED,     /* the drive is write-protected */
  FR_INVALID_DRIVE,       /* the logical drive number is invalid */
  FR_NOT_ENABLED,         /* the volume has no work area */
  FR_NO_FILESYSTEM,       /* no valid FAT volume */
  FR_MKFS_ABORTED,        /* f_mkfs aborted */
  FR_TIMEOUT,             /* no grant to access the volume in time */
  FR_LOCKED,              /* refused by the file sharing policy */
  FR_NOT_ENOUGH_CORE,     /* no LFN working buffer */
  FR_TOO_MANY_OPEN_FILES, /* more open files than FF_FS_LOCK */
  FR_INVALID_PARAMETER    /* a parameter is invalid */
} FRESULT;

#define FA_READ 0x01
#define FA_WRITE 0x02
#define FA_OPEN_EXISTING 0x00
#define FA_CREATE_NEW 0x04
#define FA_CREATE_ALWAYS 0x08
#define FA_OPEN_ALWAYS 0x10
#define FA_OPEN_APPEND 0x30

typedef struct {
  int handle;   /* stand-in: index of the open file, -1 when closed */
  BYTE err;     /* stand-in: the hard error that aborted this file object, as FatFs keeps one */
  FSIZE_t fptr; /* stand-in: read/write pointer */
} FIL;

FRESULT f_open(FIL* fp, const TCHAR* path, BYTE mode);
FRESULT f_close(FIL* fp);
FRESULT f_write(FIL* fp, const void* buff, UINT btw, UINT* bw);
FRESULT f_lseek(FIL* fp, FSIZE_t ofs);
FRESULT f_truncate(FIL* fp);
FRESULT f_sync(FIL* fp);
FRESULT f_mkdir(const TCHAR* path);

#ifdef __cplusplus
}
#endif

#endif /* TINYTB_TESTS_PORTS_FATFS_FF_H_ */
