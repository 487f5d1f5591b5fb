/* tinytb Cortex-M firmware: the FatFs (ChaN, R0.15) configuration of the SD-card build
 * (`make sdcard`, docs/firmware.md "On a FAT card"). Every option R0.15's ff.c reads is set
 * here, so nothing depends on the copy of ffconf.h that ships with FatFs.
 *
 * What the firmware needs and why:
 *   - writing, f_mkdir, f_lseek and f_truncate: ports/fatfs/fatfs_sink.h checks these
 *   - long file names with the working buffer in .bss (FF_USE_LFN 1): no heap, and no
 *     512-byte buffer on the stack of every path lookup (2 would put it there, 3 on the heap);
 *     -DFF_USE_LFN=0 builds the 8.3-name variant
 *   - code page 437 only: the smallest table ffunicode.c can compile to (0 or a DBCS
 *     page would add tens of KB of flash for names the firmware never makes)
 *   - no clock (FF_FS_NORTC 1): every directory entry gets the fixed date below, which is
 *     also what keeps two runs' card images byte for byte equal
 *   - one volume of 512-byte sectors, FAT12/16/32 only (no exFAT: SDXC cards need it, the
 *     images `make sdcard` formats do not)
 *   - no file lock table and no re-entrancy: one writer, no RTOS
 */
#ifndef TINYTB_EXAMPLES_CORTEX_M_FFCONF_H_
#define TINYTB_EXAMPLES_CORTEX_M_FFCONF_H_

#define FFCONF_DEF 80286 /* must equal ff.h's FF_DEFINED: R0.15 */

/* API functions */
#define FF_FS_READONLY 0
#define FF_FS_MINIMIZE 0
#define FF_USE_FIND 0
#define FF_USE_MKFS 0 /* the card comes formatted (mkfs.fat on the host, as a PC does) */
#define FF_USE_FASTSEEK 0
#define FF_USE_EXPAND 0
#define FF_USE_CHMOD 0
#define FF_USE_LABEL 0
#define FF_USE_FORWARD 0
#define FF_USE_STRFUNC 0
#define FF_PRINT_LLI 0
#define FF_PRINT_FLOAT 0
#define FF_STRF_ENCODE 0

/* names */
#define FF_CODE_PAGE 437
#ifndef FF_USE_LFN
#define FF_USE_LFN 1
#endif
#define FF_MAX_LFN 255
#define FF_LFN_UNICODE 0 /* char paths, as ports/fatfs passes them */
#define FF_LFN_BUF 255
#define FF_SFN_BUF 12
#define FF_FS_RPATH 0 /* every path starts at the root */

/* volumes */
#define FF_VOLUMES 1
#define FF_STR_VOLUME_ID 0
#define FF_VOLUME_STRS "SD"
#define FF_MULTI_PARTITION 0
#define FF_MIN_SS 512
#define FF_MAX_SS 512
#define FF_LBA64 0
#define FF_MIN_GPT 0x10000000
#define FF_USE_TRIM 0

/* system */
#ifndef FF_FS_TINY
#define FF_FS_TINY 0 /* 1: the file shares the volume's sector buffer (-DFF_FS_TINY=1 builds it) */
#endif
#define FF_FS_EXFAT 0
#define FF_FS_NORTC 1
#define FF_NORTC_MON 1
#define FF_NORTC_MDAY 1
#define FF_NORTC_YEAR 2025
#define FF_FS_NOFSINFO 0
#define FF_FS_LOCK 0
#define FF_FS_REENTRANT 0
#define FF_FS_TIMEOUT 1000

#endif /* TINYTB_EXAMPLES_CORTEX_M_FFCONF_H_ */
