;! about clamp i64 values with icmp+select inside a phi loop, return the wrapping sum
;! fn clamp_sum(x: *i64, y: *i64, n: i64, lo: i64, hi: i64) -> i64
;! arg n = 500
;! arg lo = -1000
;! arg hi = 250000
;! buf x: i64[n] in = uniform(-1000000, 1000000) edges
;! buf y: i64[n] out

define i64 @clamp_sum(ptr noalias %x, ptr noalias %y, i64 %n, i64 %lo, i64 %hi) {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  %px = getelementptr inbounds i64, ptr %x, i64 %i
  %v = load i64, ptr %px, align 8
  %lt = icmp slt i64 %v, %lo
  %a = select i1 %lt, i64 %lo, i64 %v
  %gt = icmp sgt i64 %a, %hi
  %b = select i1 %gt, i64 %hi, i64 %a
  %py = getelementptr inbounds i64, ptr %y, i64 %i
  store i64 %b, ptr %py, align 8
  %acc.next = add i64 %acc, %b
  %next = add nuw nsw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  %r = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  ret i64 %r
}
