//! Executable memory: one anonymous mapping per image, written while
//! read-write, then each segment flipped to its final protection. No page is
//! ever writable and executable at once.

use crate::error::{Error, Result};
use crate::link::{Protection, Segment};
use memmap2::{MmapOptions, MmapRaw};

/// The host page size.
pub fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as u64
    } else {
        4096
    }
}

impl crate::link::LinkOptions {
    /// What a load into this process uses by default: the host's pages,
    /// no log, read-only data with the code.
    pub fn host() -> crate::link::LinkOptions {
        crate::link::LinkOptions {
            page_size: page_size(),
            record_log: false,
            separate_read_only: false,
        }
    }
}

/// The fewest pages [`Mapping::populate`] faults in by one call (measured
/// on x86_64: with it, a 2-page load 1.22x the floor, without 1.12x; an
/// 8-page one 1.30x with it, 1.35x without).
const POPULATE_MIN_PAGES: usize = 4;

/// An anonymous mapping holding one image.
#[derive(Debug)]
pub struct Mapping {
    raw: MmapRaw,
    /// Offset of the image inside the mapping (non-zero only when the image
    /// needs more than page alignment).
    skew: usize,
    len: usize,
}

// SAFETY: the mapping is owned exclusively by this value; after `protect`
// it is never written through `raw` again, and reads of immutable code and
// data are safe from any thread.
unsafe impl Send for Mapping {}
// SAFETY: as above: shared access never writes.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Maps `len` zeroed read-write bytes whose start is aligned to `align`.
    pub fn new(len: usize, align: u64) -> Result<Mapping> {
        let page = page_size();
        let extra = align.saturating_sub(page) as usize;
        let total = len.max(1) + extra;
        let mmap = MmapOptions::new()
            .len(total)
            .map_anon()
            .map_err(|source| Error::Os { op: "mmap", source })?;
        let raw = MmapRaw::from(mmap);
        let addr = raw.as_ptr() as u64;
        let skew = (addr.next_multiple_of(align) - addr) as usize;
        Ok(Mapping { raw, skew, len })
    }

    /// Faults in the first `len` bytes of the image, writable, in one call
    /// (`MADV_POPULATE_WRITE`, Linux 5.14+) instead of one page fault per
    /// page as the link writes them: a tenth of a large load. Not for fewer
    /// than [`POPULATE_MIN_PAGES`] pages, whose faults cost less than the
    /// call (a small load took 10% longer with it). An optimisation only:
    /// where the kernel refuses, the pages fault in as they are written.
    pub fn populate(&self, len: usize) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let len = (len.min(self.len) as u64).next_multiple_of(page_size()) as usize;
            if len < POPULATE_MIN_PAGES * page_size() as usize {
                return;
            }
            // SAFETY: [base, base + len) lies in our read-write mapping
            // (the image starts page-aligned, `len` is cut to the image and
            // rounded to pages the mapping holds); the advice changes no
            // contents (the pages are zero, as they would be when faulted).
            let rc = unsafe {
                libc::madvise(
                    self.base() as *mut libc::c_void,
                    len,
                    libc::MADV_POPULATE_WRITE,
                )
            };
            if rc != 0 {
                tracing::trace!(
                    error = %std::io::Error::last_os_error(),
                    "MADV_POPULATE_WRITE refused; pages fault in as written"
                );
            }
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let _ = len;
    }

    /// The image's start address.
    pub fn base(&self) -> u64 {
        self.raw.as_ptr() as u64 + self.skew as u64
    }

    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The image bytes, for writing before [`Mapping::protect`].
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: the mapping is `skew + len` bytes of read-write memory we
        // own; `&mut self` guarantees no other reference exists, and
        // `protect` has not run yet (it consumes the only way to get here
        // through `Module::load`).
        unsafe { std::slice::from_raw_parts_mut(self.raw.as_mut_ptr().add(self.skew), self.len) }
    }

    /// Applies each segment's protection, then makes the instruction cache
    /// see the new code.
    pub fn protect(&mut self, segments: &[Segment]) -> Result<()> {
        for s in segments {
            let prot = match s.protection {
                Protection::ReadExecute => libc::PROT_READ | libc::PROT_EXEC,
                Protection::ReadOnly => libc::PROT_READ,
                Protection::ReadWrite => libc::PROT_READ | libc::PROT_WRITE,
            };
            if s.protection == Protection::ReadWrite {
                continue; // already read-write
            }
            let start = self.base() + s.offset;
            // SAFETY: [start, start + len) lies within our mapping (segments
            // come from the layout of an image of `self.len` bytes and are
            // page-aligned from a page-aligned base).
            let rc = unsafe { libc::mprotect(start as *mut libc::c_void, s.len as usize, prot) };
            if rc != 0 {
                return Err(Error::Os {
                    op: "mprotect",
                    source: std::io::Error::last_os_error(),
                });
            }
            if s.protection == Protection::ReadExecute {
                flush_icache(start, s.len);
            }
        }
        Ok(())
    }
}

/// Makes freshly written code visible to instruction fetch.
#[allow(unused_variables)]
fn flush_icache(start: u64, len: u64) {
    #[cfg(not(any(target_arch = "x86_64", target_arch = "x86")))]
    {
        extern "C" {
            fn __clear_cache(start: *mut libc::c_char, end: *mut libc::c_char);
        }
        // SAFETY: the range is mapped (readable) code of this image;
        // __clear_cache only performs cache maintenance on it.
        unsafe {
            __clear_cache(
                start as *mut libc::c_char,
                (start + len) as *mut libc::c_char,
            )
        };
    }
}

/// Asks the CPU to bring `bytes` into its caches ahead of use (a batch
/// reads each object twice, and a thousand objects do not stay cached
/// between the passes). A hint only: nothing for more than 64 KiB (the
/// hardware follows a large object's sequential reads, and fetching it
/// whole would evict what is in use), nothing on other architectures.
#[inline]
pub(crate) fn prefetch(bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    if bytes.len() <= 64 << 10 {
        for line in bytes.chunks(64) {
            // SAFETY: a prefetch never faults and reads nothing the
            // program sees; the address lies in `bytes` anyway.
            unsafe {
                core::arch::x86_64::_mm_prefetch(
                    line.as_ptr().cast(),
                    core::arch::x86_64::_MM_HINT_T0,
                )
            };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}
