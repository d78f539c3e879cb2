;! about a self-recursive IR function (non-tail: multiply after the call), wrapping i64
;! fn fact(n: u64) -> u64
;! arg n = 25

define i64 @fact(i64 %n) {
entry:
  %small = icmp ult i64 %n, 2
  br i1 %small, label %base, label %rec
base:
  ret i64 1
rec:
  %m = sub i64 %n, 1
  %r = call i64 @fact(i64 %m)
  %p = mul i64 %n, %r
  ret i64 %p
}
