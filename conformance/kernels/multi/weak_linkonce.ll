;! about weak and linkonce_odr definitions (STB_WEAK symbols defined in the object) called from a strong entry point
;! fn strong(x: u64) -> u64
;! arg x = uniform(0, 1000000)

define weak i64 @weak_helper(i64 %v) noinline {
  %r = mul i64 %v, 2654435761
  ret i64 %r
}

define linkonce_odr i64 @odr_helper(i64 %v) noinline {
  %s = lshr i64 %v, 13
  %r = xor i64 %v, %s
  ret i64 %r
}

define i64 @strong(i64 %x) {
  %a = call i64 @weak_helper(i64 %x)
  %b = call i64 @odr_helper(i64 %a)
  %c = call i64 @weak_helper(i64 %b)
  ret i64 %c
}
