//! Sorting a column once gives both its exact percentiles (the sorted
//! values) and its ranks (for Spearman correlations). Censored values (NaN)
//! sort above everything; ties share their average rank.

use rayon::slice::ParallelSliceMut;

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

/// A column sorted, with every row's rank.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedColumn {
    /// The values ascending, NaN last.
    pub sorted: Vec<f64>,
    /// Twice each row's average rank (1-based), so ties stay integers.
    pub doubled_ranks: Vec<u32>,
}

/// Sorts a column and ranks its rows.
pub fn rank_column(column: &[f64]) -> RankedColumn {
    let n = column.len();
    let mut order: Vec<(u64, u32)> = column
        .iter()
        .enumerate()
        .map(|(i, &x)| (sort_key(x), i as u32))
        .collect();
    order.par_sort_unstable();
    let sorted = order.iter().map(|&(_, i)| column[i as usize]).collect();
    let mut doubled_ranks = vec![0u32; n];
    let mut start = 0;
    while start < n {
        let key = order[start].0;
        let mut end = start;
        while end + 1 < n && order[end + 1].0 == key {
            end += 1;
        }
        // Average 1-based rank of positions start..=end, doubled.
        let doubled = (start + end + 2) as u32;
        for &(_, i) in &order[start..=end] {
            doubled_ranks[i as usize] = doubled;
        }
        start = end + 1;
    }
    RankedColumn {
        sorted,
        doubled_ranks,
    }
}

/// Spearman correlation from doubled ranks: the Pearson correlation of the
/// ranks, computed in exact integer arithmetic (so it is the same whatever
/// the thread count). NaN when either column is constant.
pub fn spearman(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len() as i64;
    let centre = n + 1;
    let (mut ab, mut aa, mut bb) = (0i128, 0i128, 0i128);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (i64::from(x) - centre, i64::from(y) - centre);
        ab += i128::from(x * y);
        aa += i128::from(x * x);
        bb += i128::from(y * y);
    }
    if aa == 0 || bb == 0 {
        return f64::NAN;
    }
    ab as f64 / (aa as f64 * bb as f64).sqrt()
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
    fn average_ranks_for_ties_and_censored_on_top() {
        let r = rank_column(&[3.0, f64::NAN, 1.0, 3.0, f64::NAN]);
        // Sorted: 1, 3, 3, NaN, NaN → ranks 1, 2.5, 2.5, 4.5, 4.5.
        assert_eq!(r.doubled_ranks, vec![5, 9, 2, 5, 9]);
        assert_eq!(&r.sorted[..3], &[1.0, 3.0, 3.0]);
        assert!(r.sorted[3].is_nan());
    }

    #[test]
    fn spearman_known_values() {
        let a = rank_column(&[1.0, 2.0, 3.0, 4.0, 5.0]).doubled_ranks;
        let b = rank_column(&[10.0, 20.0, 30.0, 40.0, 50.0]).doubled_ranks;
        let c = rank_column(&[5.0, 4.0, 3.0, 2.0, 1.0]).doubled_ranks;
        assert_eq!(spearman(&a, &b), 1.0);
        assert_eq!(spearman(&a, &c), -1.0);
        // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]) = 0.8207826816681233
        let d = rank_column(&[5.0, 6.0, 7.0, 8.0, 7.0]).doubled_ranks;
        assert!((spearman(&a, &d) - 0.8207826816681233).abs() < 1e-15);
        let flat = rank_column(&[2.0; 5]).doubled_ranks;
        assert!(spearman(&a, &flat).is_nan());
    }
}
