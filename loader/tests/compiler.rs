//! The clang driver: flags per architecture reach clang correctly.

use loader::{Arch, Compiler, Language};

#[test]
fn named_cpus_reach_clang_with_the_right_flag() {
    for (arch, cpu) in [
        (Arch::X86_64, "x86-64-v2"),
        (Arch::Aarch64, "cortex-a72"),
        (Arch::Riscv64, "sifive-u74"),
        (Arch::Loongarch64, "la464"),
        (Arch::Ppc64le, "pwr9"),
    ] {
        let mut c = Compiler::new(arch).unwrap();
        c.cpu = loader::Cpu::Named(cpu.into());
        c.compile("int f(int x) { return x * 3; }", Language::C)
            .unwrap_or_else(|e| panic!("{arch} {cpu}: {e}"));
    }
}
