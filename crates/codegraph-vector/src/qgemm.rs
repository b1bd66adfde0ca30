//! Int8 linear layers on AVX-512 VNNI (`vpdpbusd`: 64 multiply-adds of
//! u8 × i8 per instruction, four times the f32 FMA rate).
//!
//! Weights are quantised once per output channel (symmetric, ±127) and
//! packed in blocks of 16 outputs × 4 inputs, the shape one `vpdpbusd`
//! consumes; activations are quantised per row when the layer runs
//! (symmetric, then shifted by +128 into u8, the shift taken back out with
//! each output's weight sum). Rows run four at a time against 64 outputs:
//! 16 accumulators in registers.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use crate::kernels;

/// Outputs per packed block (one 512-bit register of i32 lanes).
const BLOCK: usize = 16;
/// Rows per tile.
const ROWS: usize = 4;
/// Blocks per tile (64 outputs).
const BLOCKS: usize = 4;

/// Whether this CPU runs [`QLinear`].
pub fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("avx512vnni")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `y = x · Wᵀ + b` with W in int8.
pub struct QLinear {
    inp: usize,
    out: usize,
    /// `[out / 16][inp / 4][16][4]` i8.
    packed: Vec<i8>,
    /// Per output: its weights' scale.
    scale: Vec<f32>,
    /// Per output: 128 · Σ its quantised weights (the u8 shift's share).
    shift: Vec<i32>,
    bias: Vec<f32>,
}

impl QLinear {
    /// From f32 weights `w` (`[out, inp]`, row-major) and bias `b`.
    /// `inp` must be a multiple of 16 and `out` of 64.
    pub fn new(w: &[f32], b: &[f32], inp: usize, out: usize) -> QLinear {
        assert!(
            inp.is_multiple_of(16) && out.is_multiple_of(BLOCK * BLOCKS) && w.len() == inp * out
        );
        let mut packed = vec![0i8; inp * out];
        let mut scale = vec![0f32; out];
        let mut shift = vec![0i32; out];
        let groups = inp / 4;
        for o in 0..out {
            let row = &w[o * inp..][..inp];
            let max = row.iter().fold(0f32, |m, x| m.max(x.abs()));
            let s = if max > 0.0 { max / 127.0 } else { 1.0 };
            scale[o] = s;
            let (block, lane) = (o / BLOCK, o % BLOCK);
            let mut sum = 0i32;
            for (k, &x) in row.iter().enumerate() {
                let q = (x / s).round().clamp(-127.0, 127.0) as i8;
                sum += i32::from(q);
                let (g, j) = (k / 4, k % 4);
                packed[((block * groups + g) * BLOCK + lane) * 4 + j] = q;
            }
            shift[o] = 128 * sum;
        }
        QLinear {
            inp,
            out,
            packed,
            scale,
            shift,
            bias: b.to_vec(),
        }
    }

    /// `y[s, out] = x[s, inp] · Wᵀ + b`. `scratch` is reused between calls.
    pub fn forward(&self, x: &[f32], s: usize, y: &mut [f32], scratch: &mut Vec<u8>) {
        assert!(x.len() >= s * self.inp && y.len() >= s * self.out && available());
        scratch.clear();
        scratch.resize(s * self.inp, 128);
        let mut scales = vec![0f32; s];
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `available()` was checked above.
        unsafe {
            quantise_rows(&x[..s * self.inp], self.inp, scratch, &mut scales)
        };
        let mut row_scale = [0f32; ROWS];
        let mut r = 0;
        while r < s {
            let rows = (s - r).min(ROWS);
            row_scale[..rows].copy_from_slice(&scales[r..r + rows]);
            let a = &scratch[r * self.inp..(r + rows) * self.inp];
            let out = &mut y[r * self.out..(r + rows) * self.out];
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `available()` was checked above; the slices hold
            // `rows` rows of `inp` inputs and `out` outputs.
            unsafe {
                match rows {
                    4 => self.tile::<4>(a, &row_scale, out),
                    3 => self.tile::<3>(a, &row_scale, out),
                    2 => self.tile::<2>(a, &row_scale, out),
                    _ => self.tile::<1>(a, &row_scale, out),
                }
            }
            r += rows;
        }
    }

