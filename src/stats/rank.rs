//! Sorting a column once gives both its exact percentiles (the sorted
//! values) and its ranks (for Spearman correlations). Censored values (NaN)
//! sort above everything; ties share their average rank.

use rayon::prelude::*;

/// A monotone integer key of a double: NaN above +∞, −0 equal to 0.
#[inline]
pub fn sort_key(x: f64) -> u64 {
    if x.is_nan() {
        return u64::MAX;
    }
    let bits = if x == 0.0 {
        0.0f64.to_bits()
    } else {
        x.to_bits()
    };
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Buffers for ranking columns one after another, so that each column does
/// not allocate (and the kernel does not zero) a fresh set of pages.
#[derive(Debug, Default)]
pub struct Ranker {
    column: Vec<f64>,
    /// (part of a key, row index) pairs: once sorted, the rows in order in
    /// their lower halves ([`radix_order`]).
    pairs: Vec<u64>,
    spare: Vec<u64>,
    sorted: Vec<f64>,
}

impl Ranker {
    /// Sorts column `j` of row-major `rows` (`width` columns) and returns
    /// twice each row's average rank (1-based; ties share their average,
    /// censored NaN values rank above all). [`Ranker::sorted`] then holds
    /// the column ascending, NaN last.
    pub fn rank(&mut self, rows: &[f64], width: usize, j: usize) -> Vec<u32> {
        self.column.clear();
        self.column.extend(rows.iter().skip(j).step_by(width));
        radix_order(&self.column, &mut self.pairs, &mut self.spare);
        self.sorted.clear();
        self.sorted
            .extend(self.pairs.iter().map(|&pair| self.column[row_of(pair)]));
        let n = self.column.len();
        let mut doubled_ranks = vec![0u32; n];
        // Equal keys are equal values (−0 and 0 included) or two NaNs.
        let tied = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
        let mut start = 0;
        while start < n {
            let mut end = start;
            while end + 1 < n && tied(self.sorted[end + 1], self.sorted[start]) {
                end += 1;
            }
            // Average 1-based rank of positions start..=end, doubled.
            let doubled = (start + end + 2) as u32;
            for &pair in &self.pairs[start..=end] {
                doubled_ranks[row_of(pair)] = doubled;
            }
            start = end + 1;
        }
        doubled_ranks
    }

    /// Ranks column `j` like [`Ranker::rank`] when `strata` (each row's
    /// place, a permutation of 0..n) orders its values strictly: then row p
    /// ranks `strata[p] + 1` and no sort is needed; the strata become the
    /// doubled ranks in place. With Latin hypercube sampling an input's
    /// stratum orders its values, except where the quantile function is
    /// flat or rounding ties two neighbours; `None` then (and whenever the
    /// values are not strictly increasing in stratum order), so the caller
    /// sorts. Does not touch [`Ranker::sorted`].
    pub fn rank_by_strata(
        &mut self,
        rows: &[f64],
        width: usize,
        j: usize,
        mut strata: Vec<u32>,
    ) -> Option<Vec<u32>> {
        let n = strata.len();
        if n == 0 || rows.len() != n * width {
            return None;
        }
        // The column laid out in stratum order; a slot left NaN (strata
        // not a permutation) fails the check below.
        self.column.clear();
        self.column.resize(n, f64::NAN);
        for (&s, x) in strata.iter().zip(rows.iter().skip(j).step_by(width)) {
            *self.column.get_mut(s as usize)? = *x;
        }
        let increasing = !self.column[0].is_nan() && self.column.windows(2).all(|w| w[0] < w[1]);
        if !increasing {
            return None;
        }
        for s in &mut strata {
            *s = 2 * *s + 2;
        }
        Some(strata)
    }

    /// The last ranked column, ascending with NaN last.
    pub fn sorted(&self) -> &[f64] {
        &self.sorted
    }
}

/// The indices that sort `values` ascending, ties in index order (NaN
/// last): the radix sort of [`Ranker`] on its own.
pub fn sorting_order(values: &[f64]) -> Vec<u32> {
    let mut pairs = Vec::new();
    radix_order(values, &mut pairs, &mut Vec::new());
    pairs.iter().map(|&pair| row_of(pair) as u32).collect()
}

/// The row index in a sorted pair's lower half.
#[inline]
fn row_of(pair: u64) -> usize {
    pair as u32 as usize
}

/// Leaves in the lower halves of `pairs` the row indices of `column` sorted
/// by [`sort_key`], ties in index order (a stable sort); `spare` is
/// scratch.
///
/// Bits that are the same in every key do not order anything, so the sort
/// looks at the 32 bits from the highest bit that differs down, each key's
/// 32 packed with its row index into one `u64` (8 bytes a row, where a key
/// and an index would take 12, and at most four radix passes for that
/// first sort). Rows whose 32 bits are equal (equal values, or values whose
/// keys agree down to that window: within about a millionth of each other
/// when the column spans signs or binades, within a few billionths when
/// it stays inside one binade) are then ordered by the bits below, run by
/// run, when those bits differ at all.
fn radix_order(column: &[f64], pairs: &mut Vec<u64>, spare: &mut Vec<u64>) {
    let n = column.len();
    let (all, any) = column.iter().fold((u64::MAX, 0), |(all, any), &x| {
        let k = sort_key(x);
        (all & k, any | k)
    });
    let differing = all ^ any;
    // Keys are ordered by their bits from `shift` up (the rest are equal),
    // then by the bits below.
    let shift = (64 - differing.leading_zeros()).saturating_sub(32);
    let below = (1u64 << shift) - 1;
    let pack = |half: u64, row: usize| half << 32 | row as u64;
    pairs.clear();
    pairs.extend(
        column
            .iter()
            .enumerate()
            .map(|(row, &x)| pack((sort_key(x) >> shift) & 0xffff_ffff, row)),
    );
    spare.resize(n, 0);
    sort_by_upper_half(pairs, spare, 4);
    if differing & below == 0 {
        return;
    }
    let mut start = 0;
    while start < n {
        let upper = pairs[start] >> 32;
        let mut end = start + 1;
        while end < n && pairs[end] >> 32 == upper {
            end += 1;
        }
        if end - start > 1 {
            // The run is in row order; sort it by the bits below, stably.
            let run = &mut pairs[start..end];
            for pair in run.iter_mut() {
                let row = row_of(*pair);
                *pair = pack(sort_key(column[row]) & below, row);
            }
            if run.windows(2).any(|w| w[0] >> 32 > w[1] >> 32) {
                sort_by_upper_half(run, &mut spare[..end - start], 4);
            }
        }
        start = end;
    }
}

/// Largest slice sorted by least-significant-digit passes: it and its
/// spare buffer (8 bytes a pair each) fit in a 2 MB L2 cache.
const CACHED: usize = 1 << 16;

/// Sorts `pairs` stably by their upper 32 bits, on the 8-bit digits of that
/// half below `top` (4 for all of it); `spare` is scratch space of the same
/// length. A large slice is split on its highest differing digit into
/// groups that are each sorted (or split again) while cached; a cached one
/// takes least-significant-digit passes, skipping digits that are the same
/// for every pair; a short one, an insertion sort.
fn sort_by_upper_half(pairs: &mut [u64], spare: &mut [u64], top: usize) {
    let n = pairs.len();
    if n <= 32 {
        for i in 1..n {
            let pair = pairs[i];
            let mut j = i;
            while j > 0 && pairs[j - 1] >> 32 > pair >> 32 {
                pairs[j] = pairs[j - 1];
                j -= 1;
            }
            pairs[j] = pair;
        }
        return;
    }
    let mut counts = [[0u32; 256]; 4];
    for &pair in pairs.iter() {
        for (d, c) in counts.iter_mut().enumerate().take(top) {
            c[digit(pair, d)] += 1;
        }
    }
    let varies = |d: usize| !counts[d].contains(&(n as u32));
    if n > CACHED {
        let Some(d) = (0..top).rev().find(|&d| varies(d)) else {
            return;
        };
        scatter_pairs(pairs, spare, d, &counts[d]);
        // The groups are independent: sort them on every core (each one
        // alone, so the result is the same on any number of threads).
        let mut groups = Vec::with_capacity(256);
        let (mut rest_pairs, mut rest_spare) = (&mut pairs[..], &mut spare[..]);
        for &count in &counts[d] {
            let (p, tail_pairs) = std::mem::take(&mut rest_pairs).split_at_mut(count as usize);
            let (s, tail_spare) = std::mem::take(&mut rest_spare).split_at_mut(count as usize);
            (rest_pairs, rest_spare) = (tail_pairs, tail_spare);
            if count > 0 {
                groups.push((p, s));
            }
        }
        groups.into_par_iter().for_each(|(p, s)| {
            sort_by_upper_half(s, p, d);
            p.copy_from_slice(s);
        });
        return;
    }
    let mut in_spare = false;
    for d in (0..top).filter(|&d| varies(d)) {
        if in_spare {
            scatter_pairs(spare, pairs, d, &counts[d]);
        } else {
            scatter_pairs(pairs, spare, d, &counts[d]);
        }
        in_spare = !in_spare;
    }
    if in_spare {
        pairs.copy_from_slice(spare);
    }
}

/// Digit `d` (8 bits) of a pair's upper half.
#[inline]
fn digit(pair: u64, d: usize) -> usize {
    ((pair >> (32 + 8 * d)) & 0xff) as usize
}

/// Moves `from` into `to` grouped by digit `d`, keeping the order within
/// each group (stable); `counts` are that digit's counts.
fn scatter_pairs(from: &[u64], to: &mut [u64], d: usize, counts: &[u32; 256]) {
    let mut next = [0usize; 256];
    let mut acc = 0;
    for (slot, &c) in next.iter_mut().zip(counts) {
        *slot = acc;
        acc += c as usize;
    }
    for &pair in from {
        let b = digit(pair, d);
        to[next[b]] = pair;
        next[b] += 1;
    }
}

/// Σ (r − (n + 1))² of doubled ranks: the spread that Spearman's
/// denominator needs, computed once per column.
pub fn centred_square_sum(ranks: &[u32]) -> i128 {
    centred_dot(ranks, ranks)
}

/// Σ (a − (n + 1))(b − (n + 1)) over two columns of doubled ranks, exactly.
///
/// Doubled ranks lie in 2 … 2n, so each centred value is an integer of at
/// most n in size (an `i32` while n < 2³⁰) and each product at most n². The
/// products are summed in eight `i64` running sums, each taking no more
/// products than keep it below 2⁶³ (about 576,000 at four million paths),
/// then added into an `i128`: the exact sum, in any order. On a processor
/// with AVX-512F or AVX2 the same code runs compiled for it (chosen at run
/// time), eight or four products an instruction.
pub fn centred_dot(a: &[u32], b: &[u32]) -> i128 {
    let n = a.len().min(b.len());
    centred_dot_part(&a[..n], &b[..n], n)
}

/// Σ (a − (n + 1))(b − (n + 1)) over two slices of columns of `n` doubled
/// ranks each: part of [`centred_dot`].
fn centred_dot_part(a: &[u32], b: &[u32], n: usize) -> i128 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the processor has AVX-512F (checked just above).
        return unsafe { centred_dot_avx512(a, b, n) };
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above).
        return unsafe { centred_dot_avx2(a, b, n) };
    }
    centred_dot_in(a, b, n)
}

