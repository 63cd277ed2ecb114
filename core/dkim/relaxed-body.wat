;; Relaxed body canonicalization (RFC 6376 3.4.4) of one slice, the hot loop of canon-body.ts.
;; Why WebAssembly: on this kind of machine a JavaScript byte loop runs at a few hundred MB/s,
;; a small fraction of SHA-256 with SHA-NI; here 16 bytes are checked at once (SIMD) and copied
;; unchanged when they hold nothing relaxed changes, and only the bytes around a change (an HTAB,
;; a CR, a SP followed by WSP or CR) go through the byte-by-byte state machine.
;; Build: wat2wasm core/dkim/relaxed-body.wat --output=/dev/stdout | base64 -w0 (into relaxed-wasm.ts;
;; Debian package wabt).
;;
;; Memory: the slice at [0, len), the output at OUT (64 KiB pages, see relaxed-wasm.ts).
;; State in and out ($flags): 1 = WSP pending, 2 = the line has content, 4 = the previous slice
;; ended in a CR, 8 = the caller holds empty lines (stop at the first content so it emits them).
;; Out: the result is the output length; $g_flags, $g_empty (empty lines held at the stop) and
;; $g_pos (where it stopped: len, or the first content byte when flag 8 was set).
(module
  (memory (export "memory") 9)
  (global $g_flags (export "flags") (mut i32) (i32.const 0))
  (global $g_empty (export "empty") (mut i32) (i32.const 0))
  (global $g_pos (export "pos") (mut i32) (i32.const 0))
  (global $OUT i32 (i32.const 294912))

  (func (export "relaxed") (param $i i32) (param $len i32) (param $flags i32) (result i32)
    (local $o i32) (local $c i32) (local $wsp i32) (local $content i32) (local $held i32)
    (local $empty i32) (local $v v128) (local $w v128) (local $bad v128)
    (local.set $o (global.get $OUT))
    (local.set $wsp (i32.and (local.get $flags) (i32.const 1)))
    (local.set $content (i32.and (local.get $flags) (i32.const 2)))
    (local.set $held (i32.and (local.get $flags) (i32.const 8)))
    (block $done
      ;; A CR at the end of the previous slice: CRLF cut in two, or a bare CR (content).
      (if (i32.and (local.get $flags) (i32.const 4))
        (then
          (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 10))
            (then
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (local.set $wsp (i32.const 0))
              (if (local.get $content)
                (then
                  (i32.store16 (local.get $o) (i32.const 0x0a0d))
                  (local.set $o (i32.add (local.get $o) (i32.const 2)))
                  (local.set $content (i32.const 0)))
                (else (local.set $empty (i32.add (local.get $empty) (i32.const 1))))))
            (else
              (if (i32.eqz (local.get $content))
                (then
                  ;; The caller emits its held empty lines first; the CR stays pending.
                  (if (local.get $held)
                    (then
                      (global.set $g_flags (i32.or (local.get $wsp) (i32.const 4)))
                      (global.set $g_empty (i32.const 0))
                      (global.set $g_pos (local.get $i))
                      (return (i32.const 0))))
                  (local.set $content (i32.const 2))))
              (if (local.get $wsp)
                (then
                  (i32.store8 (local.get $o) (i32.const 32))
                  (local.set $o (i32.add (local.get $o) (i32.const 1)))
                  (local.set $wsp (i32.const 0))))
              (i32.store8 (local.get $o) (i32.const 13))
              (local.set $o (i32.add (local.get $o) (i32.const 1)))))))
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        ;; Fast path, inside a line with content and no WSP pending: 16 bytes at a time.
        (if (i32.and
              (i32.and (i32.ne (local.get $content) (i32.const 0)) (i32.eqz (local.get $wsp)))
              (i32.le_u (i32.add (local.get $i) (i32.const 17)) (local.get $len)))
          (then
            (local.set $v (v128.load (local.get $i)))
            (local.set $w (v128.load offset=1 (local.get $i)))
            (local.set $bad
              (v128.or
                (v128.or
                  (i8x16.eq (local.get $v) (i8x16.splat (i32.const 9)))
                  (i8x16.eq (local.get $v) (i8x16.splat (i32.const 13))))
                (v128.and
                  (i8x16.eq (local.get $v) (i8x16.splat (i32.const 32)))
                  (v128.or
                    (v128.or
                      (i8x16.eq (local.get $w) (i8x16.splat (i32.const 32)))
                      (i8x16.eq (local.get $w) (i8x16.splat (i32.const 9))))
                    (i8x16.eq (local.get $w) (i8x16.splat (i32.const 13)))))))
            ;; All 16 bytes are stored; only those before the first change count.
            (v128.store (local.get $o) (local.get $v))
            (if (i32.eqz (v128.any_true (local.get $bad)))
              (then
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $next)))
            (local.set $c (i32.ctz (i8x16.bitmask (local.get $bad))))
            (local.set $i (i32.add (local.get $i) (local.get $c)))
            (local.set $o (i32.add (local.get $o) (local.get $c)))))
        ;; The byte machine, one byte.
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
          (then
            (local.set $wsp (i32.const 1))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (if (i32.eq (local.get $c) (i32.const 13))
          (then
            (if (i32.eq (i32.add (local.get $i) (i32.const 1)) (local.get $len))
              (then
                ;; Its LF, if any, starts the next slice.
                (global.set $g_flags (i32.or (i32.or (local.get $wsp) (local.get $content)) (i32.const 4)))
                (global.set $g_empty (local.get $empty))
                (global.set $g_pos (local.get $len))
                (return (i32.sub (local.get $o) (global.get $OUT)))))
            (if (i32.eq (i32.load8_u offset=1 (local.get $i)) (i32.const 10))
              (then
                ;; End of line: its WSP is dropped, an empty line is held until content follows.
                (local.set $i (i32.add (local.get $i) (i32.const 2)))
                (local.set $wsp (i32.const 0))
                (if (local.get $content)
                  (then
                    (i32.store16 (local.get $o) (i32.const 0x0a0d))
                    (local.set $o (i32.add (local.get $o) (i32.const 2)))
                    (local.set $content (i32.const 0)))
                  (else (local.set $empty (i32.add (local.get $empty) (i32.const 1)))))
                (br $next)))))
        ;; Content (a bare CR included).
        (if (i32.eqz (local.get $content))
          (then
            (if (local.get $held)
              (then
                (global.set $g_flags (local.get $wsp))
                (global.set $g_empty (local.get $empty))
                (global.set $g_pos (local.get $i))
                (return (i32.const 0))))
            (block $flushed
              (loop $flush
                (br_if $flushed (i32.eqz (local.get $empty)))
                (i32.store16 (local.get $o) (i32.const 0x0a0d))
                (local.set $o (i32.add (local.get $o) (i32.const 2)))
                (local.set $empty (i32.sub (local.get $empty) (i32.const 1)))
                (br $flush)))
            (local.set $content (i32.const 2))))
        (if (local.get $wsp)
          (then
            (i32.store8 (local.get $o) (i32.const 32))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (local.set $wsp (i32.const 0))))
        (i32.store8 (local.get $o) (local.get $c))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.set $g_flags (i32.or (local.get $wsp) (local.get $content)))
    (global.set $g_empty (local.get $empty))
    (global.set $g_pos (local.get $len))
    (i32.sub (local.get $o) (global.get $OUT))))
