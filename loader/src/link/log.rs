//! The relocation log: what every relocation resolved to and what it
//! wrote, in a stable, symbolic form (snapshots never contain a raw
//! address of a symbol, only of the fixed test base).

use super::apply::{Ctx, Reached};
use super::elf::SymbolDef;
use crate::arch::SpecialSymbol;
use crate::error::Result;
use std::fmt;

/// Where a relocation's target was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetDesc {
    /// Nothing computed (a marker such as `R_RISCV_RELAX`).
    None,
    /// A symbol or section of the object: `symbol@section+offset`.
    Defined {
        symbol: Option<String>,
        section: String,
        offset: u64,
    },
    /// A symbol supplied by the resolver.
    External(String),
    /// An `SHN_ABS` value.
    Absolute(u64),
    /// The GOT slot holding the symbol's address.
    GotSlot(String),
    /// The stub that jumps to the symbol.
    Stub(String),
    /// The GOT base (`_GLOBAL_OFFSET_TABLE_`).
    GotBase,
    /// The ppc64 TOC base (`.TOC.`).
    TocBase,
    /// The low part of a pair: the value of the high part's target.
    Paired(Box<TargetDesc>),
}

impl fmt::Display for TargetDesc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetDesc::None => f.write_str("-"),
            TargetDesc::Defined {
                symbol: Some(s),
                section,
                offset,
            } => write!(f, "{s}@{section}+{offset:#x}"),
            TargetDesc::Defined {
                symbol: None,
                section,
                offset,
            } => write!(f, "{section}+{offset:#x}"),
            TargetDesc::External(s) => write!(f, "extern:{s}"),
            TargetDesc::Absolute(v) => write!(f, "abs:{v:#x}"),
            TargetDesc::GotSlot(s) => write!(f, "got[{s}]"),
            TargetDesc::Stub(s) => write!(f, "stub[{s}]"),
            TargetDesc::GotBase => f.write_str("GOT"),
            TargetDesc::TocBase => f.write_str(".TOC."),
            TargetDesc::Paired(inner) => write!(f, "pair({inner})"),
        }
    }
}

/// One applied relocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelocRecord {
    /// The section patched, and the offset in it.
    pub section: String,
    pub offset: u64,
    pub r_type: u32,
    pub type_name: &'static str,
    /// The symbol named by the relocation (section symbols by section name).
    pub symbol: String,
    pub addend: i64,
    /// How the target was reached.
    pub target: TargetDesc,
    /// The absolute address patched (`P`).
    pub place: u64,
    /// The value inserted (after `ADD`/`SUB` accumulation).
    pub value: i64,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
}

impl fmt::Display for RelocRecord {
    /// One line: `.text+0x1c R_X86_64_PLT32 sin-0x4 -> stub[sin] = 0x... e8 00000000 -> e8 f3ffffff`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}+{:#x} {} {}{} -> {}",
            self.section,
            self.offset,
            self.type_name,
            self.symbol,
            SignedHex(self.addend),
            self.target
        )?;
        if self.before.is_empty() {
            return Ok(());
        }
        write!(f, " = {} [", SignedHex(self.value))?;
        hex(f, &self.before)?;
        f.write_str(" -> ")?;
        hex(f, &self.after)?;
        f.write_str("]")
    }
}

fn hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

/// `+0x10` / `-0x4`: signed values in hex, as a reader expects them.
pub struct SignedHex(pub i64);

impl fmt::Display for SignedHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { '-' } else { '+' };
        write!(f, "{sign}{:#x}", self.0.unsigned_abs())
    }
}

impl Ctx<'_, '_> {
    /// The log's record of relocation `index`, of kind `type_name`, which
    /// reached its target as `reached`, computed `value` and changed the
    /// field from `before` to `after`.
    pub(super) fn record(
        &self,
        index: usize,
        type_name: &'static str,
        reached: Reached,
        value: i64,
        before: &[u8],
        after: &[u8],
    ) -> Result<RelocRecord> {
        let obj = &self.p.obj;
        let r = obj.reloc(index);
        Ok(RelocRecord {
            section: obj.sections[r.section].name.to_string(),
            offset: r.offset,
            r_type: r.r_type,
            type_name,
            symbol: obj.symbol_name(r.symbol).to_string(),
            addend: r.addend,
            target: self.describe_reached(reached)?,
            place: (self.base + self.p.layout.section_offsets[r.section]).wrapping_add(r.offset),
            value,
            before: before.to_vec(),
            after: after.to_vec(),
        })
    }

    /// The log's description of how a relocation reached its target.
    fn describe_reached(&self, reached: Reached) -> Result<TargetDesc> {
        let name = |sym: usize| self.p.obj.symbol_name(sym).to_string();
        Ok(match reached {
            Reached::Nothing => TargetDesc::None,
            Reached::Symbol(sym) => self.desc_symbol(sym),
            Reached::GotSlot(sym) => TargetDesc::GotSlot(name(sym)),
            Reached::Stub(sym) => TargetDesc::Stub(name(sym)),
            Reached::GotBase => TargetDesc::GotBase,
            Reached::TocBase => TargetDesc::TocBase,
            Reached::Paired(high) => {
                let (_, inner) = self.value(high, &self.p.obj.reloc(high), 1)?;
                TargetDesc::Paired(Box::new(self.describe_reached(inner)?))
            }
        })
    }

    /// Symbol `sym` as the log names it.
    pub(super) fn desc_symbol(&self, sym: usize) -> TargetDesc {
        let obj = &self.p.obj;
        let s = obj.symbol(sym);
        match (s.def, obj.symbol_section(sym)) {
            (SymbolDef::Section { value, .. }, Some(pos)) => TargetDesc::Defined {
                symbol: (!s.is_section()).then(|| s.name.to_string()),
                section: obj.sections[pos].name.to_string(),
                offset: value,
            },
            (SymbolDef::Absolute(v), _) => TargetDesc::Absolute(v),
            _ => match self.p.def.special_symbol(s.name) {
                Some(SpecialSymbol::GotBase) => TargetDesc::GotBase,
                Some(SpecialSymbol::TocBase) => TargetDesc::TocBase,
                None => TargetDesc::External(s.name.to_string()),
            },
        }
    }
}
