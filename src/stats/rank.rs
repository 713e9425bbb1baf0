//! Sorting a column once gives both its exact percentiles (the sorted
//! values) and its ranks (for Spearman correlations). Censored values (NaN)
//! sort above everything; ties share their average rank.

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
    keys: Vec<u64>,
    order: Vec<u32>,
    spare_keys: Vec<u64>,
    spare_order: Vec<u32>,
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
        self.keys.clear();
        self.keys.extend(self.column.iter().map(|&x| sort_key(x)));
        self.radix_order();
        self.sorted.clear();
        self.sorted
            .extend(self.order.iter().map(|&i| self.column[i as usize]));
        let n = self.column.len();
        let mut doubled_ranks = vec![0u32; n];
        let mut start = 0;
        while start < n {
            let mut end = start;
            while end + 1 < n && self.keys[end + 1] == self.keys[start] {
                end += 1;
            }
            // Average 1-based rank of positions start..=end, doubled.
            let doubled = (start + end + 2) as u32;
            for &i in &self.order[start..=end] {
                doubled_ranks[i as usize] = doubled;
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

    /// Sorts `keys` ascending (stably), carrying row indices in `order`.
    fn radix_order(&mut self) {
        let n = self.keys.len();
        self.order.clear();
        self.order.extend(0..n as u32);
        self.spare_keys.resize(n, 0);
        self.spare_order.resize(n, 0);
        msd_sort(
            &mut self.keys,
            &mut self.order,
            &mut self.spare_keys,
            &mut self.spare_order,
            DIGITS,
        );
    }
}

/// The indices that sort `values` ascending, ties in index order (NaN
/// last): the radix sort of [`Ranker`] on its own.
pub fn sorting_order(values: &[f64]) -> Vec<u32> {
    let mut ranker = Ranker::default();
    ranker.keys.extend(values.iter().map(|&x| sort_key(x)));
    ranker.radix_order();
    ranker.order
}

/// 8-bit digits in a key.
const DIGITS: usize = 8;
/// Largest slice sorted by LSD passes: its keys, indices and spare buffers
/// (12 bytes each, twice) fit in a 2 MB L2 cache.
const CACHED: usize = 1 << 16;

/// Counts of every digit below `top`, in one pass.
fn digit_counts(keys: &[u64], top: usize) -> [[u32; 256]; DIGITS] {
    let mut counts = [[0u32; 256]; DIGITS];
    for &k in keys {
        for (d, c) in counts.iter_mut().enumerate().take(top) {
            c[((k >> (8 * d)) & 0xff) as usize] += 1;
        }
    }
    counts
}

/// Moves `keys` (and their `order`) into `to_keys`/`to_order` grouped by
/// digit `d`, keeping the order within each group (stable). `counts` are
/// that digit's counts; returns each group's start.
fn scatter(
    keys: &[u64],
    order: &[u32],
    to_keys: &mut [u64],
    to_order: &mut [u32],
    d: usize,
    counts: &[u32; 256],
) -> [usize; 256] {
    let mut starts = [0usize; 256];
    let mut acc = 0;
    for (s, &c) in starts.iter_mut().zip(counts) {
        *s = acc;
        acc += c as usize;
    }
    let mut next = starts;
    for (&k, &i) in keys.iter().zip(order) {
        let digit = ((k >> (8 * d)) & 0xff) as usize;
        to_keys[next[digit]] = k;
        to_order[next[digit]] = i;
        next[digit] += 1;
    }
    starts
}

/// Stable sort of `keys` (carrying `order`) on digits below `top`: a
/// most-significant-digit pass splits a large slice into groups that fit in
/// cache, each then sorted by [`lsd_sort`] (or split again) while it is
/// still cached. The `spare` buffers are scratch space of the same length.
fn msd_sort(
    keys: &mut [u64],
    order: &mut [u32],
    spare_keys: &mut [u64],
    spare_order: &mut [u32],
    top: usize,
) {
    let n = keys.len();
    if n <= CACHED {
        return lsd_sort(keys, order, spare_keys, spare_order, top);
    }
    let counts = digit_counts(keys, top);
    // The highest digit that differs between keys; none = all equal.
    let Some(d) = (0..top).rev().find(|&d| !counts[d].contains(&(n as u32))) else {
        return;
    };
    let starts = scatter(keys, order, spare_keys, spare_order, d, &counts[d]);
    for (&start, &count) in starts.iter().zip(&counts[d]) {
        let range = start..start + count as usize;
        if count > 1 {
            msd_sort(
                &mut spare_keys[range.clone()],
                &mut spare_order[range.clone()],
                &mut keys[range.clone()],
                &mut order[range.clone()],
                d,
            );
        }
        keys[range.clone()].copy_from_slice(&spare_keys[range.clone()]);
        order[range.clone()].copy_from_slice(&spare_order[range]);
    }
}

/// Stable least-significant-digit radix sort on digits below `top`;
/// digits that are the same for every key are skipped.
fn lsd_sort(
    keys: &mut [u64],
    order: &mut [u32],
    spare_keys: &mut [u64],
    spare_order: &mut [u32],
    top: usize,
) {
    let n = keys.len() as u32;
    let counts = digit_counts(keys, top);
    let mut in_spare = false;
    for (d, c) in counts.iter().enumerate().take(top) {
        if c.contains(&n) {
            continue;
        }
        if in_spare {
            scatter(spare_keys, spare_order, keys, order, d, c);
        } else {
            scatter(keys, order, spare_keys, spare_order, d, c);
        }
        in_spare = !in_spare;
    }
    if in_spare {
        keys.copy_from_slice(spare_keys);
        order.copy_from_slice(spare_order);
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
/// most n in size, and each product at most n². While 520·n² ≤ 2⁵³ the
/// products are summed in doubles, eight running sums of at most 520
/// products each (512 per block, plus the tail in the first), every one an
/// integer below 2⁵³ and so exact; each block's
/// sums then go into an `i128`. Exact arithmetic makes the order
/// irrelevant: the result is the plain `i128` sum's, just faster (the
/// compiler keeps the eight sums in vector registers). Larger n take the
/// plain sum.
pub fn centred_dot(a: &[u32], b: &[u32]) -> i128 {
    const LANES: usize = 8;
    const BLOCK: usize = 512 * LANES;
    let n = a.len().min(b.len());
    let centre = n as i64 + 1;
    let per_sum = (BLOCK / LANES + LANES) as f64;
    if per_sum * (n as f64) * (n as f64) > (1u64 << 53) as f64 {
        return a
            .iter()
            .zip(b)
            .map(|(&x, &y)| i128::from((i64::from(x) - centre) * (i64::from(y) - centre)))
            .sum();
    }
    let c = centre as f64;
    let mut total = 0i128;
    for (a, b) in a[..n].chunks(BLOCK).zip(b[..n].chunks(BLOCK)) {
        let mut sums = [0.0f64; LANES];
        let (mut qa, mut qb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
        for (x, y) in (&mut qa).zip(&mut qb) {
            for k in 0..LANES {
                sums[k] += (f64::from(x[k]) - c) * (f64::from(y[k]) - c);
            }
        }
        for (&x, &y) in qa.remainder().iter().zip(qb.remainder()) {
            sums[0] += (f64::from(x) - c) * (f64::from(y) - c);
        }
        total += sums.iter().map(|&s| s as i128).sum::<i128>();
    }
    total
}

/// Spearman correlation from doubled ranks and their centred square sums:
/// the Pearson correlation of the ranks, computed in exact integer
/// arithmetic (so it is the same whatever the thread count). NaN when
/// either column is constant.
pub fn spearman_with(a: &[u32], b: &[u32], aa: i128, bb: i128) -> f64 {
    if aa == 0 || bb == 0 {
        return f64::NAN;
    }
    centred_dot(a, b) as f64 / (aa as f64 * bb as f64).sqrt()
}

/// Spearman correlation of two columns of doubled ranks.
pub fn spearman(a: &[u32], b: &[u32]) -> f64 {
    spearman_with(a, b, centred_square_sum(a), centred_square_sum(b))
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
        let mut r = Ranker {
            keys: keys.clone(),
            ..Ranker::default()
        };
        r.radix_order();
        assert_eq!(r.order, want);
        let mut empty = Ranker::default();
        empty.radix_order();
        assert!(empty.order.is_empty());
        let mut same = Ranker {
            keys: vec![7, 7, 7],
            ..Ranker::default()
        };
        same.radix_order();
        assert_eq!(same.order, vec![0, 1, 2]);
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
        // Near the largest column summed in doubles, every product as large
        // as it can be.
        let n = 4_160_000;
        let extreme: Vec<u32> = (0..n)
            .map(|i| if i % 3 == 0 { 2 } else { 2 * n as u32 })
            .collect();
        let other: Vec<u32> = (0..n)
            .map(|i| if i % 2 == 0 { 2 } else { 2 * n as u32 })
            .collect();
        assert_eq!(centred_dot(&extreme, &other), plain(&extreme, &other));
        assert_eq!(centred_square_sum(&extreme), plain(&extreme, &extreme));
        // Above the limit the plain sum is used: 512 such products in one
        // double would pass 2⁵³ and round.
        let n = 4_300_000;
        let big: Vec<u32> = (0..n)
            .map(|i| if i % 3 == 0 { 2 } else { 2 * n as u32 })
            .collect();
        assert_eq!(centred_square_sum(&big), plain(&big, &big));
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
}
