//! Self-attention for one head of 32 dimensions over at most 128 tokens,
//! fused on AVX-512: each query row's scores live in (at most) eight
//! registers, go through softmax there, and weight the value rows without
//! a score matrix in memory. Two general matrix products did the same with
//! packing overhead that dominated at these sizes. Where the CPU has
//! AVX-512 BF16, the int8 model runs it in bf16 (`vdpbf16ps`, two products
//! per f32 lane): the in-process bench +10% (attention 20% -> 11% of the
//! profile).

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

#[cfg(target_arch = "x86_64")]
use crate::kernels::exp16;

/// Dimensions per head.
pub const HEAD_DIM: usize = 32;
/// Most tokens the fused kernel takes (eight registers of scores).
pub const MAX_TOKENS: usize = 128;

/// Whether this CPU runs [`head`].
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Whether this CPU runs [`head`] in bf16 (`vdpbf16ps`: 32 multiply-adds
/// per instruction, twice the f32 rate).
pub fn bf16_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        available()
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("avx512bf16")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Buffers [`head`] reuses between calls.
#[derive(Default)]
pub struct Scratch {
    floats: Vec<f32>,
    words: Vec<u32>,
}

/// `ctx[i] = Σ_j softmax_j(scale · q_i · k_j) · v_j` for the head whose
/// columns start at `off`, in rows of `stride` floats (q, k, v) and
/// `ctx_stride` (ctx); `s` ≤ [`MAX_TOKENS`] rows. With `bf16` (see [`bf16_available`]) queries, keys, weights and
/// values are rounded to bf16 and the products summed in f32: scores move
/// by ~1e-3, for half the instructions.
#[allow(clippy::too_many_arguments)]
pub fn head(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    stride: usize,
    ctx: &mut [f32],
    ctx_stride: usize,
    s: usize,
    off: usize,
    scale: f32,
    bf16: bool,
    scratch: &mut Scratch,
) {
    assert!((1..=MAX_TOKENS).contains(&s) && available());
    let rows_end = |stride: usize| (s - 1) * stride + off + HEAD_DIM;
    assert!(off + HEAD_DIM <= stride.min(ctx_stride));
    assert!(q.len() >= rows_end(stride) && k.len() >= rows_end(stride));
    assert!(v.len() >= rows_end(stride) && ctx.len() >= rows_end(ctx_stride));
    assert!(!bf16 || bf16_available());
    let blocks = s.div_ceil(16);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: AVX-512F (and for bf16, BW and BF16) is present (asserted);
    // the kernels stay within the slices whose lengths were asserted.
    unsafe {
        if bf16 {
            let (kt, vp) = pack_bf16(k, v, s, stride, off, &mut scratch.words);
            match blocks {
                1 => rows_bf16::<1>(q, kt, vp, ctx, s, stride, ctx_stride, off, scale),
                2 => rows_bf16::<2>(q, kt, vp, ctx, s, stride, ctx_stride, off, scale),
                3 => rows_bf16::<3>(q, kt, vp, ctx, s, stride, ctx_stride, off, scale),
                4 => rows_bf16::<4>(q, kt, vp, ctx, s, stride, ctx_stride, off, scale),
                5 => rows_bf16::<5>(q, kt, vp, ctx, s, stride, ctx_stride, off, scale),
                6 => rows_bf16::<6>(q, kt, vp, ctx, s, stride, ctx_stride, off, scale),
                7 => rows_bf16::<7>(q, kt, vp, ctx, s, stride, ctx_stride, off, scale),
                _ => rows_bf16::<8>(q, kt, vp, ctx, s, stride, ctx_stride, off, scale),
            }
            return;
        }
    }
    let width = blocks * 16;
    // Keys transposed, [HEAD_DIM][width], zero past `s`; then the head's
    // values packed, [s][HEAD_DIM]: rows `stride` floats apart map to a few
    // L1 sets and evict each other.
    let kt = &mut scratch.floats;
    kt.clear();
    kt.resize(HEAD_DIM * width + s.next_multiple_of(4) * HEAD_DIM, 0.0);
    let (kt, vh) = kt.split_at_mut(HEAD_DIM * width);
    for j in 0..s {
        for d in 0..HEAD_DIM {
            kt[d * width + j] = k[j * stride + off + d];
        }
        vh[j * HEAD_DIM..][..HEAD_DIM].copy_from_slice(&v[j * stride + off..][..HEAD_DIM]);
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as above.
    unsafe {
        match blocks {
            1 => rows::<1>(q, kt, vh, ctx, s, stride, ctx_stride, off, scale),
            2 => rows::<2>(q, kt, vh, ctx, s, stride, ctx_stride, off, scale),
            3 => rows::<3>(q, kt, vh, ctx, s, stride, ctx_stride, off, scale),
            4 => rows::<4>(q, kt, vh, ctx, s, stride, ctx_stride, off, scale),
            5 => rows::<5>(q, kt, vh, ctx, s, stride, ctx_stride, off, scale),
            6 => rows::<6>(q, kt, vh, ctx, s, stride, ctx_stride, off, scale),
            7 => rows::<7>(q, kt, vh, ctx, s, stride, ctx_stride, off, scale),
            _ => rows::<8>(q, kt, vh, ctx, s, stride, ctx_stride, off, scale),
        }
    }
}

/// Lanes at or past `s` in the last block of 16 tokens are not tokens.
#[cfg(target_arch = "x86_64")]
fn valid_lanes(s: usize) -> __mmask16 {
    if s.is_multiple_of(16) {
        0xffff
    } else {
        (1u16 << (s % 16)) - 1
    }
}

/// Scores to softmax numerators in place, `exp(x - max)`, zero past `s`
/// (lanes outside `valid` in the last block); returns 1 / their sum.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx512f")]
fn softmax_numerators<const B: usize>(acc: &mut [__m512; B], valid: __mmask16) -> __m512 {
    acc[B - 1] = _mm512_mask_blend_ps(valid, _mm512_set1_ps(f32::NEG_INFINITY), acc[B - 1]);
    let mut max = acc[0];
    for a in &acc[1..] {
        max = _mm512_max_ps(max, *a);
    }
    let max = _mm512_set1_ps(_mm512_reduce_max_ps(max));
    let mut sum = _mm512_setzero_ps();
    for (b, a) in acc.iter_mut().enumerate() {
        let e = exp16(_mm512_sub_ps(*a, max));
        *a = if b == B - 1 {
            _mm512_maskz_mov_ps(valid, e)
        } else {
            e
        };
        sum = _mm512_add_ps(sum, *a);
    }
    _mm512_set1_ps(1.0 / _mm512_reduce_add_ps(sum))
}

/// A context row from four accumulator pairs (dimensions 0..16, 16..32),
/// times `inv`, to `out`.
///
/// # Safety
/// `out` is valid for 32 floats.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn store_row(c: &[__m512; 8], inv: __m512, out: *mut f32) {
    // SAFETY: the caller upholds this function's `# Safety` conditions
    // (the CPU features it enables, the lengths its pointers cover).
    unsafe {
        let c0 = _mm512_add_ps(_mm512_add_ps(c[0], c[2]), _mm512_add_ps(c[4], c[6]));
        let c1 = _mm512_add_ps(_mm512_add_ps(c[1], c[3]), _mm512_add_ps(c[5], c[7]));
        _mm512_storeu_ps(out, _mm512_mul_ps(c0, inv));
        _mm512_storeu_ps(out.add(16), _mm512_mul_ps(c1, inv));
    }
}

/// 32 bf16 values as 16 words.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn as_words(x: __m512bh) -> __m512i {
    // SAFETY: both are 64 bytes of plain bits.
    unsafe { std::mem::transmute::<__m512bh, __m512i>(x) }
}

