//! Counting eight columns of a path-major table at once: what a worker
//! does with each batch of paths.
//!
//! A batch holds each path's monthly values side by side, so eight
//! neighbouring (series, month) columns are eight neighbouring doubles of
//! every row: one vector load. The range and sum of the eight columns are
//! taken with vector instructions, lane by lane in exactly the order
//! [`range_and_sum`](super::range_and_sum) takes them (so the sums are the
//! same bits), and each row's eight bucket addresses are computed as one
//! vector before eight byte increments. Nothing is copied out of the batch
//! and there is no per-value bounds check: every key lies between the keys
//! of its column's extremes, whose counters are made to exist first.
//!
//! The counts, zeros, extremes and sums come out exactly as from
//! [`Sketch::add_all`] on each column (a test compares them on columns of
//! every kind); columns with a non-finite value take that path.

use std::mem::MaybeUninit;

use super::{key_of, Sketch, SHIFT};

/// Columns counted together: eight doubles, one AVX-512 register.
pub const GROUP: usize = 8;

/// Most rows counted in one call (the batches' rows are summed in runs of
/// this many, see [`BandSketches`](crate::stats::BandSketches)).
pub const ROWS: usize = 256;

/// Keys below this are zeros and subnormals (magnitude below
/// `f64::MIN_POSITIVE`), counted apart.
const SMALLEST_KEY: u64 = (f64::MIN_POSITIVE.to_bits()) >> SHIFT;

impl Sketch<u8> {
    /// Adds one column of a path-major table to each of [`GROUP`]
    /// sketches: value `j` of sketch `c` is `rows[j * stride + c]`, for
    /// `j < n`. Returns each column's sum, as [`Sketch::add_all`] would.
    ///
    /// # Panics
    /// When `n` is above [`ROWS`] or `rows` is too short for `n` rows.
    pub fn add_columns(
        sketches: &mut [Sketch<u8>; GROUP],
        rows: &[f64],
        stride: usize,
        n: usize,
    ) -> [f64; GROUP] {
        if n == 0 {
            return [0.0; GROUP];
        }
        assert!(n <= ROWS && stride >= GROUP && rows.len() >= (n - 1) * stride + GROUP);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the processor has AVX-512F (checked just above).
            return unsafe { add_columns_avx512(sketches, rows, stride, n) };
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            return unsafe { add_columns_avx2(sketches, rows, stride, n) };
        }
        add_columns_in(sketches, rows, stride, n)
    }
}

/// [`add_columns_in`] compiled for AVX-512F.
///
/// # Safety
/// The processor must have AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn add_columns_avx512(
    sketches: &mut [Sketch<u8>; GROUP],
    rows: &[f64],
    stride: usize,
    n: usize,
) -> [f64; GROUP] {
    add_columns_in(sketches, rows, stride, n)
}

/// [`add_columns_in`] compiled for AVX2.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_columns_avx2(
    sketches: &mut [Sketch<u8>; GROUP],
    rows: &[f64],
    stride: usize,
    n: usize,
) -> [f64; GROUP] {
    add_columns_in(sketches, rows, stride, n)
}

type Lanes = [f64; GROUP];

