//! Element-wise kernels of the MiniLM forward pass, written so the
//! compiler vectorises them: no calls, no branches in the loop bodies. On
//! x86-64 with AVX-512 or AVX2 and FMA (checked at run time) they are
//! compiled for those instructions; elsewhere for the baseline.

/// `exp(x)` for `x` in about [-87, 88] (clamped): `2^(x·log₂e)`, the
/// integer part into the exponent bits, the fraction by its Taylor series
/// to degree 7 (relative error < 2e-6).
#[inline(always)]
fn exp(x: f32) -> f32 {
    let t = x.clamp(-87.0, 88.0) * std::f32::consts::LOG2_E;
    let n = t.floor();
    let f = (t - n) * std::f32::consts::LN_2;
    let p = 1.0
        + f * (1.0
            + f * (0.5
                + f * (1.0 / 6.0
                    + f * (1.0 / 24.0
                        + f * (1.0 / 120.0 + f * (1.0 / 720.0 + f * (1.0 / 5040.0)))))));
    p * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// `erf(x)` by Abramowitz and Stegun 7.1.26 (absolute error < 1.5e-7,
/// plus `exp`'s).
#[inline(always)]
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_8 + t * (-1.453_152 + t * 1.061_405_4))));
    (1.0 - poly * exp(-a * a)).copysign(x)
}

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Lanes of the reductions below: sixteen partial results side by side
/// vectorise where one running value (a strict order of float adds) cannot.
const LANES: usize = 16;

/// `Σ x`.
#[inline(always)]
pub(crate) fn sum(x: &[f32]) -> f32 {
    let mut acc = [0f32; LANES];
    let chunks = x.chunks_exact(LANES);
    let tail: f32 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (a, v) in acc.iter_mut().zip(chunk) {
            *a += v;
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// `max x` (−∞ for none); `abs` takes `max |x|`.
#[inline(always)]
pub(crate) fn max(x: &[f32], abs: bool) -> f32 {
    let mut acc = [f32::NEG_INFINITY; LANES];
    let chunks = x.chunks_exact(LANES);
    let mut tail = f32::NEG_INFINITY;
    for &v in chunks.remainder() {
        let v = if abs { v.abs() } else { v };
        tail = if v > tail { v } else { tail };
    }
    for chunk in chunks {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            let v = if abs { v.abs() } else { v };
            *a = if v > *a { v } else { *a };
        }
    }
    acc.iter().fold(tail, |m, &v| if v > m { v } else { m })
}

#[inline(always)]
fn gelu_body(x: &mut [f32]) {
    for v in x {
        *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// Each row of `rows` (`n` wide) becomes its softmax.
#[inline(always)]
fn softmax_body(rows: &mut [f32], n: usize) {
    for row in rows.chunks_exact_mut(n) {
        let top = max(row, false);
        for v in row.iter_mut() {
            *v = exp(*v - top);
        }
        let inv = 1.0 / sum(row);
        for v in row.iter_mut() {
            *v *= inv;
        }
    }
}

/// Each `g.len()`-wide row of `h` normalised (mean 0, variance 1), then
/// scaled by `g` and shifted by `b`.
#[inline(always)]
fn layer_norm_body(h: &mut [f32], g: &[f32], b: &[f32], eps: f32) {
    let n = g.len();
    for row in h.chunks_exact_mut(n) {
        let mean = sum(row) / n as f32;
        for x in row.iter_mut() {
            *x -= mean;
        }
        let mut acc = [0f32; LANES];
        for chunk in row.chunks_exact(LANES) {
            for (a, x) in acc.iter_mut().zip(chunk) {
                *a += x * x;
            }
        }
        let tail: f32 = row
            .chunks_exact(LANES)
            .remainder()
            .iter()
            .map(|x| x * x)
            .sum();
        let var = (acc.iter().sum::<f32>() + tail) / n as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((x, &g), &b) in row.iter_mut().zip(g).zip(b) {
            *x = *x * inv * g + b;
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn layer_norm_avx2(h: &mut [f32], g: &[f32], b: &[f32], eps: f32) {
    layer_norm_body(h, g, b, eps)
}

/// Layer normalisation of each row of `h` (rows as wide as `g`), in place.
pub fn layer_norm(h: &mut [f32], g: &[f32], b: &[f32], eps: f32) {
    #[cfg(target_arch = "x86_64")]
    if has_avx512() {
        // SAFETY: the CPU has the features the function is compiled for.
        return unsafe { layer_norm_avx512(h, g, b, eps) };
    }
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU has the features the function is compiled for.
        return unsafe { layer_norm_avx2(h, g, b, eps) };
    }
    layer_norm_body(h, g, b, eps)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn gelu_avx2(x: &mut [f32]) {
    gelu_body(x)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn softmax_avx2(rows: &mut [f32], n: usize) {
    softmax_body(rows, n)
}

/// `exp` of 16 lanes: [`exp`] in AVX-512 intrinsics, `scalef` for the
/// power of two (relative error < 2e-6).
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx512f")]
pub(crate) fn exp16(x: __m512) -> __m512 {
    let t = _mm512_mul_ps(
        _mm512_max_ps(x, _mm512_set1_ps(-87.0)),
        _mm512_set1_ps(std::f32::consts::LOG2_E),
    );
    let n = _mm512_roundscale_ps::<{ _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC }>(t);
    let f = _mm512_mul_ps(_mm512_sub_ps(t, n), _mm512_set1_ps(std::f32::consts::LN_2));
    let mut p = _mm512_set1_ps(1.0 / 5040.0);
    for c in [
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(c));
    }
    _mm512_scalef_ps(p, n)
}

/// [`gelu_body`] in AVX-512 intrinsics, sixteen lanes at a time: the
/// reciprocal by `rcp14` and one Newton step instead of a division, the
/// sign by a mask. The compiler's version of the loop ran at half width.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
fn gelu_avx512(x: &mut [f32]) {
    let mut chunks = x.chunks_exact_mut(16);
    for chunk in &mut chunks {
        // SAFETY: the chunk holds 16 floats; AVX-512F is enabled here.
        unsafe {
            let v = _mm512_loadu_ps(chunk.as_ptr());
            let z = _mm512_mul_ps(v, _mm512_set1_ps(std::f32::consts::FRAC_1_SQRT_2));
            let a = _mm512_abs_ps(z);
            let d = _mm512_fmadd_ps(a, _mm512_set1_ps(0.327_591_1), _mm512_set1_ps(1.0));
            let r = _mm512_rcp14_ps(d);
            let t = _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(2.0)));
            let mut poly = _mm512_set1_ps(1.061_405_4);
            for c in [-1.453_152, 1.421_413_8, -0.284_496_74, 0.254_829_6] {
                poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(c));
            }
            poly = _mm512_mul_ps(poly, t);
            let e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(a, a)));
            // |erf(z)| = 1 - poly·e, negated where z < 0.
            let erf_abs = _mm512_fnmadd_ps(poly, e, _mm512_set1_ps(1.0));
            let negative = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(z, _mm512_setzero_ps());
            let erf = _mm512_mask_sub_ps(erf_abs, negative, _mm512_setzero_ps(), erf_abs);
            let half_v = _mm512_mul_ps(v, _mm512_set1_ps(0.5));
            let out = _mm512_fmadd_ps(half_v, erf, half_v);
            _mm512_storeu_ps(chunk.as_mut_ptr(), out);
        }
    }
    gelu_body(chunks.into_remainder());
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
fn layer_norm_avx512(h: &mut [f32], g: &[f32], b: &[f32], eps: f32) {
    layer_norm_body(h, g, b, eps)
}

#[cfg(target_arch = "x86_64")]
fn has_avx512() -> bool {
    std::is_x86_feature_detected!("avx512f") && has_avx2()
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

/// GELU (the erf form BERT uses), in place.
pub fn gelu(x: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx512() {
        // SAFETY: the CPU has the features the function is compiled for.
        return unsafe { gelu_avx512(x) };
    }
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU has the features the function is compiled for.
        return unsafe { gelu_avx2(x) };
    }
    gelu_body(x)
}

/// Softmax of each `n`-wide row, in place.
pub fn softmax(rows: &mut [f32], n: usize) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU has the features the function is compiled for.
        return unsafe { softmax_avx2(rows, n) };
    }
    softmax_body(rows, n)
}