/// 16 words as 32 bf16 values (pairs, as `vdpbf16ps` reads them).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn pairs_of(x: __m512i) -> __m512bh {
    // SAFETY: both are 64 bytes of plain bits.
    unsafe { std::mem::transmute::<__m512i, __m512bh>(x) }
}

/// The head's keys and values in bf16, in `words`: keys as
/// `[HEAD_DIM / 2][width]` (each word the pair of dimensions 2d, 2d + 1 of
/// one token; zero past `s`), values as `[s / 2][HEAD_DIM]` (each word
/// one dimension of tokens 2j, 2j + 1; zero past `s`): the operand shapes
/// `vdpbf16ps` sums pairwise.
///
/// # Safety
/// The CPU has AVX-512 F, BW and BF16; `k` and `v` hold `s` tokens of
/// `stride` floats, the head's `HEAD_DIM` of them from `off`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512bf16")]
unsafe fn pack_bf16<'w>(
    k: &[f32],
    v: &[f32],
    s: usize,
    stride: usize,
    off: usize,
    words: &'w mut Vec<u32>,
) -> (&'w [u32], &'w [u32]) {
    // SAFETY: the caller upholds this function's `# Safety` conditions
    // (the CPU features it enables, the lengths its pointers cover).
    unsafe {
        const PAIRS: usize = HEAD_DIM / 2;
        let width = s.div_ceil(16) * 16;
        let pairs = s.div_ceil(2);
        // Whole steps of four pairs for `rows_bf16`, zero past the last.
        let (keys, values) = (PAIRS * width, pairs.next_multiple_of(4) * HEAD_DIM);
        words.clear();
        words.resize(keys + values + s * PAIRS, 0);
        let (kt, rest) = words.split_at_mut(keys);
        let (vp, rows) = rest.split_at_mut(values);
        // Each key row converted whole (32 floats to 16 words), then the words
        // transposed.
        for j in 0..s {
            let kj = k.as_ptr().add(j * stride + off);
            let w = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(kj.add(16)), _mm512_loadu_ps(kj));
            _mm512_storeu_si512(rows.as_mut_ptr().add(j * PAIRS).cast(), as_words(w));
        }
        for (j, row) in rows.chunks_exact(PAIRS).enumerate() {
            for (d, &w) in row.iter().enumerate() {
                kt[d * width + j] = w;
            }
        }
        // Two tokens' 16 dimensions converted together ([a0..a15, b0..b15] in
        // halves), then interleaved [a0, b0, a1, b1, ...].
        let interleave = _mm512_set_epi16(
            31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22, 6, 21, 5, 20,
            4, 19, 3, 18, 2, 17, 1, 16, 0,
        );
        for jp in 0..pairs {
            let a = v.as_ptr().add(2 * jp * stride + off);
            for h in 0..2 {
                let lo = _mm512_loadu_ps(a.add(16 * h));
                let hi = if 2 * jp + 1 < s {
                    _mm512_loadu_ps(a.add(stride + 16 * h))
                } else {
                    _mm512_setzero_ps()
                };
                let w: __m512i = as_words(_mm512_cvtne2ps_pbh(hi, lo));
                let w = _mm512_permutexvar_epi16(interleave, w);
                _mm512_storeu_si512(vp.as_mut_ptr().add(jp * HEAD_DIM + 16 * h).cast(), w);
            }
        }
        (kt, vp)
    }
}

