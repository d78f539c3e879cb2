;! about IR `half`: fptrunc float->half and fpext half->float (legalised to libcalls on targets without half support, so it runs on all five)
;! fn half(x: *f32, bits: *u16, back: *f32, n: i64)
;! arg n = 300
;! buf x: f32[n] in = uniform(-70000, 70000) edges
;! buf bits: u16[n] out
;! buf back: f32[n] out
;! tolerance ulp 0
;! min-clang 19 loongarch64: clang-16 crashes in instruction selection (Cannot select fp16_to_fp); clang-17/18 not tried

define void @half(ptr noalias %x, ptr noalias %bits, ptr noalias %back, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %px = getelementptr inbounds float, ptr %x, i64 %i
  %v = load float, ptr %px, align 4
  %h = fptrunc float %v to half
  %hb = bitcast half %h to i16
  %pb = getelementptr inbounds i16, ptr %bits, i64 %i
  store i16 %hb, ptr %pb, align 2
  %w = fpext half %h to float
  %pw = getelementptr inbounds float, ptr %back, i64 %i
  store float %w, ptr %pw, align 4
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