#[inline(always)]
fn add_columns_in(
    sketches: &mut [Sketch<u8>; GROUP],
    rows: &[f64],
    stride: usize,
    n: usize,
) -> [f64; GROUP] {
    let row = |j: usize| -> &Lanes {
        let at = j * stride;
        rows[at..at + GROUP].try_into().expect("GROUP values")
    };
    let (lo, hi, mut sums) = range_and_sum(&row, n);

    // Which columns reach the extremes seen so far (ties there are counted
    // exactly), and which have values of both signs or near zero.
    let tiny = f64::MIN_POSITIVE;
    // Columns already counted (a non-finite value, or every value equal).
    let mut skip = [false; GROUP];
    let (mut ties, mut mixed) = (false, false);
    for c in 0..GROUP {
        let e = sketches[c].extremes;
        if !sums[c].is_finite() {
            // Rare: a non-finite value (or an overflowing sum); the
            // column takes the one-column path.
            let column: Vec<f64> = (0..n).map(|j| row(j)[c]).collect();
            sums[c] = sketches[c].add_all(&column);
            skip[c] = true;
            continue;
        }
        ties |= lo[c] != hi[c] && (lo[c] <= e.min || hi[c] >= e.max);
        mixed |= lo[c] < tiny && hi[c] > -tiny;
    }
    let (at_lo, at_hi) = if ties {
        count_equal(&row, n, &lo, &hi)
    } else {
        ([0; GROUP], [0; GROUP])
    };
    let (low_positive, high_negative) = if mixed {
        nearest_to_zero(&row, n)
    } else {
        (lo, hi)
    };

    // Per column: count, extremes, and counters for every key it can hold.
    let mut pos_base = [0usize; GROUP];
    let mut neg_base = [0usize; GROUP];
    for c in 0..GROUP {
        if skip[c] {
            continue;
        }
        let s = &mut sketches[c];
        let count = n as u64;
        s.count += count;
        let (n_lo, n_hi) = if lo[c] == hi[c] {
            (count, count)
        } else {
            (
                if lo[c] <= s.extremes.min { at_lo[c] } else { 0 },
                if hi[c] >= s.extremes.max { at_hi[c] } else { 0 },
            )
        };
        s.extremes.observe(lo[c], n_lo, hi[c], n_hi);
        if lo[c] == hi[c] && lo[c].abs() >= tiny {
            let store = if lo[c] > 0.0 {
                &mut s.positive
            } else {
                &mut s.negative
            };
            store.add_many(key_of(lo[c].abs()), count);
            skip[c] = true;
            continue;
        }
        if hi[c] >= tiny {
            let first = low_positive[c].max(tiny);
            s.positive.cover(key_of(first), key_of(hi[c]) + 1);
        }
        if lo[c] <= -tiny {
            let first = high_negative[c].min(-tiny);
            s.negative.cover(key_of(-first), key_of(-lo[c]) + 1);
        }
        // Addresses of key 0's counter (outside the store; only keys
        // inside it are ever added).
        pos_base[c] = s
            .positive
            .counts
            .as_mut_ptr()
            .expose_provenance()
            .wrapping_sub(s.positive.base as usize);
        neg_base[c] = s
            .negative
            .counts
            .as_mut_ptr()
            .expose_provenance()
            .wrapping_sub(s.negative.base as usize);
    }

    // Columns already counted, and zeros, go to a counter of their own
    // that nothing reads: a key below `first_key` means that.
    let mut spare = [0u8; GROUP];
    let spare_at: [usize; GROUP] =
        std::array::from_fn(|c| std::ptr::from_mut(&mut spare[c]).expose_provenance());
    let first_key: [u64; GROUP] =
        std::array::from_fn(|c| if skip[c] { u64::MAX } else { SMALLEST_KEY });
    // Every counter's address first, then the increments.
    let lanes = Lanes64 {
        pos_base,
        neg_base,
        first_key,
        spare_at,
    };
    let mut at = [const { MaybeUninit::<[usize; GROUP]>::uninit() }; ROWS];
    let (at, zeros) = addresses(rows, stride, n, &lanes, &mut at);
    for (j, at) in at.iter().enumerate() {
        for c in 0..GROUP {
            debug_assert!(
                at[c] == lanes.spare_at[c]
                    || inside(&sketches[c].positive, at[c], lanes.pos_base[c])
                    || inside(&sketches[c].negative, at[c], lanes.neg_base[c]),
                "row {j}, column {c}: {} has no counter",
                row(j)[c]
            );
            let counter: *mut u8 = std::ptr::with_exposed_provenance_mut(at[c]);
            // SAFETY: `at[c]` is either this column's spare counter or the
            // counter of key `k` in the store of the value's sign, where
            // `k` lies between the keys of the column's smallest and
            // largest magnitude of that sign, all of which `cover` made
            // exist above (keys grow with magnitude within a sign). No
            // store has moved since its base address was taken.
            let wrapped = unsafe {
                *counter = (*counter).wrapping_add(1);
                *counter == 0
            };
            if wrapped {
                note_wrap(&mut sketches[c], skip[c], row(j)[c]);
            }
        }
    }
    for c in 0..GROUP {
        if !skip[c] {
            sketches[c].zeros += zeros[c];
        }
    }
    sums
}

