;! about private unnamed_addr c"..." string constants (mergeable .rodata.str) copied into an out buffer, returns a checksum
;! fn strs(out: *u8) -> i64
;! buf out: u8[64] out

@.s0 = private unnamed_addr constant [14 x i8] c"Hello, world!\00", align 1
@.s1 = private unnamed_addr constant [10 x i8] c"IR string\00", align 1
@.s2 = private unnamed_addr constant [14 x i8] c"Hello, world!\00", align 1
@.tab = internal constant [3 x ptr] [ptr @.s0, ptr @.s1, ptr @.s2], align 8

define i64 @strs(ptr %out) {
entry:
  br label %outer

outer:
  %k = phi i64 [ 0, %entry ], [ %k.next, %outer.end ]
  %pos = phi i64 [ 0, %entry ], [ %pos.out, %outer.end ]
  %sum = phi i64 [ 0, %entry ], [ %sum.out, %outer.end ]
  %ps = getelementptr inbounds [3 x ptr], ptr @.tab, i64 0, i64 %k
  %s = load ptr, ptr %ps, align 8
  br label %inner

inner:
  %j = phi i64 [ 0, %outer ], [ %j.next, %body ]
  %p = phi i64 [ %pos, %outer ], [ %p.next, %body ]
  %h = phi i64 [ %sum, %outer ], [ %h.next, %body ]
  %pc = getelementptr inbounds i8, ptr %s, i64 %j
  %c = load i8, ptr %pc, align 1
  %nul = icmp eq i8 %c, 0
  br i1 %nul, label %outer.end, label %body

body:
  %po = getelementptr inbounds i8, ptr %out, i64 %p
  store i8 %c, ptr %po, align 1
  %cz = zext i8 %c to i64
  %hm = mul i64 %h, 131
  %h.next = add i64 %hm, %cz
  %p.next = add nuw i64 %p, 1
  %j.next = add nuw i64 %j, 1
  br label %inner

outer.end:
  %pos.out = phi i64 [ %p, %inner ]
  %sum.out = phi i64 [ %h, %inner ]
  %k.next = add nuw i64 %k, 1
  %kdone = icmp eq i64 %k.next, 3
  br i1 %kdone, label %fill, label %outer

fill:
  %f = phi i64 [ %pos.out, %outer.end ], [ %f.next, %fill ]
  %pf = getelementptr inbounds i8, ptr %out, i64 %f
  store i8 0, ptr %pf, align 1
  %f.next = add nuw i64 %f, 1
  %fdone = icmp eq i64 %f.next, 64
  br i1 %fdone, label %exit, label %fill

exit:
  ret i64 %sum.out
}
