//! Oracle 3, cross-architecture agreement: the outputs each architecture
//! produced (`conformance run --outputs FILE`) compared with a reference
//! architecture's (x86_64 in `cargo xtask matrix`), kernel by kernel and
//! level by level, with `spec::compare`: integers bit for bit, floats
//! within the kernel's `tolerance`, widened for one architecture only by a
//! `cross-arch ulp N ARCH: reason` directive.
//!
//! Only kernels that produced outputs on both sides are compared; a kernel
//! that failed, was skipped or was not run on one side is listed as not
//! compared (its failure is in that architecture's own report).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use loader::Arch;
use serde::Serialize;

use super::expected::ExpectedFailure;
use super::outputs::SavedOutputs;
use super::run::Party;
use crate::spec::{compare, KernelSpec, Tolerance};

/// The verdict on one kernel at one level on one architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrossStatus {
    /// Bit-identical outputs.
    Identical,
    /// Different bits, within the tolerance.
    WithinTolerance,
    /// Outside the tolerance (or an integer differs).
    Differ,
    /// Outside the tolerance, as an `expected-failures.toml` entry with
    /// `backend = "cross-arch"` says (its reason in the verdict).
    ExpectedDifference,
    /// Agrees although such an entry says it does not: the entry must go.
    UnexpectedlyAgreeing,
    /// Outputs on one side only.
    NotCompared,
}

/// One comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CrossVerdict {
    pub kernel: String,
    pub opt: String,
    pub arch: String,
    pub status: CrossStatus,
    /// The tolerance applied (`exact`, `ulp N`).
    pub tolerance: String,
    /// The `cross-arch` directive's reason when it widened the tolerance;
    /// the expected-failure entry's reason for an expected difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The first difference, or why nothing was compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Counts per architecture.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CrossCounts {
    pub identical: usize,
    pub within_tolerance: usize,
    pub differ: usize,
    pub expected_difference: usize,
    pub unexpectedly_agreeing: usize,
    pub not_compared: usize,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CrossReport {
    pub reference: String,
    pub counts: BTreeMap<String, CrossCounts>,
    pub verdicts: Vec<CrossVerdict>,
}

impl CrossReport {
    pub fn success(&self) -> bool {
        self.verdicts.iter().all(|v| {
            !matches!(
                v.status,
                CrossStatus::Differ | CrossStatus::UnexpectedlyAgreeing
            )
        })
    }
}

fn tolerance_name(t: Tolerance) -> String {
    match t {
        Tolerance::Exact => "exact".into(),
        Tolerance::Ulp(n) => format!("ulp {n}"),
    }
}

/// Compares one architecture's outputs of a kernel with the reference's.
pub fn compare_one(
    spec: Option<&KernelSpec>,
    arch: &str,
    reference: &SavedOutputs,
    actual: &SavedOutputs,
) -> CrossVerdict {
    let (tol, reason) = match (spec, arch.parse::<Arch>()) {
        (Some(s), Ok(a)) => s.cross_arch_tolerance(a),
        (Some(s), Err(_)) => (s.tolerance, None),
        (None, _) => (Tolerance::Exact, None),
    };
    let mut v = CrossVerdict {
        kernel: reference.kernel.clone(),
        opt: reference.opt.clone(),
        arch: arch.to_string(),
        status: CrossStatus::Identical,
        tolerance: tolerance_name(tol),
        reason: reason.map(str::to_string),
        detail: None,
    };
    if reference.digest == actual.digest {
        return v;
    }
    let decoded = reference
        .outputs()
        .and_then(|e| actual.outputs().map(|a| (e, a)));
    match decoded {
        Err(e) => {
            v.status = CrossStatus::Differ;
            v.detail = Some(format!("unreadable outputs: {e}"));
        }
        Ok((e, a)) => match compare(&e, &a, tol) {
            Ok(()) => v.status = CrossStatus::WithinTolerance,
            Err(m) => {
                v.status = CrossStatus::Differ;
                v.detail = Some(m.to_string());
            }
        },
    }
    v
}