/// # Safety
/// The CPU has AVX-512 F, BW and BF16; `kt` and `vp` are [`pack_bf16`]'s
/// output for `s` tokens; `q` and `ctx` hold `B` rows of their strides
/// with the head's `HEAD_DIM` floats from `off`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512bf16")]
#[allow(clippy::too_many_arguments)]
unsafe fn rows_bf16<const B: usize>(
    q: &[f32],
    kt: &[u32],
    vp: &[u32],
    ctx: &mut [f32],
    s: usize,
    stride: usize,
    ctx_stride: usize,
    off: usize,
    scale: f32,
) {
    // SAFETY: the caller upholds this function's `# Safety` conditions
    // (the CPU features it enables, the lengths its pointers cover).
    unsafe {
        let width = B * 16;
        let valid = valid_lanes(s);
        let pairs = s.div_ceil(2);
        let bh = |w: u32| pairs_of(_mm512_set1_epi32(w as i32));
        // Softmax weights as bf16 pairs of consecutive tokens.
        let mut p = [0u32; MAX_TOKENS / 2];
        let mut qw = [0u32; HEAD_DIM / 2];
        let scale = _mm512_set1_ps(scale);
        for i in 0..s {
            let qi = q.as_ptr().add(i * stride + off);
            let w = _mm512_cvtne2ps_pbh(
                _mm512_mul_ps(_mm512_loadu_ps(qi.add(16)), scale),
                _mm512_mul_ps(_mm512_loadu_ps(qi), scale),
            );
            _mm512_storeu_si512(qw.as_mut_ptr().cast(), as_words(w));
            let mut acc = [_mm512_setzero_ps(); B];
            for (d, &w) in qw.iter().enumerate() {
                let qd = bh(w);
                let row = kt.as_ptr().add(d * width);
                for (b, a) in acc.iter_mut().enumerate() {
                    let kd: __m512bh = pairs_of(_mm512_loadu_si512(row.add(b * 16).cast()));
                    *a = _mm512_dpbf16_ps(*a, qd, kd);
                }
            }
            let inv = softmax_numerators(&mut acc, valid);
            for b in (0..B).step_by(2) {
                let hi = if b + 1 < B {
                    acc[b + 1]
                } else {
                    _mm512_setzero_ps()
                };
                let w = _mm512_cvtne2ps_pbh(hi, acc[b]);
                _mm512_storeu_si512(p.as_mut_ptr().add(b * 8).cast(), as_words(w));
            }
            // Four pairs of tokens per step into four accumulator pairs (the
            // values are zero-padded to whole steps, weights are zero past s).
            let mut c = [_mm512_setzero_ps(); 8];
            for j in (0..pairs).step_by(4) {
                for u in 0..4 {
                    let vj = vp.as_ptr().add((j + u) * HEAD_DIM);
                    let pj = bh(p[j + u]);
                    let (v0, v1): (__m512bh, __m512bh) = (
                        pairs_of(_mm512_loadu_si512(vj.cast())),
                        pairs_of(_mm512_loadu_si512(vj.add(16).cast())),
                    );
                    c[2 * u] = _mm512_dpbf16_ps(c[2 * u], pj, v0);
                    c[2 * u + 1] = _mm512_dpbf16_ps(c[2 * u + 1], pj, v1);
                }
            }
            store_row(&c, inv, ctx.as_mut_ptr().add(i * ctx_stride + off));
        }
    }
}

