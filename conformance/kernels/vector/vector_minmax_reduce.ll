;! about llvm.smax/umin on <4 x i32> and llvm.vector.reduce.fmin/fmax (NaN-free inputs) on <4 x float>
;! fn vmm(a: *i64, b: *i64, f: *f32, out: *i64, fo: *f32, n: i64)
;! arg n = 50
;! buf a: i64[n*2] in = bits
;! buf b: i64[n*2] in = bits
;! buf f: f32[n*4] in = uniform(-100, 100)
;! buf out: i64[n*4] out
;! buf fo: f32[n*2] out

declare <4 x i32> @llvm.smax.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.umin.v4i32(<4 x i32>, <4 x i32>)
declare float @llvm.vector.reduce.fmin.v4f32(<4 x float>)
declare float @llvm.vector.reduce.fmax.v4f32(<4 x float>)

define void @vmm(ptr noalias %a, ptr noalias %b, ptr noalias %f, ptr noalias %out, ptr noalias %fo, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %o2 = shl i64 %i, 1
  %pa = getelementptr inbounds i64, ptr %a, i64 %o2
  %pb = getelementptr inbounds i64, ptr %b, i64 %o2
  %va = load <4 x i32>, ptr %pa, align 8
  %vb = load <4 x i32>, ptr %pb, align 8
  %mx = call <4 x i32> @llvm.smax.v4i32(<4 x i32> %va, <4 x i32> %vb)
  %mn = call <4 x i32> @llvm.umin.v4i32(<4 x i32> %va, <4 x i32> %vb)
  %o4 = shl i64 %i, 2
  %po = getelementptr inbounds i64, ptr %out, i64 %o4
  store <4 x i32> %mx, ptr %po, align 8
  %po2 = getelementptr inbounds i64, ptr %po, i64 2
  store <4 x i32> %mn, ptr %po2, align 8
  %pf = getelementptr inbounds float, ptr %f, i64 %o4
  %vf = load <4 x float>, ptr %pf, align 4
  %fmin = call float @llvm.vector.reduce.fmin.v4f32(<4 x float> %vf)
  %fmax = call float @llvm.vector.reduce.fmax.v4f32(<4 x float> %vf)
  %pfo = getelementptr inbounds float, ptr %fo, i64 %o2
  store float %fmin, ptr %pfo, align 4
  %pfo1 = getelementptr inbounds float, ptr %pfo, i64 1
  store float %fmax, ptr %pfo1, align 4
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
