;! about 3-point integer stencil y[i] = x[i] - 2 x[i+1] + x[i+2] on i64 (wrapping), returns the xor of all outputs
;! fn stencil3(x: *i64, y: *i64, n: i64) -> i64
;! arg n = 300
;! buf x: i64[n+2] in = bits edges
;! buf y: i64[n] out

define i64 @stencil3(ptr noalias %x, ptr noalias %y, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %h = phi i64 [ 0, %entry ], [ %h.next, %loop ]
  %i1 = add nuw i64 %i, 1
  %i2 = add nuw i64 %i, 2
  %p0 = getelementptr inbounds i64, ptr %x, i64 %i
  %p1 = getelementptr inbounds i64, ptr %x, i64 %i1
  %p2 = getelementptr inbounds i64, ptr %x, i64 %i2
  %v0 = load i64, ptr %p0, align 8
  %v1 = load i64, ptr %p1, align 8
  %v2 = load i64, ptr %p2, align 8
  %t = shl i64 %v1, 1
  %d = sub i64 %v0, %t
  %r = add i64 %d, %v2
  %py = getelementptr inbounds i64, ptr %y, i64 %i
  store i64 %r, ptr %py, align 8
  %h.next = xor i64 %h, %r
  %done = icmp eq i64 %i1, %n
  br i1 %done, label %exit, label %loop

exit:
  %res = phi i64 [ 0, %entry ], [ %h.next, %loop ]
  ret i64 %res
}
