;! about i128 sdiv/srem in IR with the divisor sign-extended from i64 (never zero, never -1 with INT128_MIN)
;! fn sd128(a: *i64, b: *i64, out: *i64, n: i64) -> i64
;! arg n = 150
;! buf a: i64[n*2] in = bits edges
;! buf b: i64[n] in = bits edges
;! buf out: i64[n*4] out

define i64 @sd128(ptr noalias %a, ptr noalias %b, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %h = phi i64 [ 0, %entry ], [ %h.next, %loop ]
  %i2 = shl i64 %i, 1
  %pa = getelementptr inbounds i64, ptr %a, i64 %i2
  %x = load i128, ptr %pa, align 8
  %pb = getelementptr inbounds i64, ptr %b, i64 %i
  %b64 = load i64, ptr %pb, align 8
  %bz = icmp eq i64 %b64, 0
  %bm1 = icmp eq i64 %b64, -1
  %bad = or i1 %bz, %bm1
  %b64s = select i1 %bad, i64 -3, i64 %b64
  %y = sext i64 %b64s to i128
  %q = sdiv i128 %x, %y
  %r = srem i128 %x, %y
  %i4 = shl i64 %i, 2
  %po = getelementptr inbounds i64, ptr %out, i64 %i4
  store i128 %q, ptr %po, align 8
  %po1 = getelementptr inbounds i64, ptr %po, i64 2
  store i128 %r, ptr %po1, align 8
  %rl = trunc i128 %r to i64
  %h.next = xor i64 %h, %rl
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  %res = phi i64 [ 0, %entry ], [ %h.next, %loop ]
  ret i64 %res
}