/// Per column: where its counters are, the smallest key it counts (keys
/// below go to its spare counter), and that spare counter.
struct Lanes64 {
    pos_base: [usize; GROUP],
    neg_base: [usize; GROUP],
    first_key: [u64; GROUP],
    spare_at: [usize; GROUP],
}

/// The counter address of every value of rows `0..n`, row by row, and how
/// many values of each column went to its spare counter.
#[inline(always)]
fn addresses<'a>(
    rows: &[f64],
    stride: usize,
    n: usize,
    lanes: &Lanes64,
    at: &'a mut [MaybeUninit<[usize; GROUP]>; ROWS],
) -> (&'a [[usize; GROUP]], [u64; GROUP]) {
    assert!(n <= ROWS && (n == 0 || rows.len() >= (n - 1) * stride + GROUP));
    #[cfg(target_arch = "x86_64")]
    let zeros = if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the processor has AVX-512F (checked just above); `rows`
        // holds `n` rows of `stride` (checked above).
        unsafe { addresses_avx512(rows, stride, n, lanes, at) }
    } else {
        addresses_scalar(rows, stride, n, lanes, at)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let zeros = addresses_scalar(rows, stride, n, lanes, at);
    // SAFETY: both versions write rows `0..n` of `at` in full.
    let at = unsafe { std::slice::from_raw_parts(at.as_ptr().cast::<[usize; GROUP]>(), n) };
    (at, zeros)
}

/// [`addresses`] in plain Rust: the reference, and the version for
/// processors without AVX-512F.
fn addresses_scalar(
    rows: &[f64],
    stride: usize,
    n: usize,
    lanes: &Lanes64,
    at: &mut [MaybeUninit<[usize; GROUP]>; ROWS],
) -> [u64; GROUP] {
    let mut zeros = [0u64; GROUP];
    for (j, at) in at[..n].iter_mut().enumerate() {
        let mut row = [0usize; GROUP];
        let x = &rows[j * stride..j * stride + GROUP];
        for c in 0..GROUP {
            let key = u64::from(key_of(x[c].abs()));
            let base = if x[c].is_sign_negative() {
                lanes.neg_base[c]
            } else {
                lanes.pos_base[c]
            };
            let small = key < lanes.first_key[c];
            zeros[c] += u64::from(small);
            row[c] = if small {
                lanes.spare_at[c]
            } else {
                base.wrapping_add(key as usize)
            };
        }
        at.write(row);
    }
    zeros
}