/// [`centred_dot_in`] compiled for AVX-512F.
///
/// # Safety
/// The processor must have AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn centred_dot_avx512(a: &[u32], b: &[u32], n: usize) -> i128 {
    centred_dot_in(a, b, n)
}

/// [`centred_dot_in`] compiled for AVX2.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn centred_dot_avx2(a: &[u32], b: &[u32], n: usize) -> i128 {
    centred_dot_in(a, b, n)
}

/// The sum of [`centred_dot_part`].
#[inline(always)]
fn centred_dot_in(a: &[u32], b: &[u32], n: usize) -> i128 {
    const LANES: usize = 8;
    let len = a.len().min(b.len());
    let square = (n as u128) * (n as u128);
    // Products one running sum may take; the tail adds up to LANES − 1
    // more to the first.
    let per_sum = (i64::MAX as u128 / square.max(1)).min(1 << 20) as usize;
    if n >= 1 << 30 || per_sum < 2 * LANES {
        let centre = n as i64 + 1;
        return a
            .iter()
            .zip(b)
            .map(|(&x, &y)| i128::from((i64::from(x) - centre) * (i64::from(y) - centre)))
            .sum();
    }
    let centre = n as i32 + 1;
    let block = (per_sum - LANES) * LANES;
    let mut total = 0i128;
    for (a, b) in a[..len].chunks(block).zip(b[..len].chunks(block)) {
        let mut sums = [0i64; LANES];
        let (mut qa, mut qb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
        for (x, y) in (&mut qa).zip(&mut qb) {
            for k in 0..LANES {
                sums[k] += i64::from(x[k] as i32 - centre) * i64::from(y[k] as i32 - centre);
            }
        }
        for (&x, &y) in qa.remainder().iter().zip(qb.remainder()) {
            sums[0] += i64::from(x as i32 - centre) * i64::from(y as i32 - centre);
        }
        total += sums.iter().map(|&s| i128::from(s)).sum::<i128>();
    }
    total
}

/// Rows of a block in [`centred_dots`]: 21 columns' blocks (16 KB each)
/// stay in the L2 cache while every pair is summed over them.
const DOT_BLOCK: usize = 4096;

/// [`centred_dot`] of each pair of `columns` (by index; all of the same
/// length), reading each column from memory once instead of once per pair:
/// the rows go in blocks, and every pair's products over a block are summed
/// while the block is cached. The blocks are shared among the threads; the
/// sums are exact integers, so they do not depend on how.
pub fn centred_dots(columns: &[&[u32]], pairs: &[(usize, usize)]) -> Vec<i128> {
    let n = columns.first().map_or(0, |c| c.len());
    assert!(columns.iter().all(|c| c.len() == n));
    let blocks = n.div_ceil(DOT_BLOCK);
    let add = |mut a: Vec<i128>, b: Vec<i128>| {
        for (x, y) in a.iter_mut().zip(b) {
            *x += y;
        }
        a
    };
    (0..blocks)
        .into_par_iter()
        .fold(
            || vec![0i128; pairs.len()],
            |mut sums, block| {
                let rows = block * DOT_BLOCK..((block + 1) * DOT_BLOCK).min(n);
                for (sum, &(i, j)) in sums.iter_mut().zip(pairs) {
                    *sum +=
                        centred_dot_part(&columns[i][rows.clone()], &columns[j][rows.clone()], n);
                }
                sums
            },
        )
        .reduce(|| vec![0i128; pairs.len()], add)
}

/// Spearman correlation from the centred sums of two columns of doubled
/// ranks: their cross sum `ab` and each one's square sum ([`centred_dots`]).
/// NaN when either column is constant.
pub fn spearman_from(ab: i128, aa: i128, bb: i128) -> f64 {
    if aa == 0 || bb == 0 {
        return f64::NAN;
    }
    ab as f64 / (aa as f64 * bb as f64).sqrt()
}

/// Spearman correlation of two columns of doubled ranks: the Pearson
/// correlation of the ranks, computed in exact integer arithmetic (so it is
/// the same whatever the thread count). NaN when either column is constant.
pub fn spearman(a: &[u32], b: &[u32]) -> f64 {
    spearman_from(
        centred_dot(a, b),
        centred_square_sum(a),
        centred_square_sum(b),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_like_numbers() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -2.0,
            -0.0,
            0.0,
            1e-300,
            3.0,
            f64::INFINITY,
            f64::NAN,
        ];
        for w in xs.windows(2) {
            assert!(sort_key(w[0]) <= sort_key(w[1]), "{} {}", w[0], w[1]);
        }
        assert_eq!(sort_key(-0.0), sort_key(0.0));
    }

    #[test]
    fn strata_rank_a_column_they_order_and_refuse_one_they_do_not() {
        // Rows of width 2; column 1 holds the values.
        let rows = |values: &[f64]| -> Vec<f64> { values.iter().flat_map(|&v| [0.0, v]).collect() };
        let strata = [2, 0, 3, 1];
        let mut r = Ranker::default();
        let ordered = rows(&[30.0, 10.0, 40.0, 20.0]);
        let fast = r.rank_by_strata(&ordered, 2, 1, strata.to_vec()).unwrap();
        assert_eq!(fast, r.rank(&ordered, 2, 1));
        assert_eq!(fast, vec![6, 2, 8, 4]);
        // A tie (a flat quantile function) needs average ranks: sort.
        let tied = rows(&[30.0, 10.0, 40.0, 10.0]);
        assert_eq!(r.rank_by_strata(&tied, 2, 1, strata.to_vec()), None);
        // Values out of stratum order.
        let crossed = rows(&[10.0, 30.0, 40.0, 20.0]);
        assert_eq!(r.rank_by_strata(&crossed, 2, 1, strata.to_vec()), None);
        // Strata that are not a permutation, or out of range.
        assert_eq!(r.rank_by_strata(&ordered, 2, 1, vec![2, 0, 3, 3]), None);
        assert_eq!(r.rank_by_strata(&ordered, 2, 1, vec![2, 0, 4, 1]), None);
        assert_eq!(r.rank_by_strata(&ordered, 2, 1, vec![2, 0, 3]), None);
    }

    #[test]
    fn average_ranks_for_ties_and_censored_on_top() {
        let mut r = Ranker::default();
        // Sorted: 1, 3, 3, NaN, NaN → ranks 1, 2.5, 2.5, 4.5, 4.5.
        assert_eq!(
            r.rank(&[3.0, f64::NAN, 1.0, 3.0, f64::NAN], 1, 0),
            vec![5, 9, 2, 5, 9]
        );
        assert_eq!(&r.sorted()[..3], &[1.0, 3.0, 3.0]);
        assert!(r.sorted()[3].is_nan());
        // Second column of a two-column table, reusing the buffers.
        assert_eq!(r.rank(&[0.0, 2.0, 0.0, 1.0], 2, 1), vec![4, 2]);
    }

    #[test]
    fn radix_order_sorts_like_a_stable_sort() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(11);
        // Enough values for the most-significant-digit split (and a large
        // group inside one exponent, split again), with many ties.
        let mut values: Vec<f64> = (0..400_000)
            .map(|i| match i % 4 {
                0 => (rng.random::<f64>() - 0.3) * 1e12,
                1 => 1e9 * (1.0 + rng.random::<f64>()),
                2 => f64::from(rng.random_range(0..50u32)),
                _ => 1e9 * (1.0 + 1e-12 * f64::from(rng.random_range(0..1000u32))),
            })
            .collect();
        values.extend([0.0, -0.0, f64::NAN, 1e-300, -1e300, 5.0, 5.0, 5.0]);
        let keys: Vec<u64> = values.iter().map(|&x| sort_key(x)).collect();
        let mut want: Vec<u32> = (0..keys.len() as u32).collect();
        want.sort_by_key(|&i| keys[i as usize]);
        assert_eq!(sorting_order(&values), want);
        assert!(sorting_order(&[]).is_empty());
        assert_eq!(sorting_order(&[7.0, 7.0, 7.0]), vec![0, 1, 2]);
        // Columns whose keys differ only in a few low bits (the 32 bits
        // sorted first then reach the bottom of the key), or just across
        // the boundary of those 32 bits (one bit left for the runs), with
        // ties, NaN among integers, and NaN alone.
        let stable = |values: &[f64]| {
            let mut want: Vec<u32> = (0..values.len() as u32).collect();
            want.sort_by_key(|&i| sort_key(values[i as usize]));
            want
        };
        let ulps = |base: f64, k: u64| f64::from_bits(base.to_bits() + k);
        let columns: Vec<Vec<f64>> = vec![
            (0..5000)
                .map(|_| ulps(1.0, rng.random_range(0..300u64)))
                .collect(),
            (0..5000)
                .map(|_| ulps(1.0, rng.random_range(0..1u64 << 33)))
                .collect(),
            (0..100_000)
                .map(|_| ulps(3.0, rng.random_range(0..1u64 << 33)))
                .collect(),
            (0..5000)
                .map(|i| {
                    if i % 7 == 0 {
                        f64::NAN
                    } else {
                        f64::from(i % 13)
                    }
                })
                .collect(),
            vec![f64::NAN; 40],
        ];
        for column in &columns {
            assert_eq!(sorting_order(column), stable(column), "{:?}", &column[..3]);
        }
    }

    #[test]
    fn centred_dot_is_the_exact_integer_sum() {
        let plain = |a: &[u32], b: &[u32]| -> i128 {
            let centre = a.len() as i64 + 1;
            a.iter()
                .zip(b)
                .map(|(&x, &y)| i128::from((i64::from(x) - centre) * (i64::from(y) - centre)))
                .sum()
        };
        let mut rng = crate::test_rng::XorShift(7);
        for n in [0usize, 1, 5, 8, 9, 4095, 4096, 4097, 10_001] {
            let a: Vec<u32> = (0..n)
                .map(|_| 2 + (rng.next_u64() % (2 * n as u64).max(1)) as u32)
                .collect();
            let b: Vec<u32> = (0..n)
                .map(|_| 2 + (rng.next_u64() % (2 * n as u64).max(1)) as u32)
                .collect();
            assert_eq!(centred_dot(&a, &b), plain(&a, &b), "n = {n}");
            assert_eq!(centred_square_sum(&a), plain(&a, &a), "n = {n}");
        }
        // Every product as large as it can be: the square sum's running
        // sums come close to 2⁶³, and one taking twice the products it may
        // would overflow (the cross products' signs partly cancel).
        let n = 4_300_000;
        let extreme: Vec<u32> = (0..n)
            .map(|i| if i % 3 == 0 { 2 } else { 2 * n as u32 })
            .collect();
        let other: Vec<u32> = (0..n)
            .map(|i| if i % 2 == 0 { 2 } else { 2 * n as u32 })
            .collect();
        assert_eq!(centred_dot(&extreme, &other), plain(&extreme, &other));
        assert_eq!(centred_square_sum(&extreme), plain(&extreme, &extreme));
    }

    #[test]
    fn spearman_known_values() {
        let mut r = Ranker::default();
        let a = r.rank(&[1.0, 2.0, 3.0, 4.0, 5.0], 1, 0);
        let b = r.rank(&[10.0, 20.0, 30.0, 40.0, 50.0], 1, 0);
        let c = r.rank(&[5.0, 4.0, 3.0, 2.0, 1.0], 1, 0);
        assert_eq!(spearman(&a, &b), 1.0);
        assert_eq!(spearman(&a, &c), -1.0);
        // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]) = 0.8207826816681233
        let d = r.rank(&[5.0, 6.0, 7.0, 8.0, 7.0], 1, 0);
        assert!((spearman(&a, &d) - 0.8207826816681233).abs() < 1e-15);
        let flat = r.rank(&[2.0; 5], 1, 0);
        assert!(spearman(&a, &flat).is_nan());
    }

    #[test]
    fn blocked_dots_are_each_pairs_dot() {
        // Columns of doubled ranks (ties included), lengths around the
        // block size and not a multiple of it, every pair and the squares.
        let mut rng = crate::test_rng::XorShift(0xDEAD_BEEF);
        for n in [0, 1, 7, DOT_BLOCK - 1, DOT_BLOCK + 1, 3 * DOT_BLOCK + 17] {
            let columns: Vec<Vec<u32>> = (0..5)
                .map(|c| {
                    let values: Vec<f64> = (0..n)
                        .map(|_| (rng.unit() * if c == 2 { 5.0 } else { 1e6 }).floor())
                        .collect();
                    Ranker::default().rank(&values, 1, 0)
                })
                .collect();
            let refs: Vec<&[u32]> = columns.iter().map(Vec::as_slice).collect();
            let pairs: Vec<(usize, usize)> =
                (0..5).flat_map(|i| (0..5).map(move |j| (i, j))).collect();
            let sums = centred_dots(&refs, &pairs);
            for (&(i, j), &sum) in pairs.iter().zip(&sums) {
                assert_eq!(
                    sum,
                    centred_dot(&columns[i], &columns[j]),
                    "{n} rows, ({i}, {j})"
                );
            }
        }
    }
}