    /// `R` rows of quantised input `a` against every output.
    ///
    /// # Safety
    /// The CPU has AVX-512 F, BW and VNNI; `a` holds `R` rows of `inp`
    /// quantised inputs and `y` room for `R` rows of `out` outputs.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    unsafe fn tile<const R: usize>(&self, a: &[u8], row_scale: &[f32; ROWS], y: &mut [f32]) {
        // SAFETY: the caller upholds this function's `# Safety` conditions
        // (the CPU features it enables, the lengths its pointers cover).
        unsafe {
            let groups = self.inp / 4;
            let block_bytes = groups * BLOCK * 4;
            for first in (0..self.out / BLOCK).step_by(BLOCKS) {
                let mut acc = [[_mm512_setzero_si512(); BLOCKS]; R];
                let w = self.packed.as_ptr().add(first * block_bytes);
                for g in 0..groups {
                    let mut wv = [_mm512_setzero_si512(); BLOCKS];
                    for (b, v) in wv.iter_mut().enumerate() {
                        *v = _mm512_loadu_si512(w.add(b * block_bytes + g * 64) as *const _);
                    }
                    for (r, acc_r) in acc.iter_mut().enumerate() {
                        let four =
                            (a.as_ptr().add(r * self.inp + g * 4) as *const i32).read_unaligned();
                        let av = _mm512_set1_epi32(four);
                        for b in 0..BLOCKS {
                            acc_r[b] = _mm512_dpbusd_epi32(acc_r[b], av, wv[b]);
                        }
                    }
                }
                for (r, acc_r) in acc.iter().enumerate() {
                    let rs = _mm512_set1_ps(row_scale[r]);
                    for (b, &sum) in acc_r.iter().enumerate() {
                        let o = (first + b) * BLOCK;
                        let shift = _mm512_loadu_si512(self.shift.as_ptr().add(o) as *const _);
                        let scale = _mm512_mul_ps(rs, _mm512_loadu_ps(self.scale.as_ptr().add(o)));
                        let bias = _mm512_loadu_ps(self.bias.as_ptr().add(o));
                        let v = _mm512_cvtepi32_ps(_mm512_sub_epi32(sum, shift));
                        let v = _mm512_fmadd_ps(v, scale, bias);
                        _mm512_storeu_ps(y.as_mut_ptr().add(r * self.out + o), v);
                    }
                }
            }
        }
    }
}

/// Each `n`-wide row of `x` (`n` a multiple of 16) into `q` as
/// u8 = round(x / scale) + 128, with its scale (max |x| / 127) into `scales`.
///
/// # Safety
/// The CPU has AVX-512 F and BW; `n` is a multiple of 16; `q` holds as
/// many bytes as `x` has floats and `scales` one per row.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn quantise_rows(x: &[f32], n: usize, q: &mut [u8], scales: &mut [f32]) {
    // SAFETY: the caller upholds this function's `# Safety` conditions
    // (the CPU features it enables, the lengths its pointers cover).
    unsafe {
        let shift = _mm512_set1_epi32(128);
        for ((row, out), scale) in x.chunks_exact(n).zip(q.chunks_exact_mut(n)).zip(scales) {
            let max = kernels::max(row, true);
            *scale = if max > 0.0 { max / 127.0 } else { 1.0 };
            let inv = _mm512_set1_ps(1.0 / *scale);
            for i in (0..n).step_by(16) {
                let v = _mm512_mul_ps(_mm512_loadu_ps(row.as_ptr().add(i)), inv);
                // Round to nearest even (the default mode), shift into 1..=255.
                let v = _mm512_add_epi32(_mm512_cvtps_epi32(v), shift);
                _mm_storeu_si128(
                    out.as_mut_ptr().add(i) as *mut __m128i,
                    _mm512_cvtusepi32_epi8(v),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_f32_product_within_quantisation_error() {
        if !available() {
            eprintln!("skipped: no AVX-512 VNNI on this CPU");
            return;
        }
        let (inp, out) = (96, 128);
        let mut next = crate::kernels::test_values(12345);
        let w: Vec<f32> = (0..inp * out).map(|_| next()).collect();
        let b: Vec<f32> = (0..out).map(|_| next()).collect();
        let layer = QLinear::new(&w, &b, inp, out);
        let mut scratch = Vec::new();
        for s in [1, 3, 4, 7] {
            let x: Vec<f32> = (0..s * inp).map(|_| next() * 3.0).collect();
            let mut y = vec![0f32; s * out];
            layer.forward(&x, s, &mut y, &mut scratch);
            for r in 0..s {
                for o in 0..out {
                    let want: f32 = b[o]
                        + (0..inp)
                            .map(|k| x[r * inp + k] * w[o * inp + k])
                            .sum::<f32>();
                    let got = y[r * out + o];
                    // Two 8-bit roundings over 96 terms of size ≤ 3.
                    assert!(
                        (got - want).abs() < 0.25,
                        "s {s} row {r} out {o}: {got} vs {want}"
                    );
                }
            }
        }
    }
}