/// [`addresses_scalar`] with AVX-512F: one row of eight values at a time.
///
/// # Safety
/// The processor must have AVX-512F, and `rows` must hold `n` rows of
/// `stride` values (the last one at least [`GROUP`] long), `n <= ROWS`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn addresses_avx512(
    rows: &[f64],
    stride: usize,
    n: usize,
    lanes: &Lanes64,
    at: &mut [MaybeUninit<[usize; GROUP]>; ROWS],
) -> [u64; GROUP] {
    use std::arch::x86_64::*;
    debug_assert!(n <= ROWS && (n == 0 || rows.len() >= (n - 1) * stride + GROUP));
    // SAFETY (every load and store below): `lanes`' arrays, `at[j]` and
    // each row's first GROUP values are eight 64-bit values each.
    unsafe {
        let load = |p: *const u64| _mm512_loadu_si512(p.cast());
        let pos = load(lanes.pos_base.as_ptr().cast());
        let neg = load(lanes.neg_base.as_ptr().cast());
        let first = load(lanes.first_key.as_ptr());
        let spare = load(lanes.spare_at.as_ptr().cast());
        let magnitude = _mm512_set1_epi64(i64::MAX);
        let (zero, one) = (_mm512_setzero_si512(), _mm512_set1_epi64(1));
        let mut zeros = zero;
        for (j, at) in at[..n].iter_mut().enumerate() {
            let bits = load(rows.as_ptr().add(j * stride).cast());
            let key = _mm512_srli_epi64::<SHIFT>(_mm512_and_si512(bits, magnitude));
            let negative = _mm512_cmplt_epi64_mask(bits, zero);
            let base = _mm512_mask_blend_epi64(negative, pos, neg);
            let small = _mm512_cmplt_epu64_mask(key, first);
            zeros = _mm512_mask_add_epi64(zeros, small, zeros, one);
            let address = _mm512_mask_blend_epi64(small, _mm512_add_epi64(base, key), spare);
            _mm512_storeu_si512(at.as_mut_ptr().cast(), address);
        }
        let mut out = [0u64; GROUP];
        _mm512_storeu_si512(out.as_mut_ptr().cast(), zeros);
        out
    }
}

/// Whether `address` is that of a counter of `store` (for debug checks).
fn inside(store: &super::Store<u8>, address: usize, base: usize) -> bool {
    let start = store.counts.as_ptr().addr();
    let key = address.wrapping_sub(base);
    (start..start + store.counts.len()).contains(&address)
        && key >= store.base as usize
        && key < store.base as usize + store.counts.len()
}

/// Notes a wrap of a byte counter (every 256th value of a key), unless the
/// value went to the spare counter (a zero, or a column counted already).
#[cold]
#[inline(never)]
fn note_wrap(sketch: &mut Sketch<u8>, skip: bool, x: f64) {
    let key = key_of(x.abs());
    if skip || u64::from(key) < SMALLEST_KEY {
        return;
    }
    let store = if x.is_sign_negative() {
        &mut sketch.negative
    } else {
        &mut sketch.positive
    };
    store.wraps.push(key);
}

/// Smallest, largest and sum of each lane over rows `0..n`, in the order
/// of [`range_and_sum`](super::range_and_sum): four accumulators (row `j`
/// in accumulator `j mod 4`), the rows past the last multiple of four in
/// accumulator 0's range and in a separate sum, combined pairwise. (The
/// same steps as `combine_lanes`, written across the eight lanes: calling
/// `combine_lanes` lane by lane made the `aggregation` bench 7% slower.)
#[inline(always)]
fn range_and_sum<'a>(row: &impl Fn(usize) -> &'a Lanes, n: usize) -> (Lanes, Lanes, Lanes) {
    let mut lo = [[f64::INFINITY; GROUP]; 4];
    let mut hi = [[f64::NEG_INFINITY; GROUP]; 4];
    let mut sum = [[0.0; GROUP]; 4];
    let quads = n / 4;
    for q in 0..quads {
        for k in 0..4 {
            let x = row(4 * q + k);
            for c in 0..GROUP {
                lo[k][c] = if x[c] < lo[k][c] { x[c] } else { lo[k][c] };
                hi[k][c] = if x[c] > hi[k][c] { x[c] } else { hi[k][c] };
                sum[k][c] += x[c];
            }
        }
    }
    let mut rest = [0.0; GROUP];
    for j in 4 * quads..n {
        let x = row(j);
        for c in 0..GROUP {
            lo[0][c] = if x[c] < lo[0][c] { x[c] } else { lo[0][c] };
            hi[0][c] = if x[c] > hi[0][c] { x[c] } else { hi[0][c] };
            rest[c] += x[c];
        }
    }
    let min = |a: f64, b: f64| if b < a { b } else { a };
    let max = |a: f64, b: f64| if b > a { b } else { a };
    (
        std::array::from_fn(|c| min(min(lo[0][c], lo[1][c]), min(lo[2][c], lo[3][c]))),
        std::array::from_fn(|c| max(max(hi[0][c], hi[1][c]), max(hi[2][c], hi[3][c]))),
        std::array::from_fn(|c| (sum[0][c] + sum[1][c]) + (sum[2][c] + sum[3][c]) + rest[c]),
    )
}

