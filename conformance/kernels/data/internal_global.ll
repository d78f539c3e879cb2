;! about internal mutable globals (an i64 accumulator and a [8 x i64] history) in .data, updated over 6 calls
;! fn push(v: i64) -> i64
;! fn history(out: *i64)
;! arg v = uniform(-1000, 1000) per-call
;! buf out: i64[8] out
;! calls 6

@acc = internal global i64 7, align 8
@hist = internal global [8 x i64] [i64 1, i64 2, i64 3, i64 4, i64 5, i64 6, i64 7, i64 8], align 8
@pos = internal global i64 0, align 8

define i64 @push(i64 %v) {
entry:
  %a = load i64, ptr @acc, align 8
  %m = mul i64 %a, 31
  %a2 = add i64 %m, %v
  store i64 %a2, ptr @acc, align 8
  %p = load i64, ptr @pos, align 8
  %slot = and i64 %p, 7
  %ph = getelementptr inbounds [8 x i64], ptr @hist, i64 0, i64 %slot
  store i64 %a2, ptr %ph, align 8
  %p2 = add i64 %p, 3
  store i64 %p2, ptr @pos, align 8
  ret i64 %a2
}

define void @history(ptr %out) {
entry:
  call void @llvm.memcpy.p0.p0.i64(ptr align 8 %out, ptr align 8 @hist, i64 64, i1 false)
  ret void
}

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
