;! about a hand-written IR switch with 12 dense cases and a phi merge (jump table on every target)
;! fn sw(x: *i64, y: *i64, n: i64) -> i64
;! arg n = 500
;! buf x: i64[n] in = uniform(-2, 14)
;! buf y: i64[n] out

define i64 @sw(ptr noalias %x, ptr noalias %y, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %merge ]
  %acc = phi i64 [ 0, %entry ], [ %acc.next, %merge ]
  %px = getelementptr inbounds i64, ptr %x, i64 %i
  %v = load i64, ptr %px, align 8
  switch i64 %v, label %def [
    i64 0, label %c0
    i64 1, label %c1
    i64 2, label %c2
    i64 3, label %c3
    i64 4, label %c4
    i64 5, label %c5
    i64 6, label %c6
    i64 7, label %c7
    i64 8, label %c8
    i64 9, label %c9
    i64 10, label %c10
    i64 11, label %c11
  ]

c0:
  br label %merge
c1:
  %r1 = mul i64 %i, 3
  br label %merge
c2:
  %r2 = xor i64 %acc, 6148914691236517205
  br label %merge
c3:
  %r3 = sub i64 0, %i
  br label %merge
c4:
  %r4 = shl i64 %acc, 3
  br label %merge
c5:
  %r5 = lshr i64 %acc, 2
  br label %merge
c6:
  %r6 = add i64 %acc, 1000000007
  br label %merge
c7:
  %r7 = or i64 %i, 4096
  br label %merge
c8:
  %r8 = and i64 %acc, 65535
  br label %merge
c9:
  %r9 = mul i64 %acc, -7
  br label %merge
c10:
  %r10 = ashr i64 %acc, 5
  br label %merge
c11:
  %r11 = add i64 %i, %v
  br label %merge
def:
  br label %merge

merge:
  %r = phi i64 [ 17, %c0 ], [ %r1, %c1 ], [ %r2, %c2 ], [ %r3, %c3 ], [ %r4, %c4 ],
               [ %r5, %c5 ], [ %r6, %c6 ], [ %r7, %c7 ], [ %r8, %c8 ], [ %r9, %c9 ],
               [ %r10, %c10 ], [ %r11, %c11 ], [ -1, %def ]
  %py = getelementptr inbounds i64, ptr %y, i64 %i
  store i64 %r, ptr %py, align 8
  %acc.next = add i64 %acc, %r
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  %res = phi i64 [ 0, %entry ], [ %acc.next, %merge ]
  ret i64 %res
}
