//! Settings of the link step.

/// Settings of the link step. What a load into this process uses is
/// `LinkOptions::host()`, defined beside the host's memory (the pure link
/// step never asks the host for its page size).
#[derive(Clone, Debug)]
pub struct LinkOptions {
    /// Page size the protection groups are aligned to.
    pub page_size: u64,
    /// Record a [`RelocRecord`](super::RelocRecord) per relocation (costs an allocation or two
    /// per relocation; off on the fast load path). Also lists the
    /// assembler-local `.L` labels the log refers to among
    /// [`LinkOutput::symbols`](super::LinkOutput::symbols).
    pub record_log: bool,
    /// Give read-only data and the GOT their own read-only pages, apart
    /// from the code. Off, they follow the code in its read + execute
    /// pages: one page and one protection change fewer per image (a third
    /// of the time of a small load), at the price of constants that are
    /// executable (never writable: W^X holds either way).
    pub separate_read_only: bool,
}

impl Default for LinkOptions {
    /// The layout of the relocation snapshots: 64 KiB pages, a log, and
    /// read-only data apart from the code.
    fn default() -> Self {
        LinkOptions {
            page_size: 0x1_0000,
            record_log: true,
            separate_read_only: true,
        }
    }
}
