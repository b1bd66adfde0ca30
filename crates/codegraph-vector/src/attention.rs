//! Self-attention for one head of 32 dimensions over at most 128 tokens,
//! fused on AVX-512: each query row's scores live in (at most) eight
//! registers, go through softmax there, and weight the value rows without
//! a score matrix in memory. Two general matrix products did the same with
//! packing overhead that dominated at these sizes.

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

/// `ctx[i] = Σ_j softmax_j(scale · q_i · k_j) · v_j` for the head whose
/// columns start at `off` in rows of `stride` floats; `s` ≤ [`MAX_TOKENS`]
/// rows. `kt` is scratch for the transposed keys.
#[allow(clippy::too_many_arguments)]
pub fn head(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    ctx: &mut [f32],
    s: usize,
    stride: usize,
    off: usize,
    scale: f32,
    kt: &mut Vec<f32>,
) {
    assert!((1..=MAX_TOKENS).contains(&s) && available());
    assert!(off + HEAD_DIM <= stride && q.len() >= s * stride && k.len() >= s * stride);
    assert!(v.len() >= s * stride && ctx.len() >= s * stride);
    let blocks = s.div_ceil(16);
    let width = blocks * 16;
    // Keys transposed, [HEAD_DIM][width], zero past `s`; then the head's
    // values packed, [s][HEAD_DIM]: rows `stride` floats apart map to a few
    // L1 sets and evict each other.
    kt.clear();
    kt.resize(HEAD_DIM * width + s * HEAD_DIM, 0.0);
    let (kt, vh) = kt.split_at_mut(HEAD_DIM * width);
    for j in 0..s {
        for d in 0..HEAD_DIM {
            kt[d * width + j] = k[j * stride + off + d];
        }
        vh[j * HEAD_DIM..][..HEAD_DIM].copy_from_slice(&v[j * stride + off..][..HEAD_DIM]);
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: AVX-512F is present (asserted); every pointer below stays in
    // the slices whose lengths were asserted above.
    unsafe {
        match blocks {
            1 => rows::<1>(q, kt, vh, ctx, s, stride, off, scale),
            2 => rows::<2>(q, kt, vh, ctx, s, stride, off, scale),
            3 => rows::<3>(q, kt, vh, ctx, s, stride, off, scale),
            4 => rows::<4>(q, kt, vh, ctx, s, stride, off, scale),
            5 => rows::<5>(q, kt, vh, ctx, s, stride, off, scale),
            6 => rows::<6>(q, kt, vh, ctx, s, stride, off, scale),
            7 => rows::<7>(q, kt, vh, ctx, s, stride, off, scale),
            _ => rows::<8>(q, kt, vh, ctx, s, stride, off, scale),
        }
    }
}

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
    off: usize,
    scale: f32,
) {
    let width = B * 16;
    // Lanes at or past `s` in the last block are not tokens.
    let valid: __mmask16 = if s.is_multiple_of(16) {
        0xffff
    } else {
        (1u16 << (s % 16)) - 1
    };
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
        acc[B - 1] = _mm512_mask_blend_ps(valid, _mm512_set1_ps(f32::NEG_INFINITY), acc[B - 1]);
        let mut max = acc[0];
        for a in &acc[1..] {
            max = _mm512_max_ps(max, *a);
        }
        let max = _mm512_set1_ps(_mm512_reduce_max_ps(max));
        let mut sum = _mm512_setzero_ps();
        for (b, a) in acc.iter().enumerate() {
            let e = exp16(_mm512_sub_ps(*a, max));
            let e = if b == B - 1 {
                _mm512_maskz_mov_ps(valid, e)
            } else {
                e
            };
            sum = _mm512_add_ps(sum, e);
            _mm512_storeu_ps(p.as_mut_ptr().add(b * 16), e);
        }
        let inv = _mm512_set1_ps(1.0 / _mm512_reduce_add_ps(sum));
        // Four value rows per step into four accumulator pairs: one pair
        // would chain every multiply-add on the one before (latency-bound).
        let mut c = [_mm512_setzero_ps(); 8];
        let mut j = 0;
        while j + 4 <= s {
            for u in 0..4 {
                let vj = vh.as_ptr().add((j + u) * HEAD_DIM);
                let pj = _mm512_set1_ps(p[j + u]);
                c[2 * u] = _mm512_fmadd_ps(pj, _mm512_loadu_ps(vj), c[2 * u]);
                c[2 * u + 1] = _mm512_fmadd_ps(pj, _mm512_loadu_ps(vj.add(16)), c[2 * u + 1]);
            }
            j += 4;
        }
        for (u, jj) in (j..s).enumerate() {
            let vj = vh.as_ptr().add(jj * HEAD_DIM);
            let pj = _mm512_set1_ps(p[jj]);
            c[2 * u] = _mm512_fmadd_ps(pj, _mm512_loadu_ps(vj), c[2 * u]);
            c[2 * u + 1] = _mm512_fmadd_ps(pj, _mm512_loadu_ps(vj.add(16)), c[2 * u + 1]);
        }
        let c0 = _mm512_add_ps(_mm512_add_ps(c[0], c[2]), _mm512_add_ps(c[4], c[6]));
        let c1 = _mm512_add_ps(_mm512_add_ps(c[1], c[3]), _mm512_add_ps(c[5], c[7]));
        let out = ctx.as_mut_ptr().add(i * stride + off);
        _mm512_storeu_ps(out, _mm512_mul_ps(c0, inv));
        _mm512_storeu_ps(out.add(16), _mm512_mul_ps(c1, inv));
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
        let stride = 64;
        let mut next = crate::kernels::test_values(7);
        let mut kt = Vec::new();
        for s in [1, 5, 16, 17, 100, 128] {
            let q: Vec<f32> = (0..s * stride).map(|_| next() * 2.0).collect();
            let k: Vec<f32> = (0..s * stride).map(|_| next() * 2.0).collect();
            let v: Vec<f32> = (0..s * stride).map(|_| next()).collect();
            let mut ctx = vec![0f32; s * stride];
            let (off, scale) = (32, 0.5);
            head(&q, &k, &v, &mut ctx, s, stride, off, scale, &mut kt);
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
                    let got = ctx[i * stride + off + d] as f64;
                    assert!(
                        (got - want).abs() < 1e-5,
                        "s {s} row {i} dim {d}: {got} vs {want}"
                    );
                }
                // The other head's columns are untouched.
                assert_eq!(ctx[i * stride], 0.0);
            }
        }
    }
}
