;! about i128 mul, udiv and urem in IR (`__udivti3`; mul is inline on 64-bit targets), stored as i128 into i64-pair buffers
;! fn md128(a: *u64, b: *u64, out: *u64, n: i64)
;! arg n = 150
;! buf a: u64[n*2] in = bits edges
;! buf b: u64[n*2] in = bits edges
;! buf out: u64[n*6] out

define void @md128(ptr noalias %a, ptr noalias %b, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %i2 = shl i64 %i, 1
  %pa = getelementptr inbounds i64, ptr %a, i64 %i2
  %pb = getelementptr inbounds i64, ptr %b, i64 %i2
  %x = load i128, ptr %pa, align 8
  %y0 = load i128, ptr %pb, align 8
  %yz = icmp eq i128 %y0, 0
  %y = select i1 %yz, i128 1000000007, i128 %y0
  %m = mul i128 %x, %y
  %q = udiv i128 %x, %y
  %r = urem i128 %x, %y
  %i6 = mul i64 %i, 6
  %po = getelementptr inbounds i64, ptr %out, i64 %i6
  store i128 %m, ptr %po, align 8
  %po1 = getelementptr inbounds i64, ptr %po, i64 2
  store i128 %q, ptr %po1, align 8
  %po2 = getelementptr inbounds i64, ptr %po, i64 4
  store i128 %r, ptr %po2, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
