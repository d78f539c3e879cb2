;! about llvm.vector.reduce.{add,mul,and,or,xor,umax,smin} over <8 x i32> chunks, folded into one i64
;! fn vred(x: *i32, n: i64) -> i64
;! arg n = 64
;! buf x: i32[n*8] in = bits edges

declare i32 @llvm.vector.reduce.add.v8i32(<8 x i32>)
declare i32 @llvm.vector.reduce.mul.v8i32(<8 x i32>)
declare i32 @llvm.vector.reduce.and.v8i32(<8 x i32>)
declare i32 @llvm.vector.reduce.or.v8i32(<8 x i32>)
declare i32 @llvm.vector.reduce.xor.v8i32(<8 x i32>)
declare i32 @llvm.vector.reduce.umax.v8i32(<8 x i32>)
declare i32 @llvm.vector.reduce.smin.v8i32(<8 x i32>)

define i64 @vred(ptr %x, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %h = phi i64 [ 0, %entry ], [ %h7, %loop ]
  %off = mul i64 %i, 8
  %p = getelementptr inbounds i32, ptr %x, i64 %off
  %v = load <8 x i32>, ptr %p, align 4
  %r1 = call i32 @llvm.vector.reduce.add.v8i32(<8 x i32> %v)
  %r2 = call i32 @llvm.vector.reduce.mul.v8i32(<8 x i32> %v)
  %r3 = call i32 @llvm.vector.reduce.and.v8i32(<8 x i32> %v)
  %r4 = call i32 @llvm.vector.reduce.or.v8i32(<8 x i32> %v)
  %r5 = call i32 @llvm.vector.reduce.xor.v8i32(<8 x i32> %v)
  %r6 = call i32 @llvm.vector.reduce.umax.v8i32(<8 x i32> %v)
  %r7 = call i32 @llvm.vector.reduce.smin.v8i32(<8 x i32> %v)
  %e1 = zext i32 %r1 to i64
  %e2 = zext i32 %r2 to i64
  %e3 = zext i32 %r3 to i64
  %e4 = zext i32 %r4 to i64
  %e5 = zext i32 %r5 to i64
  %e6 = zext i32 %r6 to i64
  %e7 = sext i32 %r7 to i64
  %m0 = mul i64 %h, 1099511628211
  %h1 = xor i64 %m0, %e1
  %s2 = shl i64 %e2, 7
  %h2 = add i64 %h1, %s2
  %h3 = xor i64 %h2, %e3
  %s4 = shl i64 %e4, 13
  %h4 = add i64 %h3, %s4
  %h5 = xor i64 %h4, %e5
  %s6 = shl i64 %e6, 21
  %h6 = add i64 %h5, %s6
  %h7 = xor i64 %h6, %e7
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  %r = phi i64 [ 0, %entry ], [ %h7, %loop ]
  ret i64 %r
}