/// # Safety
/// The CPU has AVX-512 F; `kt` and `vh` hold the head's keys and values
/// for `s` tokens; `q` and `ctx` hold `B` rows of their strides with the
/// head's `HEAD_DIM` floats from `off`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn rows<const B: usize>(
    q: &[f32],
    kt: &[f32],
    vh: &[f32],
    ctx: &mut [f32],
    s: usize,
    stride: usize,
    ctx_stride: usize,
    off: usize,
    scale: f32,
) {
    // SAFETY: the caller upholds this function's `# Safety` conditions
    // (the CPU features it enables, the lengths its pointers cover).
    unsafe {
        let width = B * 16;
        let valid = valid_lanes(s);
        let mut p = [0f32; MAX_TOKENS];
        for i in 0..s {
            let mut acc = [_mm512_setzero_ps(); B];
            let qi = q.as_ptr().add(i * stride + off);
            for d in 0..HEAD_DIM {
                let qd = _mm512_set1_ps(*qi.add(d) * scale);
                let row = kt.as_ptr().add(d * width);
                for (b, a) in acc.iter_mut().enumerate() {
                    *a = _mm512_fmadd_ps(qd, _mm512_loadu_ps(row.add(b * 16)), *a);
                }
            }
            let inv = softmax_numerators(&mut acc, valid);
            for (b, e) in acc.iter().enumerate() {
                _mm512_storeu_ps(p.as_mut_ptr().add(b * 16), *e);
            }
            // Four value rows per step into four accumulator pairs: one pair
            // would chain every multiply-add on the one before (latency-bound).
            // The values are zero-padded to whole steps, weights zero past s.
            let mut c = [_mm512_setzero_ps(); 8];
            for j in (0..s).step_by(4) {
                for u in 0..4 {
                    let vj = vh.as_ptr().add((j + u) * HEAD_DIM);
                    let pj = _mm512_set1_ps(p[j + u]);
                    c[2 * u] = _mm512_fmadd_ps(pj, _mm512_loadu_ps(vj), c[2 * u]);
                    c[2 * u + 1] = _mm512_fmadd_ps(pj, _mm512_loadu_ps(vj.add(16)), c[2 * u + 1]);
                }
            }
            store_row(&c, inv, ctx.as_mut_ptr().add(i * ctx_stride + off));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_plain_computation() {
        if !available() {
            eprintln!("skipped: no AVX-512 on this CPU");
            return;
        }
        check(false, 1e-5);
    }

    #[test]
    fn bf16_stays_close_to_the_plain_computation() {
        if !bf16_available() {
            eprintln!("skipped: no AVX-512 BF16 on this CPU");
            return;
        }
        // Scores up to ~±6 rounded to 8 significant bits: weights move by
        // a few per cent at most, the weighted means of values in [-1, 1]
        // by well under 0.02.
        check(true, 2e-2);
    }

    fn check(bf16: bool, tolerance: f64) {
        // q, k, v interleaved in rows of three heads' width, as the model
        // lays them out; ctx in rows of two heads.
        let (stride, ctx_stride) = (96, 64);
        let mut next = crate::kernels::test_values(7);
        let mut scratch = Scratch::default();
        let mut worst = 0f64;
        for s in [1, 2, 5, 16, 17, 33, 100, 127, 128] {
            let q: Vec<f32> = (0..s * stride).map(|_| next() * 2.0).collect();
            let k: Vec<f32> = (0..s * stride).map(|_| next() * 2.0).collect();
            let v: Vec<f32> = (0..s * stride).map(|_| next()).collect();
            let mut ctx = vec![0f32; s * ctx_stride];
            let (off, scale) = (32, 0.5);
            head(
                &q,
                &k,
                &v,
                stride,
                &mut ctx,
                ctx_stride,
                s,
                off,
                scale,
                bf16,
                &mut scratch,
            );
            for i in 0..s {
                let scores: Vec<f64> = (0..s)
                    .map(|j| {
                        (0..HEAD_DIM)
                            .map(|d| (q[i * stride + off + d] * k[j * stride + off + d]) as f64)
                            .sum::<f64>()
                            * scale as f64
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = scores.iter().map(|x| (x - max).exp()).collect();
                let total: f64 = e.iter().sum();
                for d in 0..HEAD_DIM {
                    let want: f64 = (0..s)
                        .map(|j| e[j] / total * v[j * stride + off + d] as f64)
                        .sum();
                    let got = ctx[i * ctx_stride + off + d] as f64;
                    worst = worst.max((got - want).abs());
                    assert!(
                        (got - want).abs() < tolerance,
                        "s {s} row {i} dim {d}: {got} vs {want}"
                    );
                }
                // The other head's columns are untouched.
                assert_eq!(ctx[i * ctx_stride], 0.0);
            }
        }
        eprintln!("bf16 {bf16}: worst difference {worst:.2e}");
    }
}
