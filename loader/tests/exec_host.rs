//! Native execution on the host: every kernel runs through the in-memory
//! loader and through the dlopen fallback, and both must agree with each
//! other and with a value computed in Rust.

use loader::{Backend, Jit, JitOptions, Language, Module, SharedResolver, Signature, Type, Value};
use rstest::rstest;
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::Arc;

fn jit(backend: Backend, opt: &str, resolver: Option<SharedResolver>) -> Jit {
    let mut o = JitOptions::host().expect("clang is provisioned for the tests");
    o.backend = backend;
    o.compiler.opt_level = opt.to_string();
    o.resolver = resolver;
    o.record_log = true;
    Jit::with_options(o)
}

/// Loads `src` through both backends.
fn both(src: &str, lang: Language, opt: &str, resolver: Option<SharedResolver>) -> [Module; 2] {
    [Backend::InMemory, Backend::Dlopen].map(|b| {
        jit(b, opt, resolver.clone())
            .load_source(src, lang)
            .unwrap_or_else(|e| panic!("{b:?} -O{opt}: {e}"))
    })
}

/// Calls `name` in both modules with fresh copies of the buffers; returns
/// the agreed result and buffers after checking both backends agree.
fn call_both(
    modules: &[Module; 2],
    name: &str,
    sig: &Signature,
    make_args: &dyn Fn(&mut [Vec<u8>]) -> Vec<Value>,
    buffers: &[Vec<u8>],
) -> (Value, Vec<Vec<u8>>) {
    let mut results = Vec::new();
    for m in modules {
        let mut bufs = buffers.to_vec();
        let args = make_args(&mut bufs);
        let f = m.function(name).unwrap();
        // SAFETY: every test passes the kernel's real signature and buffers
        // as large as the kernel touches.
        let r = unsafe { f.call(sig, &args) }.unwrap();
        results.push((r, bufs));
    }
    let (jit, dl) = (&results[0], &results[1]);
    assert_eq!(
        jit.0.bits(),
        dl.0.bits(),
        "{name}: return value differs between backends"
    );
    assert_eq!(jit.1, dl.1, "{name}: buffers differ between backends");
    results.swap_remove(0)
}

