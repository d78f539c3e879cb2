;! about llvm.memcpy / llvm.memset / llvm.memmove with run-time lengths (always `memcpy`/`memset`/`memmove` calls)
;! fn mm(src: *u8, dst: *u8, n: i64, fill: i64)
;! arg n = 1000
;! arg fill = 171
;! buf src: u8[n] in = bits
;! buf dst: u8[n*2] out

declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
declare void @llvm.memmove.p0.p0.i64(ptr, ptr, i64, i1)

define void @mm(ptr noalias %src, ptr noalias %dst, i64 %n, i64 %fill) {
entry:
  %b = trunc i64 %fill to i8
  %n2 = shl i64 %n, 1
  call void @llvm.memset.p0.i64(ptr %dst, i8 %b, i64 %n2, i1 false)
  %half = lshr i64 %n, 1
  %d1 = getelementptr inbounds i8, ptr %dst, i64 %half
  call void @llvm.memcpy.p0.p0.i64(ptr %d1, ptr %src, i64 %n, i1 false)
  %d2 = getelementptr inbounds i8, ptr %dst, i64 3
  call void @llvm.memmove.p0.p0.i64(ptr %d2, ptr %dst, i64 %n, i1 false)
  ret void
}
