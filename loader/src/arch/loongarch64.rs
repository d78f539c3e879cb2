//! Loongarch64: relocation table (being written; until then every type is reported
//! as unsupported, never skipped).

use super::{Arch, ArchDef, RelocKind};

pub(crate) struct Loongarch64;

static TABLE: &[RelocKind] = &[];

impl ArchDef for Loongarch64 {
    fn arch(&self) -> Arch {
        Arch::Loongarch64
    }

    fn machine(&self) -> u16 {
        object::elf::EM_LOONGARCH
    }

    fn kind(&self, r_type: u32) -> Option<&'static RelocKind> {
        super::lookup(TABLE, r_type)
    }

    fn stub_size(&self) -> usize {
        16
    }

    fn write_stub(&self, code: &mut [u8], _stub_addr: u64, _got_slot_addr: u64, _target: u64) {
        // No branch kind in the table yet, so no stub is ever requested.
        code.fill(0);
    }
}
