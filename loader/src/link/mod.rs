//! The pure link step: object bytes + architecture + base address +
//! resolver -> relocated image, symbol table and relocation log.
//!
//! Nothing here touches memory protections, executes code or asks the
//! host anything, so every architecture links (and is tested) on any host.
//! [`crate::Module`] maps the result; tests link at a fixed base and check
//! the patched fields.
//!
//! One concern a file, in the order a link runs:
//! - `elf.rs`: reading the object (typed views over its bytes);
//! - `tables.rs`: which symbols get GOT slots and stubs;
//! - `layout.rs`: where sections, GOT and stubs go, grouped by protection;
//! - `apply.rs`: the relocation engine (relocations, GOT, stubs);
//! - `listing.rs`, `symbols.rs`: the symbols of the image;
//! - `log.rs`: what a logged link records of each relocation;
//! - `prepared.rs`, `options.rs`, `output.rs`, `resolve.rs`: the API.
#![forbid(unsafe_code)]

mod apply;
mod elf;
mod layout;
mod listing;
mod log;
mod options;
mod output;
mod prepared;
pub(crate) mod resolve;
mod symbols;
mod tables;

pub use elf::SectionClass;
pub use layout::{Protection, Segment, MAX_IMAGE_SIZE};
pub use log::{RelocRecord, TargetDesc};
pub use options::LinkOptions;
pub use output::{LinkOutput, LinkedImage, LinkedSection};
pub use prepared::Prepared;
pub use resolve::Resolver;
pub use symbols::{LinkedSymbol, SymbolList, SymbolRef};

use crate::arch::Arch;
use crate::error::Result;

/// Parses, lays out, and links `object` at `base` into a new buffer.
pub fn link(
    object: &[u8],
    arch: Arch,
    base: u64,
    resolver: &dyn Resolver,
    options: &LinkOptions,
) -> Result<LinkedImage> {
    let prepared = Prepared::new(object, arch, options)?;
    let mut bytes = vec![0u8; prepared.image_size()];
    let output = prepared.link_into(base, &mut bytes, resolver)?;
    Ok(LinkedImage {
        arch,
        base,
        bytes,
        output,
    })
}
