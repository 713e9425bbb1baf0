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

/// A column sorted, with every row's rank.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedColumn {
    /// The values ascending, NaN last.
    pub sorted: Vec<f64>,
    /// Twice each row's average rank (1-based), so ties stay integers.
    pub doubled_ranks: Vec<u32>,
}

/// Row indices of `keys` in ascending key order (stable), by an LSD radix
/// sort over 8-bit digits. One pass counts every digit; digits that are
/// the same for all keys (the sign and top exponent bits usually are) are
/// skipped.
pub fn radix_order(keys: &[u64]) -> Vec<u32> {
    let n = keys.len();
    let mut counts = vec![[0usize; 256]; 8];
    for &k in keys {
        for (d, c) in counts.iter_mut().enumerate() {
            c[((k >> (8 * d)) & 0xff) as usize] += 1;
        }
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut sorted_keys = keys.to_vec();
    let (mut next_order, mut next_keys) = (vec![0u32; n], vec![0u64; n]);
    for (d, c) in counts.iter().enumerate() {
        if c.contains(&n) {
            continue;
        }
        let mut start = [0usize; 256];
        let mut acc = 0;
        for (s, &x) in start.iter_mut().zip(c) {
            *s = acc;
            acc += x;
        }
        for (&k, &i) in sorted_keys.iter().zip(&order) {
            let digit = ((k >> (8 * d)) & 0xff) as usize;
            next_keys[start[digit]] = k;
            next_order[start[digit]] = i;
            start[digit] += 1;
        }
        std::mem::swap(&mut sorted_keys, &mut next_keys);
        std::mem::swap(&mut order, &mut next_order);
    }
    order
}

/// Sorts a column and ranks its rows.
pub fn rank_column(column: &[f64]) -> RankedColumn {
    let n = column.len();
    let keys: Vec<u64> = column.iter().map(|&x| sort_key(x)).collect();
    let order = radix_order(&keys);
    let sorted = order.iter().map(|&i| column[i as usize]).collect();
    let mut doubled_ranks = vec![0u32; n];
    let mut start = 0;
    while start < n {
        let key = keys[order[start] as usize];
        let mut end = start;
        while end + 1 < n && keys[order[end + 1] as usize] == key {
            end += 1;
        }
        // Average 1-based rank of positions start..=end, doubled.
        let doubled = (start + end + 2) as u32;
        for &i in &order[start..=end] {
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
    fn radix_order_sorts_like_a_stable_sort() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(11);
        let mut values: Vec<f64> = (0..50_000)
            .map(|_| (rng.random::<f64>() - 0.3) * 1e12)
            .collect();
        values.extend([0.0, -0.0, f64::NAN, 1e-300, -1e300, 5.0, 5.0, 5.0]);
        let keys: Vec<u64> = values.iter().map(|&x| sort_key(x)).collect();
        let mut want: Vec<u32> = (0..keys.len() as u32).collect();
        want.sort_by_key(|&i| keys[i as usize]);
        assert_eq!(radix_order(&keys), want);
        assert_eq!(radix_order(&[]), Vec::<u32>::new());
        assert_eq!(radix_order(&[7, 7, 7]), vec![0, 1, 2]);
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