/// Applies the `backend = "cross-arch"` entries of `expected-failures.toml`
/// to a verdict.
fn classify(v: &mut CrossVerdict, expected: &[ExpectedFailure]) {
    let Some(e) = expected
        .iter()
        .find(|e| e.backend == Some(Party::CrossArch) && e.concerns(&v.kernel, &v.arch, &v.opt))
    else {
        return;
    };
    match v.status {
        CrossStatus::Differ => {
            v.status = CrossStatus::ExpectedDifference;
            v.reason = Some(e.reason.clone());
        }
        CrossStatus::Identical | CrossStatus::WithinTolerance => {
            v.status = CrossStatus::UnexpectedlyAgreeing;
            v.detail = Some(format!(
                "listed in expected-failures.toml (line {}: {}) but agrees: remove the entry",
                e.line, e.reason
            ));
        }
        _ => {}
    }
}

/// Compares every other architecture's outputs with the reference's.
/// `specs` gives the tolerances (a kernel missing from it is compared
/// bit for bit); `expected` the understood disagreements.
pub fn cross_compare(
    reference: &[SavedOutputs],
    others: &[Vec<SavedOutputs>],
    specs: &[KernelSpec],
    expected: &[ExpectedFailure],
) -> CrossReport {
    let key = |s: &SavedOutputs| (s.kernel.clone(), s.opt.clone());
    let by_name: BTreeMap<&str, &KernelSpec> = specs.iter().map(|s| (s.name.as_str(), s)).collect();
    let ref_map: BTreeMap<(String, String), &SavedOutputs> =
        reference.iter().map(|s| (key(s), s)).collect();
    let ref_arch = reference
        .first()
        .map(|s| s.arch.clone())
        .unwrap_or_default();
    let mut verdicts = Vec::new();
    let mut counts: BTreeMap<String, CrossCounts> = BTreeMap::new();
    for other in others {
        let Some(arch) = other.first().map(|s| s.arch.clone()) else {
            continue;
        };
        let map: BTreeMap<(String, String), &SavedOutputs> =
            other.iter().map(|s| (key(s), s)).collect();
        let keys: std::collections::BTreeSet<&(String, String)> =
            ref_map.keys().chain(map.keys()).collect();
        for k in keys {
            let mut v = match (ref_map.get(k), map.get(k)) {
                (Some(r), Some(a)) => compare_one(by_name.get(k.0.as_str()).copied(), &arch, r, a),
                (r, _) => CrossVerdict {
                    kernel: k.0.clone(),
                    opt: k.1.clone(),
                    arch: arch.clone(),
                    status: CrossStatus::NotCompared,
                    tolerance: String::new(),
                    reason: None,
                    detail: Some(format!(
                        "no outputs from {}",
                        if r.is_none() { &ref_arch } else { &arch }
                    )),
                },
            };
            classify(&mut v, expected);
            let c = counts.entry(arch.clone()).or_default();
            *match v.status {
                CrossStatus::Identical => &mut c.identical,
                CrossStatus::WithinTolerance => &mut c.within_tolerance,
                CrossStatus::Differ => &mut c.differ,
                CrossStatus::ExpectedDifference => &mut c.expected_difference,
                CrossStatus::UnexpectedlyAgreeing => &mut c.unexpectedly_agreeing,
                CrossStatus::NotCompared => &mut c.not_compared,
            } += 1;
            verdicts.push(v);
        }
    }
    CrossReport {
        reference: ref_arch,
        counts,
        verdicts,
    }
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown report: counts per architecture, every disagreement, and
/// every comparison that needed a tolerance.
pub fn markdown(r: &CrossReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Cross-architecture agreement (reference: {})\n",
        r.reference
    );
    let _ = writeln!(
        s,
        "| arch | identical | within tolerance | DIFFER | expected differences | UNEXPECTEDLY AGREEING | not compared |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for (arch, c) in &r.counts {
        let _ = writeln!(
            s,
            "| {arch} | {} | {} | {} | {} | {} | {} |",
            c.identical,
            c.within_tolerance,
            c.differ,
            c.expected_difference,
            c.unexpectedly_agreeing,
            c.not_compared
        );
    }
    for (title, status) in [
        ("Disagreements", CrossStatus::Differ),
        (
            "Unexpectedly agreeing (remove the expected-failures entry)",
            CrossStatus::UnexpectedlyAgreeing,
        ),
        ("Expected differences", CrossStatus::ExpectedDifference),
        (
            "Within tolerance (not bit-identical)",
            CrossStatus::WithinTolerance,
        ),
    ] {
        let rows: Vec<&CrossVerdict> = r.verdicts.iter().filter(|v| v.status == status).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "\n## {title}\n\n| kernel | -O | arch | tolerance | reason | first difference |\n|---|---|---|---|---|---|"
        );
        for v in rows {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} | {} |",
                v.kernel,
                v.opt,
                v.arch,
                v.tolerance,
                md_escape(v.reason.as_deref().unwrap_or("")),
                md_escape(v.detail.as_deref().unwrap_or(""))
            );
        }
    }
    s
}