fn f64_bytes(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_f64_bytes(b: &[u8]) -> Vec<f64> {
    b.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn ptr(b: &mut [u8]) -> Value {
    Value::Ptr(b.as_mut_ptr() as *mut c_void)
}

#[rstest]
fn arithmetic_and_loops(#[values("0", "2", "3")] opt: &str) {
    let src = r#"
long poly(long x) { return 3*x*x - 7*x + 11; }
double dot(const double *a, const double *b, int n) {
    double s = 0; for (int i = 0; i < n; i++) s += a[i] * b[i]; return s;
}
unsigned mix(unsigned a, unsigned short b, signed char c) { return (a ^ b) * 2654435761u + c; }
"#;
    let m = both(src, Language::C, opt, None);
    let sig = Signature::new(&[Type::I64], Type::I64).unwrap();
    let (r, _) = call_both(&m, "poly", &sig, &|_| vec![Value::I64(-12345)], &[]);
    assert_eq!(r, Value::I64(3 * 12345 * 12345 + 7 * 12345 + 11));

    let a: Vec<f64> = (0..37).map(|i| i as f64 * 0.5).collect();
    let b: Vec<f64> = (0..37).map(|i| 1.0 / (i as f64 + 1.0)).collect();
    let sig = Signature::new(&[Type::Ptr, Type::Ptr, Type::I32], Type::F64).unwrap();
    let (r, _) = call_both(
        &m,
        "dot",
        &sig,
        &|bufs| {
            let (x, y) = bufs.split_at_mut(1);
            vec![ptr(&mut x[0]), ptr(&mut y[0]), Value::I32(37)]
        },
        &[f64_bytes(&a), f64_bytes(&b)],
    );
    let Value::F64(got) = r else { panic!("{r:?}") };
    let want: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    assert!((got - want).abs() <= 1e-12 * want.abs(), "{got} vs {want}");

    let sig = Signature::new(&[Type::U32, Type::U16, Type::I8], Type::U32).unwrap();
    let (r, _) = call_both(
        &m,
        "mix",
        &sig,
        &|_| vec![Value::U32(0xdead_beef), Value::U16(0x1234), Value::I8(-5)],
        &[],
    );
    let want = ((0xdead_beefu32 ^ 0x1234).wrapping_mul(2654435761)).wrapping_add(-5i32 as u32);
    assert_eq!(r, Value::U32(want));
}

#[rstest]
fn constant_pools_and_jump_tables(#[values("0", "2", "3")] opt: &str) {
    let src = r#"
/* Two statements: clang contracts a*b+c into an FMA only within one expression. */
double affine(double x) { double t = x * 1.2345678901234567; return t + 0.3333333333333333; }
int classify(int x) {
    switch (x) {
    case 0: return 17; case 1: return -3; case 2: return 99; case 3: return 4;
    case 4: return 1000; case 5: return 8; case 6: return -77; case 7: return 5;
    default: return 0;
    }
}
"#;
    let m = both(src, Language::C, opt, None);
    let sig = Signature::new(&[Type::F64], Type::F64).unwrap();
    let (r, _) = call_both(&m, "affine", &sig, &|_| vec![Value::F64(2.5)], &[]);
    assert_eq!(r, Value::F64(2.5 * 1.2345678901234567 + 0.3333333333333333));
    let sig = Signature::new(&[Type::I32], Type::I32).unwrap();
    let want = [17, -3, 99, 4, 1000, 8, -77, 5, 0, 0];
    for (x, w) in (0..10).zip(want) {
        let (r, _) = call_both(&m, "classify", &sig, &|_| vec![Value::I32(x)], &[]);
        assert_eq!(r, Value::I32(w), "classify({x})");
    }
}

#[rstest]
fn data_bss_and_strings(#[values("0", "2", "3")] opt: &str) {
    let src = r#"
static int table[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static long calls;               /* .bss */
static const char *words[] = {"alpha", "beta", "gamma"};
int bump(int i) { table[i & 7] *= 3; calls++; return table[i & 7]; }
long count(void) { return calls; }
int letters(int w) { const char *s = words[w % 3]; int n = 0; while (s[n]) n++; return n * 100 + s[0]; }
"#;
    let m = both(src, Language::C, opt, None);
    let sig = Signature::new(&[Type::I32], Type::I32).unwrap();
    // State persists across calls in each module separately.
    for (i, want) in [(2, 9), (2, 27), (10, 81), (5, 18)] {
        let (r, _) = call_both(&m, "bump", &sig, &|_| vec![Value::I32(i)], &[]);
        assert_eq!(r, Value::I32(want), "bump({i})");
    }
    let sig0 = Signature::new(&[], Type::I64).unwrap();
    let (r, _) = call_both(&m, "count", &sig0, &|_| vec![], &[]);
    assert_eq!(r, Value::I64(4));
    for (w, s) in [(0, "alpha"), (1, "beta"), (2, "gamma")] {
        let (r, _) = call_both(&m, "letters", &sig, &|_| vec![Value::I32(w)], &[]);
        assert_eq!(r, Value::I32(s.len() as i32 * 100 + s.as_bytes()[0] as i32));
    }
}

#[rstest]
fn function_pointer_tables_and_internal_calls(#[values("0", "2", "3")] opt: &str) {
    let src = r#"
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
int mul(int a, int b) { return a * b; }
int (*const ops[])(int, int) = {add, sub, mul};
int apply(int op, int a, int b) { return ops[op % 3](a, b); }
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int twice_mul(int a, int b) { return mul(a, b) * 2; }
"#;
    let m = both(src, Language::C, opt, None);
    let sig = Signature::new(&[Type::I32, Type::I32, Type::I32], Type::I32).unwrap();
    for (op, want) in [(0, 19), (1, 5), (2, 84)] {
        let (r, _) = call_both(
            &m,
            "apply",
            &sig,
            &|_| vec![Value::I32(op), Value::I32(12), Value::I32(7)],
            &[],
        );
        assert_eq!(r, Value::I32(want));
    }
    let sig1 = Signature::new(&[Type::I32], Type::I32).unwrap();
    let (r, _) = call_both(&m, "fib", &sig1, &|_| vec![Value::I32(20)], &[]);
    assert_eq!(r, Value::I32(6765));
    let sig2 = Signature::new(&[Type::I32, Type::I32], Type::I32).unwrap();
    let (r, _) = call_both(
        &m,
        "twice_mul",
        &sig2,
        &|_| vec![Value::I32(6), Value::I32(7)],
        &[],
    );
    assert_eq!(r, Value::I32(84));
}

static EXTERN_SCALE: f64 = 2.5;
static EXTERN_TABLE: [i32; 4] = [10, 20, 30, 40];

#[rstest]
fn extern_data_through_the_got(#[values("0", "2", "3")] opt: &str) {
    let src = r#"
extern double g_scale;
extern int g_table[];
double scaled(double x) { return x * g_scale; }
int pick(int i) { return g_table[i & 3]; }
const double *where(void) { return &g_scale; }
"#;
    let map: HashMap<String, u64> = [
        ("g_scale".to_string(), &EXTERN_SCALE as *const f64 as u64),
        ("g_table".to_string(), EXTERN_TABLE.as_ptr() as u64),
    ]
    .into();
    let m = both(src, Language::C, opt, Some(Arc::new(map)));
    let sig = Signature::new(&[Type::F64], Type::F64).unwrap();
    let (r, _) = call_both(&m, "scaled", &sig, &|_| vec![Value::F64(4.0)], &[]);
    assert_eq!(r, Value::F64(10.0));
    let sig = Signature::new(&[Type::I32], Type::I32).unwrap();
    let (r, _) = call_both(&m, "pick", &sig, &|_| vec![Value::I32(2)], &[]);
    assert_eq!(r, Value::I32(30));
    // The address of extern data is the address, not the value.
    let sig = Signature::new(&[], Type::Ptr).unwrap();
    let (r, _) = call_both(&m, "where", &sig, &|_| vec![], &[]);
    assert_eq!(r.bits(), &EXTERN_SCALE as *const f64 as u64);
}

#[rstest]
fn libm_and_memops(#[values("0", "2", "3")] opt: &str) {
    let src = r#"
double waves(double x) { return __builtin_sin(x) + __builtin_cos(2 * x) + __builtin_exp(x / 4) + __builtin_pow(x, 1.5); }
struct big { double v[40]; };
void copy_big(struct big *dst, const struct big *src) { *dst = *src; }
void clear(char *p, long n) { __builtin_memset(p, 0, n); }
"#;
    let m = both(src, Language::C, opt, None);
    let sig = Signature::new(&[Type::F64], Type::F64).unwrap();
    let (r, _) = call_both(&m, "waves", &sig, &|_| vec![Value::F64(1.75)], &[]);
    let x: f64 = 1.75;
    assert_eq!(
        r,
        Value::F64(x.sin() + (2.0 * x).cos() + (x / 4.0).exp() + x.powf(1.5))
    );

    let src_vals: Vec<f64> = (0..40).map(|i| i as f64 * 1.25 - 3.0).collect();
    let sig = Signature::new(&[Type::Ptr, Type::Ptr], Type::Void).unwrap();
    let (_, bufs) = call_both(
        &m,
        "copy_big",
        &sig,
        &|b| {
            let (d, s) = b.split_at_mut(1);
            vec![ptr(&mut d[0]), ptr(&mut s[0])]
        },
        &[vec![0u8; 320], f64_bytes(&src_vals)],
    );
    assert_eq!(from_f64_bytes(&bufs[0]), src_vals);

    let sig = Signature::new(&[Type::Ptr, Type::I64], Type::Void).unwrap();
    let (_, bufs) = call_both(
        &m,
        "clear",
        &sig,
        &|b| vec![ptr(&mut b[0]), Value::I64(300)],
        &[vec![0xabu8; 333]],
    );
    assert!(bufs[0][..300].iter().all(|&b| b == 0));
    assert!(bufs[0][300..].iter().all(|&b| b == 0xab));
}

#[rstest]
fn llvm_ir(#[values("0", "2", "3")] opt: &str) {
    let src = r#"
@counter = internal global i64 0
@k = internal constant [4 x double] [double 1.5, double -2.0, double 0.25, double 8.0]

define double @fma_sum(ptr %x, i32 %n) {
entry:
  %cmp = icmp sgt i32 %n, 0
  br i1 %cmp, label %loop, label %done
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi double [ 0.0, %entry ], [ %acc1, %loop ]
  %idx = zext i32 %i to i64
  %p = getelementptr double, ptr %x, i64 %idx
  %v = load double, ptr %p
  %km = and i64 %idx, 3
  %kp = getelementptr [4 x double], ptr @k, i64 0, i64 %km
  %kv = load double, ptr %kp
  %acc1 = call double @llvm.fma.f64(double %v, double %kv, double %acc)
  %i1 = add i32 %i, 1
  %c = icmp slt i32 %i1, %n
  br i1 %c, label %loop, label %done
done:
  %r = phi double [ 0.0, %entry ], [ %acc1, %loop ]
  %old = load i64, ptr @counter
  %new = add i64 %old, 1
  store i64 %new, ptr @counter
  ret double %r
}

define i64 @calls() {
  %v = load i64, ptr @counter
  ret i64 %v
}

define i32 @sat(i32 %a, i32 %b) {
  %s = call i32 @llvm.sadd.sat.i32(i32 %a, i32 %b)
  ret i32 %s
}

declare double @llvm.fma.f64(double, double, double)
declare i32 @llvm.sadd.sat.i32(i32, i32)
"#;
    let m = both(src, Language::Ir, opt, None);
    let xs: Vec<f64> = (0..21).map(|i| (i as f64).sqrt()).collect();
    let sig = Signature::new(&[Type::Ptr, Type::I32], Type::F64).unwrap();
    let (r, _) = call_both(
        &m,
        "fma_sum",
        &sig,
        &|b| vec![ptr(&mut b[0]), Value::I32(21)],
        &[f64_bytes(&xs)],
    );
    let k = [1.5, -2.0, 0.25, 8.0];
    let want = xs
        .iter()
        .enumerate()
        .fold(0.0f64, |acc, (i, v)| v.mul_add(k[i & 3], acc));
    assert_eq!(r, Value::F64(want));
    let (r, _) = call_both(
        &m,
        "calls",
        &Signature::new(&[], Type::I64).unwrap(),
        &|_| vec![],
        &[],
    );
    assert_eq!(r, Value::I64(1));
    let sig = Signature::new(&[Type::I32, Type::I32], Type::I32).unwrap();
    let (r, _) = call_both(
        &m,
        "sat",
        &sig,
        &|_| vec![Value::I32(i32::MAX - 5), Value::I32(100)],
        &[],
    );
    assert_eq!(r, Value::I32(i32::MAX));
}

#[test]
fn many_arguments_spill_to_the_stack() {
    let src = r#"
double many(int a, double b, long c, float d, int e, double f, short g, double h,
            int i, double j, long k, double l, int m, double n) {
    return a + b + c + d + e + f + g + h + i + j + k + l + m + n;
}
"#;
    let m = both(src, Language::C, "2", None);
    let sig = Signature::new(
        &[
            Type::I32,
            Type::F64,
            Type::I64,
            Type::F32,
            Type::I32,
            Type::F64,
            Type::I16,
            Type::F64,
            Type::I32,
            Type::F64,
            Type::I64,
            Type::F64,
            Type::I32,
            Type::F64,
        ],
        Type::F64,
    )
    .unwrap();
    let args = vec![
        Value::I32(1),
        Value::F64(2.5),
        Value::I64(3),
        Value::F32(4.25),
        Value::I32(5),
        Value::F64(6.5),
        Value::I16(7),
        Value::F64(8.5),
        Value::I32(9),
        Value::F64(10.5),
        Value::I64(11),
        Value::F64(12.5),
        Value::I32(13),
        Value::F64(14.5),
    ];
    let (r, _) = call_both(&m, "many", &sig, &|_| args.clone(), &[]);
    assert_eq!(
        r,
        Value::F64(
            1.0 + 2.5 + 3.0 + 4.25 + 5.0 + 6.5 + 7.0 + 8.5 + 9.0 + 10.5 + 11.0 + 12.5 + 13.0 + 14.5
        )
    );
}

#[test]
fn typed_fast_path_matches_libffi() {
    let jit = jit(Backend::InMemory, "2", None);
    let m = jit
        .load_source(
            "long mad(long a, long b, long c) { return a * b + c; }",
            Language::C,
        )
        .unwrap();
    // SAFETY: the signature is mad's C signature.
    let f = unsafe { m.typed::<extern "C" fn(i64, i64, i64) -> i64>("mad") }.unwrap();
    let sig = Signature::new(&[Type::I64; 3], Type::I64).unwrap();
    let args = [Value::I64(-7), Value::I64(6), Value::I64(100)];
    // SAFETY: as above.
    let via_ffi = unsafe { m.function("mad").unwrap().call(&sig, &args) }.unwrap();
    assert_eq!(via_ffi, Value::I64(f.get()(-7, 6, 100)));
    assert_eq!(f.get()(-7, 6, 100), 58);
}