/// Deterministic pseudo-random values in [-1, 1) for the kernels' tests.
#[cfg(test)]
pub(crate) fn test_values(seed: u32) -> impl FnMut() -> f32 {
    let mut state = seed;
    move || {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (state >> 8) as f32 / (1u32 << 23) as f32 - 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_erf_match_the_library_functions() {
        for i in -2000..=2000 {
            let x = i as f32 / 100.0;
            let want = x.exp();
            assert!((exp(x) - want).abs() <= want * 2e-6, "exp({x})");
            assert!((erf(x) - libm::erff(x)).abs() < 1e-6, "erf({x})");
        }
    }

    #[test]
    fn gelu_matches_the_erf_form() {
        // 4001 values: the vector path and a remainder.
        let mut x: Vec<f32> = (-2000..=2000).map(|i| i as f32 / 200.0).collect();
        let want: Vec<f32> = x
            .iter()
            .map(|&v| 0.5 * v * (1.0 + libm::erff(v * std::f32::consts::FRAC_1_SQRT_2)))
            .collect();
        gelu(&mut x);
        for (i, (got, want)) in x.iter().zip(&want).enumerate() {
            assert!(
                (got - want).abs() < 2e-6 * (1.0 + want.abs()),
                "{i}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn reductions_and_layer_norm() {
        let x: Vec<f32> = (0..37).map(|i| (i as f32 - 20.0) * 0.5).collect();
        assert_eq!(sum(&x), x.iter().sum::<f32>());
        assert_eq!(max(&x, false), 8.0);
        assert_eq!(max(&x, true), 10.0);
        let mut h = x[..32].to_vec();
        layer_norm(&mut h, &[2.0; 16], &[1.0; 16], 1e-12);
        for row in h.chunks(16) {
            let mean = row.iter().sum::<f32>() / 16.0;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / 16.0;
            assert!(
                (mean - 1.0).abs() < 1e-5 && (var - 4.0).abs() < 1e-4,
                "{mean} {var}"
            );
        }
    }

    #[test]
    fn softmax_rows_sum_to_one() {
        let mut rows = vec![1.0, 2.0, 3.0, -1e9, 0.0, 0.0];
        softmax(&mut rows, 3);
        assert!((rows[..3].iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((rows[2] - 0.665_240_9).abs() < 1e-5);
        assert!(rows[3] < 1e-30);
        assert!((rows[4] - 0.5).abs() < 1e-6);
    }
}