/// The summary printed on stdout.
pub fn summary(r: &CrossReport) -> String {
    let mut s = format!("cross-arch: reference {}\n", r.reference);
    for (arch, c) in &r.counts {
        let _ = writeln!(
            s,
            "  {arch:<12} {} identical, {} within tolerance, {} DIFFER, {} expected differences, {} UNEXPECTEDLY AGREEING, {} not compared",
            c.identical,
            c.within_tolerance,
            c.differ,
            c.expected_difference,
            c.unexpectedly_agreeing,
            c.not_compared
        );
    }
    for v in &r.verdicts {
        let tag = match v.status {
            CrossStatus::Differ => "DIFFER",
            CrossStatus::UnexpectedlyAgreeing => "UNEXPECTEDLY AGREEING",
            CrossStatus::ExpectedDifference => "expected difference",
            _ => continue,
        };
        let _ = writeln!(
            s,
            "{tag}: {} -O{} {} vs {} ({}): {}",
            v.kernel,
            v.opt,
            v.arch,
            r.reference,
            v.tolerance,
            v.detail.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(s, "{}", if r.success() { "OK" } else { "FAILED" });
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::outputs::{digest, SavedOutputs};
    use crate::runner::wire::{encode_outputs, ChildOutcome};
    use crate::spec::{Outputs, Scalar};

    const KERNEL: &str = "\
//! fn f(n: u32, x: *f32, k: *i32) -> f64
//! arg n = 8
//! buf x: f32[n] inout = uniform(-1, 1)
//! buf k: i32[n] inout = iota
//! tolerance ulp 1
//! cross-arch ulp 4 riscv64, aarch64: contraction
double f(unsigned n, float *x, int *k) { return 0; }
";

    fn spec() -> KernelSpec {
        KernelSpec::parse(std::path::Path::new("t/f.c"), KERNEL).unwrap()
    }

    fn outputs(spec: &KernelSpec, ret: f64) -> Outputs {
        spec.inputs().into_outputs(vec![Some(Scalar::f64(ret))])
    }

    fn saved(arch: &str, o: &Outputs) -> SavedOutputs {
        let ChildOutcome::Ok {
            returns,
            buffers,
            externs,
        } = encode_outputs(o)
        else {
            unreachable!()
        };
        SavedOutputs {
            kernel: "t/f".into(),
            arch: arch.into(),
            opt: "2".into(),
            backend: crate::runner::child::BackendKind::Jit,
            digest: digest(o),
            returns,
            buffers,
            externs,
        }
    }

    fn verdict(arch: &str, reference: &Outputs, actual: &Outputs) -> CrossVerdict {
        let s = spec();
        compare_one(
            Some(&s),
            arch,
            &saved("x86_64", reference),
            &saved(arch, actual),
        )
    }

    fn ulps_up(x: f32, n: u32) -> f32 {
        f32::from_bits(x.to_bits() + n)
    }

    #[test]
    fn identical_outputs_agree() {
        let s = spec();
        let o = outputs(&s, 1.5);
        let v = verdict("riscv64", &o, &o.clone());
        assert_eq!(v.status, CrossStatus::Identical);
    }

    #[test]
    fn a_flipped_integer_bit_is_a_disagreement_everywhere() {
        let s = spec();
        let o = outputs(&s, 1.5);
        let mut flipped = o.clone();
        let k = flipped
            .buffers
            .iter_mut()
            .find(|b| b.name() == "k")
            .unwrap();
        k.bytes_mut()[5] ^= 0x10;
        assert_ne!(digest(&o), digest(&flipped));
        for arch in ["riscv64", "ppc64le"] {
            let v = verdict(arch, &o, &flipped);
            assert_eq!(v.status, CrossStatus::Differ, "{arch}");
            assert!(
                v.detail.as_deref().unwrap().contains("buffer `k`[1]"),
                "{v:?}"
            );
        }
    }

    #[test]
    fn float_tolerance_is_declared_per_arch() {
        let s = spec();
        let o = outputs(&s, 1.5);
        let x0 = |o: &Outputs| o.buffers[0].get(0).as_f64() as f32;
        let by = |n: u32| {
            let mut a = o.clone();
            let v = ulps_up(x0(&o), n);
            a.buffers[0].bytes_mut()[..4].copy_from_slice(&v.to_le_bytes());
            a
        };
        let (one, three, five) = (by(1), by(3), by(5));
        // `tolerance ulp 1` everywhere.
        assert_eq!(
            verdict("ppc64le", &o, &one).status,
            CrossStatus::WithinTolerance
        );
        assert_eq!(verdict("ppc64le", &o, &three).status, CrossStatus::Differ);
        // `cross-arch ulp 4` on riscv64 only, with its reason.
        let v = verdict("riscv64", &o, &three);
        assert_eq!(v.status, CrossStatus::WithinTolerance);
        assert_eq!(v.reason.as_deref(), Some("contraction"));
        assert_eq!(v.tolerance, "ulp 4");
        assert_eq!(verdict("riscv64", &o, &five).status, CrossStatus::Differ);
    }

    #[test]
    fn a_different_return_value_is_caught() {
        let s = spec();
        let v = verdict("aarch64", &outputs(&s, 1.5), &outputs(&s, -1.5));
        assert_eq!(v.status, CrossStatus::Differ);
        assert!(v.detail.unwrap().contains("return value of call #0"));
    }

    #[test]
    fn one_sided_outputs_are_not_compared_and_not_failures() {
        let s = spec();
        let o = outputs(&s, 1.0);
        let reference = vec![saved("x86_64", &o)];
        let mut other = saved("riscv64", &o);
        other.opt = "3".into();
        let r = cross_compare(&reference, &[vec![other]], &[s], &[]);
        assert!(r.success());
        assert_eq!(r.counts["riscv64"].not_compared, 2);
        assert_eq!(r.verdicts.len(), 2);
    }

    #[test]
    fn cross_compare_fails_on_a_disagreement() {
        let s = spec();
        let reference = vec![saved("x86_64", &outputs(&s, 1.0))];
        let others = vec![vec![saved("aarch64", &outputs(&s, 2.0))]];
        let specs = vec![s.clone()];
        let r = cross_compare(&reference, &others, &specs, &[]);
        assert!(!r.success());
        assert_eq!(r.counts["aarch64"].differ, 1);
        assert!(summary(&r).contains("DIFFER: t/f -O2 aarch64 vs x86_64"));
        assert!(markdown(&r).contains("## Disagreements"));

        // An entry explains it: an expected difference, with the reason.
        let entry = |arch: &str| crate::runner::expected::ExpectedFailure {
            kernel: "t/*".into(),
            arch: Some(arch.into()),
            backend: Some(Party::CrossArch),
            opt: None,
            clang: None,
            reason: "sNaN".into(),
            line: 3,
        };
        let r = cross_compare(&reference, &others, &specs, &[entry("aarch64")]);
        assert!(r.success());
        assert_eq!(r.verdicts[0].status, CrossStatus::ExpectedDifference);
        assert_eq!(r.verdicts[0].reason.as_deref(), Some("sNaN"));
        // An entry for another arch, or without `backend = "cross-arch"`,
        // does not.
        let mut any_backend = entry("aarch64");
        any_backend.backend = None;
        for e in [entry("riscv64"), any_backend] {
            assert!(!cross_compare(&reference, &others, &specs, &[e]).success());
        }
        // An entry for a kernel that agrees fails the comparison.
        let same = vec![saved("aarch64", &outputs(&s, 1.0))];
        let r = cross_compare(&reference, &[same], &[s], &[entry("aarch64")]);
        assert!(!r.success());
        assert_eq!(r.verdicts[0].status, CrossStatus::UnexpectedlyAgreeing);
    }
}
