//! What a link produces: the image in a buffer, and its description.

use super::{LinkedSymbol, RelocRecord, SectionClass, Segment};
use crate::arch::Arch;

/// Where a section of the object was placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedSection {
    pub name: String,
    pub address: u64,
    pub size: u64,
    pub class: SectionClass,
}

/// What [`Prepared::link_into`] produces besides the image bytes.
#[derive(Clone, Debug)]
pub struct LinkOutput {
    pub symbols: Vec<LinkedSymbol>,
    pub sections: Vec<LinkedSection>,
    /// Each GOT slot: the symbol it holds and the slot's address.
    pub got: Vec<(String, u64)>,
    /// Each stub: the symbol it jumps to and the stub's address.
    pub stubs: Vec<(String, u64)>,
    pub log: Vec<RelocRecord>,
    pub segments: Vec<Segment>,
    /// GOT base address (`_GLOBAL_OFFSET_TABLE_`).
    pub got_base: u64,
}

/// A relocated image in an ordinary buffer (see [`link`]).
#[derive(Clone)]
pub struct LinkedImage {
    pub arch: Arch,
    pub base: u64,
    pub bytes: Vec<u8>,
    pub output: LinkOutput,
}

impl std::fmt::Debug for LinkedImage {
    /// Everything but the bytes, which would drown the rest.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkedImage")
            .field("arch", &self.arch)
            .field("base", &format_args!("{:#x}", self.base))
            .field("bytes", &format_args!("[{} bytes]", self.bytes.len()))
            .field("output", &self.output)
            .finish()
    }
}

impl LinkedImage {
    /// Address of an exported symbol.
    pub fn symbol(&self, name: &str) -> Option<u64> {
        self.output
            .symbols
            .iter()
            .find(|s| s.exported && s.name == name)
            .map(|s| s.address)
    }

    /// The bytes at an absolute address of the image.
    pub fn bytes_at(&self, address: u64, len: usize) -> Option<&[u8]> {
        let start = usize::try_from(address.checked_sub(self.base)?).ok()?;
        self.bytes.get(start..start.checked_add(len)?)
    }
}
