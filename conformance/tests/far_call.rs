//! The far-call kernel: `libm/extern_exp_log_pow` calls `exp`, `log` and
//! `pow`, which the fixed-base resolver places at `0x7f00_0000_0000..`,
//! about 127 TiB above the image at `0x4000_0000` (what a shared library
//! mapped high in a process looks like). No direct call reaches that far
//! on any of the five architectures (x86_64 `rel32` and riscv64
//! `auipc+jalr` +-2 GiB, aarch64 `BL` and loongarch64 `B26` +-128 MiB,
//! ppc64 `REL24` +-32 MiB), so each call must go through a stub/veneer.
//! This test checks, on every architecture, that the link step used one
//! for each call and that the stub itself is within reach of the call.

use loader::compile::find_clang;
use loader::link::TargetDesc;
use loader::Arch;

use conformance::runner::fixed::{compile_and_link, fake_address, FIXED_BASE};
use conformance::spec::KernelSpec;

const KERNEL: &str = "libm/extern_exp_log_pow";
const CALLEES: [&str; 3] = ["exp", "log", "pow"];

/// Reach of a direct call on `arch`, in bytes either way.
fn direct_call_reach(arch: Arch) -> u64 {
    match arch {
        Arch::X86_64 | Arch::Riscv64 => 1 << 31,
        Arch::Aarch64 | Arch::Loongarch64 => 1 << 27,
        Arch::Ppc64le => 1 << 25,
    }
}

#[test]
fn far_calls_go_through_a_stub_on_every_arch() {
    let clang = find_clang(None).expect("clang (clang-19) is provisioned for the tests");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("kernels")
        .join(format!("{KERNEL}.c"));
    let spec = KernelSpec::load(&path).expect("the far-call kernel parses");
    for arch in Arch::ALL {
        let reach = direct_call_reach(arch);
        let l = compile_and_link(&spec, arch, &clang, "2");
        let log = match &l.outcome {
            Ok(log) => log,
            Err(e) => panic!("{KERNEL} does not link for {}: {e}", arch.name()),
        };
        for callee in CALLEES {
            let target = fake_address(callee, false);
            // The callee is out of direct reach from anywhere in the image.
            assert!(
                target - FIXED_BASE > 2 * reach,
                "{}: {callee} at {target:#x} is not far",
                arch.name()
            );
            let calls: Vec<_> = log.iter().filter(|r| r.symbol == callee).collect();
            assert!(
                !calls.is_empty(),
                "{}: no relocation names {callee}",
                arch.name()
            );
            for r in calls {
                let TargetDesc::Stub(s) = &r.target else {
                    panic!(
                        "{}: the call to {callee} does not go through a stub: {r}",
                        arch.name()
                    );
                };
                assert_eq!(s, callee, "{}: {r}", arch.name());
                // The inserted value is the stub's displacement (or, for
                // riscv64, the pcrel_hi part of it): within direct reach.
                assert!(
                    r.value.unsigned_abs() < reach,
                    "{}: stub for {callee} out of reach: {r}",
                    arch.name()
                );
            }
        }
    }
}
