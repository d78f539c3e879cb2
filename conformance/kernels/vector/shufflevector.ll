;! about IR shufflevector: reversal, interleave of two vectors, and a splat, on <8 x i16> and <4 x float>
;! fn shuf(a: *u16, b: *u16, out: *u16, f: *f32, n: i64)
;! arg n = 40
;! buf a: u16[n*8] in = bits
;! buf b: u16[n*8] in = bits
;! buf out: u16[n*16] out
;! buf f: f32[n*4] inout = uniform(-1, 1)

define void @shuf(ptr noalias %a, ptr noalias %b, ptr noalias %out, ptr noalias %f, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %o8 = mul i64 %i, 8
  %pa = getelementptr inbounds i16, ptr %a, i64 %o8
  %pb = getelementptr inbounds i16, ptr %b, i64 %o8
  %va = load <8 x i16>, ptr %pa, align 2
  %vb = load <8 x i16>, ptr %pb, align 2
  %rev = shufflevector <8 x i16> %va, <8 x i16> poison, <8 x i32> <i32 7, i32 6, i32 5, i32 4, i32 3, i32 2, i32 1, i32 0>
  %il = shufflevector <8 x i16> %rev, <8 x i16> %vb, <16 x i32> <i32 0, i32 8, i32 1, i32 9, i32 2, i32 10, i32 3, i32 11, i32 4, i32 12, i32 5, i32 13, i32 6, i32 14, i32 7, i32 15>
  %o16 = mul i64 %i, 16
  %po = getelementptr inbounds i16, ptr %out, i64 %o16
  store <16 x i16> %il, ptr %po, align 2
  %o4 = mul i64 %i, 4
  %pf = getelementptr inbounds float, ptr %f, i64 %o4
  %vf = load <4 x float>, ptr %pf, align 4
  %sp = shufflevector <4 x float> %vf, <4 x float> poison, <4 x i32> <i32 2, i32 2, i32 2, i32 2>
  %mix = fsub <4 x float> %vf, %sp
  %neg = fneg <4 x float> %mix
  %sel = shufflevector <4 x float> %mix, <4 x float> %neg, <4 x i32> <i32 0, i32 5, i32 2, i32 7>
  store <4 x float> %sel, ptr %pf, align 4
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