/// How many values of each lane equal its `lo` and its `hi`.
#[inline(always)]
fn count_equal<'a>(
    row: &impl Fn(usize) -> &'a Lanes,
    n: usize,
    lo: &Lanes,
    hi: &Lanes,
) -> ([u64; GROUP], [u64; GROUP]) {
    let (mut at_lo, mut at_hi) = ([0u64; GROUP], [0u64; GROUP]);
    for j in 0..n {
        let x = row(j);
        for c in 0..GROUP {
            at_lo[c] += u64::from(x[c] == lo[c]);
            at_hi[c] += u64::from(x[c] == hi[c]);
        }
    }
    (at_lo, at_hi)
}

/// Each lane's smallest value at or above `f64::MIN_POSITIVE` (∞ if none)
/// and largest at or below its negative (−∞ if none).
#[inline(always)]
fn nearest_to_zero<'a>(row: &impl Fn(usize) -> &'a Lanes, n: usize) -> (Lanes, Lanes) {
    let tiny = f64::MIN_POSITIVE;
    let (mut low_positive, mut high_negative) =
        ([f64::INFINITY; GROUP], [f64::NEG_INFINITY; GROUP]);
    for j in 0..n {
        let x = row(j);
        for c in 0..GROUP {
            if x[c] >= tiny && x[c] < low_positive[c] {
                low_positive[c] = x[c];
            }
            if x[c] <= -tiny && x[c] > high_negative[c] {
                high_negative[c] = x[c];
            }
        }
    }
    (low_positive, high_negative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_with_and_without_avx512_are_the_same() {
        let mut rng = crate::test_rng::XorShift(0x1234_5678_9ABC_DEF1);
        let specials = [
            0.0,
            -0.0,
            1e-310,
            -1e-310,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
        ];
        for n in [0, 1, 7, 64, ROWS] {
            let stride = 11;
            let rows: Vec<f64> = (0..n.max(1) * stride)
                .map(|i| {
                    let r = rng.next_u64();
                    if i % 5 == 0 {
                        specials[(r % 6) as usize]
                    } else {
                        f64::from_bits(r)
                    }
                })
                .collect();
            let lanes = Lanes64 {
                pos_base: std::array::from_fn(|c| 1000 * c + 17),
                neg_base: std::array::from_fn(|c| (1000 * c + 999).wrapping_neg()),
                first_key: std::array::from_fn(|c| if c == 3 { u64::MAX } else { SMALLEST_KEY }),
                spare_at: std::array::from_fn(|c| 7 + c),
            };
            let mut a = [const { MaybeUninit::uninit() }; ROWS];
            let (at_a, zeros_a) = addresses(&rows, stride, n, &lanes, &mut a);
            let (at_a, zeros_a) = (at_a.to_vec(), zeros_a);
            let mut b = [const { MaybeUninit::uninit() }; ROWS];
            let zeros_b = addresses_scalar(&rows, stride, n, &lanes, &mut b);
            // SAFETY: `addresses_scalar` wrote rows `0..n`.
            let at_b: Vec<[usize; GROUP]> =
                b[..n].iter().map(|r| unsafe { r.assume_init() }).collect();
            assert_eq!(at_a, at_b, "{n} rows");
            assert_eq!(zeros_a, zeros_b, "{n} rows");
            assert_eq!(zeros_b[3], n as u64, "a column counted already");
        }
    }
}
