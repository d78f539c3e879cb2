;! about a zeroinitializer [64 x i64] internal global (.bss) used as a per-slot counter table over 5 calls
;! fn bump(k: *i64, n: i64) -> i64
;! arg n = 50
;! buf k: i64[n] in = uniform(0, 63)
;! calls 5

@slots = internal global [64 x i64] zeroinitializer, align 16

define i64 @bump(ptr %k, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %sum, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pk = getelementptr inbounds i64, ptr %k, i64 %i
  %v = load i64, ptr %pk, align 8
  %s = and i64 %v, 63
  %ps = getelementptr inbounds [64 x i64], ptr @slots, i64 0, i64 %s
  %c = load i64, ptr %ps, align 8
  %c2 = add i64 %c, %i
  %c3 = add i64 %c2, 1
  store i64 %c3, ptr %ps, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %sum, label %loop

sum:
  br label %sloop

sloop:
  %j = phi i64 [ 0, %sum ], [ %j.next, %sloop ]
  %h = phi i64 [ 0, %sum ], [ %h.next, %sloop ]
  %pj = getelementptr inbounds [64 x i64], ptr @slots, i64 0, i64 %j
  %cj = load i64, ptr %pj, align 8
  %hm = mul i64 %h, 1000003
  %h.next = add i64 %hm, %cj
  %j.next = add nuw i64 %j, 1
  %jdone = icmp eq i64 %j.next, 64
  br i1 %jdone, label %exit, label %sloop

exit:
  ret i64 %h.next
}
