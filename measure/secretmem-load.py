#!/usr/bin/env python3
"""gmemlab measure kit: make the kernel remove pages from its direct map and put them back.

memfd_secret(2) memory is taken out of the direct map page by page when first touched
(set_direct_map_invalid_noflush) and put back when freed (set_direct_map_default_noflush, then
flush_tlb_kernel_range): the same operations guest_memfd without a direct map performs. This loops
over that for the given number of seconds so that directmap.bt has calls to time.

Usage: secretmem-load.py SECONDS [MIB]   (x86_64 only; needs secretmem, see measure/README.md)
"""
import ctypes
import mmap
import os
import sys
import time

NR_MEMFD_SECRET = 447  # x86_64 (arch/x86/entry/syscalls/syscall_64.tbl)
PAGE = mmap.PAGESIZE


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    size = (int(sys.argv[2]) if len(sys.argv) > 2 else 4) * 1024 * 1024
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    end = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < end:
        fd = libc.syscall(NR_MEMFD_SECRET, 0)
        if fd < 0:
            err = ctypes.get_errno()
            print(f"secretmem-load: memfd_secret failed: {os.strerror(err)}", file=sys.stderr)
            return 1
        try:
            os.ftruncate(fd, size)
            with mmap.mmap(fd, size) as m:
                for offset in range(0, size, PAGE):
                    m[offset] = 1  # first touch: the page leaves the direct map
        finally:
            os.close(fd)  # last reference: pages return to the direct map, range flushed
        rounds += 1
    print(f"secretmem-load: {rounds} rounds of {size // PAGE} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
