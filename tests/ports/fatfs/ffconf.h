/* tinytb tests: the ffconf.h ChaN's FatFs R0.15 is built with on the host (the port's
 * tests, the sector-level power sweep, the port's Cortex-M4 compile check; the QEMU SD-card
 * firmware has its own, examples/cortex_m/ffconf.h). Ours, not the sample the sdist carries:
 * that one is installed under third_party/fatfs/ for reference only, and the build copies
 * ff.c/ff.h away from it so that this file is the one ff.h finds.
 *
 * Three configurations are built, chosen with -D (defaults below):
 *   lfn0   FF_USE_LFN=0                  8.3 names only (the port names files 6740A1B0.000)
 *   lfn1   FF_USE_LFN=1                  long names, static work buffer (no heap)
 *   tiny   FF_USE_LFN=1 FF_FS_TINY=1     one sector buffer per volume, none per file
 * Everything else is what the port needs (tinytb/ports/fatfs/fatfs_sink.h checks it) and
 * what an SD-card logger wants: writable, no exFAT, no locking, no RTOS, and no RTC (every
 * file is stamped with the fixed date below: the event files carry their own wall time). */
#ifndef TINYTB_TESTS_PORTS_FATFS_FFCONF_H_
#define TINYTB_TESTS_PORTS_FATFS_FFCONF_H_

#define FFCONF_DEF 80286 /* R0.15: ff.h refuses any other revision */

/* Functions: all of the write side (f_mkdir, f_lseek, f_truncate), nothing optional. */
#define FF_FS_READONLY 0
#define FF_FS_MINIMIZE 0
#define FF_USE_FIND 0
#define FF_USE_MKFS 0 /* cards are formatted by mkfs.fat, as a PC formats them */
#define FF_USE_FASTSEEK 0
#define FF_USE_EXPAND 0
#define FF_USE_CHMOD 0
#define FF_USE_LABEL 0
#define FF_USE_FORWARD 0
#define FF_USE_STRFUNC 0
#define FF_PRINT_LLI 0
#define FF_PRINT_FLOAT 0
#define FF_STRF_ENCODE 0

/* Names. Code page 437: the one mkfs.fat and mtools assume; single-byte, small tables. */
#define FF_CODE_PAGE 437
#ifndef FF_USE_LFN
#define FF_USE_LFN 1 /* 1: the LFN work buffer is static (BSS), never the heap or the stack */
#endif
#define FF_MAX_LFN 255
#define FF_LFN_UNICODE 0 /* char paths, as the port passes them */
#define FF_LFN_BUF 255
#define FF_SFN_BUF 12
#define FF_FS_RPATH 0

/* One volume, one partition-less or MBR drive, 512-byte sectors (SD cards). */
#define FF_VOLUMES 1
#define FF_STR_VOLUME_ID 0
#define FF_VOLUME_STRS "SD"
#define FF_MULTI_PARTITION 0
#define FF_MIN_SS 512
#define FF_MAX_SS 512
#define FF_LBA64 0
#define FF_MIN_GPT 0x10000000
#define FF_USE_TRIM 0

/* Buffers: FF_FS_TINY shares the volume's sector buffer with every file (less RAM, more
 * sector writes: the sweep runs both). */
#ifndef FF_FS_TINY
#define FF_FS_TINY 0
#endif
#define FF_FS_EXFAT 0

/* No RTC: 2026-01-01 on every directory entry. */
#define FF_FS_NORTC 1
#define FF_NORTC_MON 1
#define FF_NORTC_MDAY 1
#define FF_NORTC_YEAR 2026

/* Trust FSINFO's free count and next-free hint as FatFs does by default (fsck.fat -n
 * reports a stale free count after a power cut; it is a hint, repaired on the PC). */
#define FF_FS_NOFSINFO 0
#define FF_FS_LOCK 0
#define FF_FS_REENTRANT 0
#define FF_FS_TIMEOUT 1000

#endif /* TINYTB_TESTS_PORTS_FATFS_FFCONF_H_ */
