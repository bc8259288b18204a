;; The structural scan of a JSON object's bytes, 64 at a time with 128-bit SIMD: where the object
;; that opens at the text's first bracket closes, without parsing it. json-object-scan.ts is its
;; only caller and says what the scan guarantees; scripts/assemble-wasm.mjs turns this text into
;; json-object-scan.wasm.ts (a unit test checks that the two agree).
;;
;; Memory: bytes 0..1023 hold the bracket of each open level (the nesting limit is at most 1024);
;; the text starts at byte 1024, followed by at least 64 zero bytes (no zero byte is structural).
;;
;; Per block of 64 bytes, one bit per byte: quotes, backslashes and brackets are found with vector
;; compares; the escaped bytes follow from the backslashes by simdjson's escape scanner (an odd run
;; of backslashes escapes the byte after it); the bytes inside strings are the prefix XOR of the
;; unescaped quotes. Brackets outside strings are few, and walked one by one.
(module
  (memory (export "memory") 1)

  ;; One bit per lane of `bytes` that equals `byte`.
  (func $lanes_equal (param $bytes v128) (param $byte i32) (result i64)
    (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $bytes) (i8x16.splat (local.get $byte))))))

  ;; One bit per byte of the 64 at $at that equals `byte`.
  (func $block_equal (param $at i32) (param $byte i32) (result i64)
    (i64.or
      (i64.or
        (call $lanes_equal (v128.load offset=0 (local.get $at)) (local.get $byte))
        (i64.shl (call $lanes_equal (v128.load offset=16 (local.get $at)) (local.get $byte)) (i64.const 16)))
      (i64.or
        (i64.shl (call $lanes_equal (v128.load offset=32 (local.get $at)) (local.get $byte)) (i64.const 32))
        (i64.shl (call $lanes_equal (v128.load offset=48 (local.get $at)) (local.get $byte)) (i64.const 48)))))

  ;; Brackets have helpers of their own, with their constants written in: one helper taking the
  ;; bytes to match as parameters measured 20–25% slower for the whole scan (the splats and the
  ;; extra OR stay in the loop).
  ;; Brackets: { [ } ] are the bytes b with b | 0x26 = 0x7f, and so are Y _ y and DEL, which the
  ;; walk over the brackets passes by (outside strings they are not JSON anyway).
  (func $lanes_bracket (param $bytes v128) (result i64)
    (i64.extend_i32_u
      (i8x16.bitmask
        (i8x16.eq
          (v128.or (local.get $bytes) (i8x16.splat (i32.const 0x26)))
          (i8x16.splat (i32.const 0x7f))))))

  (func $block_brackets (param $at i32) (result i64)
    (i64.or
      (i64.or
        (call $lanes_bracket (v128.load offset=0 (local.get $at)))
        (i64.shl (call $lanes_bracket (v128.load offset=16 (local.get $at))) (i64.const 16)))
      (i64.or
        (i64.shl (call $lanes_bracket (v128.load offset=32 (local.get $at))) (i64.const 32))
        (i64.shl (call $lanes_bracket (v128.load offset=48 (local.get $at))) (i64.const 48)))))

  ;; Each bit set where an odd number of bits at or below it are set in `bits`.
  (func $prefix_xor (param $bits i64) (result i64)
    (local.set $bits (i64.xor (local.get $bits) (i64.shl (local.get $bits) (i64.const 1))))
    (local.set $bits (i64.xor (local.get $bits) (i64.shl (local.get $bits) (i64.const 2))))
    (local.set $bits (i64.xor (local.get $bits) (i64.shl (local.get $bits) (i64.const 4))))
    (local.set $bits (i64.xor (local.get $bits) (i64.shl (local.get $bits) (i64.const 8))))
    (local.set $bits (i64.xor (local.get $bits) (i64.shl (local.get $bits) (i64.const 16))))
    (i64.xor (local.get $bits) (i64.shl (local.get $bits) (i64.const 32))))

  ;; The index just after the bracket that closes the text's first one, when it closes every
  ;; bracket in order; -2 when more than `limit` are open at once; -3 when a bracket closes the
  ;; wrong kind or nothing, or the text ends first (an unterminated string runs to its end).
  (func (export "scan") (param $length i32) (param $limit i32) (result i32)
    (local $block i32) (local $at i32) (local $depth i32) (local $index i32) (local $byte i32)
    (local $backslashes i64) (local $codes i64) (local $escaped i64) (local $next_escaped i64)
    (local $in_string i64) (local $string_carry i64) (local $brackets i64)
    (block $ended
      (loop $blocks
        (br_if $ended (i32.ge_u (local.get $block) (local.get $length)))
        (local.set $at (i32.add (local.get $block) (i32.const 1024)))
        ;; A backslash escaped by the last block's last backslash escapes nothing.
        (local.set $backslashes
          (i64.and (call $block_equal (local.get $at) (i32.const 0x5c))
                   (i64.xor (local.get $next_escaped) (i64.const -1))))
        (local.set $codes
          (i64.xor
            (i64.sub
              (i64.or (i64.shl (local.get $backslashes) (i64.const 1)) (i64.const 0xAAAAAAAAAAAAAAAA))
              (local.get $backslashes))
            (i64.const 0xAAAAAAAAAAAAAAAA)))
        (local.set $escaped
          (i64.xor (local.get $codes) (i64.or (local.get $backslashes) (local.get $next_escaped))))
        (local.set $next_escaped
          (i64.shr_u (i64.and (local.get $codes) (local.get $backslashes)) (i64.const 63)))
        ;; Inside strings: the opening quote and what follows it, up to the closing quote.
        (local.set $in_string
          (i64.xor
            (call $prefix_xor
              (i64.and (call $block_equal (local.get $at) (i32.const 0x22))
                       (i64.xor (local.get $escaped) (i64.const -1))))
            (local.get $string_carry)))
        (local.set $string_carry (i64.shr_s (local.get $in_string) (i64.const 63)))
        (local.set $brackets
          (i64.and (call $block_brackets (local.get $at)) (i64.xor (local.get $in_string) (i64.const -1))))
        (block $walked
          (loop $walk
            (br_if $walked (i64.eqz (local.get $brackets)))
            (local.set $index (i32.wrap_i64 (i64.ctz (local.get $brackets))))
            (local.set $byte (i32.load8_u (i32.add (local.get $at) (local.get $index))))
            ;; { and [ end in 0x1b, } and ] in 0x1d; an opener is its closer less 2.
            (if (i32.eq (i32.and (local.get $byte) (i32.const 0x1f)) (i32.const 0x1b))
              (then
                (if (i32.ge_u (local.get $depth) (local.get $limit)) (then (return (i32.const -2))))
                (i32.store8 (local.get $depth) (local.get $byte))
                (local.set $depth (i32.add (local.get $depth) (i32.const 1))))
              (else
                (if (i32.eq (i32.and (local.get $byte) (i32.const 0x1f)) (i32.const 0x1d))
                  (then
                    (if (i32.eqz (local.get $depth)) (then (return (i32.const -3))))
                    (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
                    (if (i32.ne (i32.load8_u (local.get $depth)) (i32.sub (local.get $byte) (i32.const 2)))
                      (then (return (i32.const -3))))
                    (if (i32.eqz (local.get $depth))
                      (then (return (i32.add (i32.add (local.get $block) (local.get $index)) (i32.const 1)))))))))
            (local.set $brackets (i64.and (local.get $brackets) (i64.sub (local.get $brackets) (i64.const 1))))
            (br $walk)))
        (local.set $block (i32.add (local.get $block) (i32.const 64)))
        (br $blocks)))
    (i32.const -3))
)
