//! The sketch against exact percentiles, and its merging rules.

use super::super::quantile::{percentile_sorted, position, PERCENTILES};
use super::*;
use rand::{RngExt, SeedableRng};

fn sketch_of(xs: &[f64]) -> Sketch {
    let mut s = Sketch::default();
    for chunk in xs.chunks(64) {
        s.add_all(chunk);
    }
    s
}

/// Each sketch percentile is within RELATIVE_ERROR of the two exact order
/// statistics it interpolates between.
fn check_against_exact(xs: &[f64]) {
    let sketch = sketch_of(xs);
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    for (&p, &got) in PERCENTILES.iter().zip(&sketch.percentiles(&PERCENTILES)) {
        let want = percentile_sorted(&sorted, p);
        let (lo, _) = position(sorted.len() as u64, p);
        let scale = sorted[lo as usize]
            .abs()
            .max(sorted[(lo as usize + 1).min(sorted.len() - 1)].abs());
        assert!(
            (got - want).abs() <= RELATIVE_ERROR * scale,
            "P{}: sketch {got} vs exact {want}",
            p * 100.0
        );
    }
}

#[test]
fn within_relative_error_of_exact_percentiles() {
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(3);
    let lognormal: Vec<f64> = (0..20_000)
        .map(|_| (rng.random::<f64>() * 8.0).exp() * 1e9)
        .collect();
    check_against_exact(&lognormal);
    let mixed: Vec<f64> = (0..20_000)
        .map(|_| (rng.random::<f64>() - 0.4) * 3e11)
        .collect();
    check_against_exact(&mixed);
    let with_zeros: Vec<f64> = (0..5000)
        .map(|i| if i % 3 == 0 { 0.0 } else { f64::from(i) * 1e7 })
        .collect();
    check_against_exact(&with_zeros);
    let small: Vec<f64> = (0..7).map(|i| f64::from(i) * 0.37 + 0.01).collect();
    check_against_exact(&small);
}

#[test]
fn equal_values_and_zeros_are_exact() {
    let s = sketch_of(&[1.234_567e12; 1000]);
    assert!(s
        .percentiles(&PERCENTILES)
        .iter()
        .all(|&v| v == 1.234_567e12));
    let z = sketch_of(&[0.0, 0.0, 0.0, 5.0]);
    assert_eq!(z.percentiles(&[0.5])[0], 0.0);
    assert_eq!(z.percentiles(&[1.0])[0], 5.0);
    let negative = sketch_of(&[-3.5e9; 10]);
    assert_eq!(negative.percentiles(&[0.05, 0.95]), vec![-3.5e9, -3.5e9]);
}

#[test]
fn ties_at_the_extremes_are_exact() {
    // 60% of paths still at the initial 2 GW, 30% at the 30 GW target.
    let mut xs = vec![2.0; 600];
    xs.extend((0..100).map(|i| 2.5 + f64::from(i) * 0.27));
    xs.extend(vec![30.0; 300]);
    let p = sketch_of(&xs).percentiles(&PERCENTILES);
    assert_eq!(
        &p[..4],
        &[2.0, 2.0, 2.0, 2.0],
        "P5..P50 exactly the initial capacity"
    );
    assert_eq!(&p[5..], &[30.0, 30.0], "P90, P95 exactly the target");
    let mut single = Sketch::default();
    for &x in &xs {
        single.add(x);
    }
    assert_eq!(single.percentiles(&PERCENTILES), p);
}

#[test]
fn byte_counters_that_wrap_merge_to_the_exact_counts() {
    // 1,000 equal values (whole slices and one at a time), 700 values in a
    // few buckets, and a spread: counters pass 255 several times.
    let mut xs = vec![30.0; 1000];
    xs.extend((0..700).map(|i| 1e9 * f64::from(1 + i % 3)));
    xs.extend((0..3000).map(|i| f64::from(i).cos() * 1e10));
    let whole = sketch_of(&xs);
    let mut narrow = Sketch::<u8>::default();
    for (k, chunk) in xs.chunks(64).enumerate() {
        if k % 5 == 0 {
            chunk.iter().for_each(|&x| narrow.add(x));
        } else {
            narrow.add_all(chunk);
        }
    }
    let mut merged = Sketch::default();
    merged.absorb(&mut narrow);
    // Every order statistic: the same buckets, counts and extremes.
    let ranks: Vec<u64> = (0..xs.len() as u64).collect();
    assert_eq!(merged.count(), whole.count());
    assert!(merged.values_at_ranks(&ranks) == whole.values_at_ranks(&ranks));
    assert_eq!(narrow.count(), 0);
    // The cleared byte sketch counts afresh.
    narrow.add_all(&[5.0; 300]);
    let mut again = Sketch::default();
    again.absorb(&mut narrow);
    assert_eq!(again.count(), 300);
    assert_eq!(again.percentiles(&[0.05, 0.95]), vec![5.0, 5.0]);
}

#[test]
fn absorbing_is_exact_order_free_and_clears() {
    let xs: Vec<f64> = (0..5000).map(|i| f64::from(i).sin() * 1e10).collect();
    let whole = sketch_of(&xs);
    let (mut a, mut b) = (Sketch::<u16>::default(), Sketch::<u16>::default());
    for chunk in xs[..1234].chunks(64) {
        a.add_all(chunk);
    }
    for chunk in xs[1234..].chunks(64) {
        b.add_all(chunk);
    }
    let mut ab = Sketch::default();
    ab.absorb(&mut a.clone());
    ab.absorb(&mut b.clone());
    let mut ba = Sketch::default();
    ba.absorb(&mut b);
    ba.absorb(&mut a);
    assert_eq!(
        ab.percentiles(&PERCENTILES),
        whole.percentiles(&PERCENTILES)
    );
    assert_eq!(
        ba.percentiles(&PERCENTILES),
        whole.percentiles(&PERCENTILES)
    );
    assert_eq!(a.count(), 0, "absorbed sketches are cleared for reuse");
    assert!(a.heap_bytes() > 0, "and keep their memory");
    a.add_all(&[7.0]);
    let mut again = Sketch::default();
    again.absorb(&mut a);
    assert_eq!(again.percentiles(&[0.5]), vec![7.0]);
}

#[test]
fn slices_of_every_shape_count_like_one_at_a_time() {
    let sets: [Vec<f64>; 5] = [
        (1..200).map(|i| f64::from(i) * 1.7e9).collect(),
        (1..200).map(|i| -f64::from(i) * 3.1e8).collect(),
        (0..200).map(|i| f64::from(i) - 100.0).collect(),
        vec![1.0, f64::NAN, 2.0, f64::INFINITY, 0.0, -4.0],
        vec![0.0, 0.0, 1e-310],
    ];
    for xs in &sets {
        let mut slow = Sketch::default();
        for &x in xs {
            slow.add(x);
        }
        let fast = sketch_of(xs);
        assert_eq!(
            fast.percentiles(&PERCENTILES),
            slow.percentiles(&PERCENTILES),
            "{xs:?}"
        );
        assert_eq!(
            fast.count(),
            xs.iter().filter(|x| x.is_finite()).count() as u64
        );
    }
}

#[test]
fn bucket_width_gives_the_stated_error() {
    assert_eq!(RELATIVE_ERROR, 1.0 / 512.0);
    for x in [1.0, 1.999_999, 3.7e9, 123.456, 0.0071] {
        let m = midpoint(key_of(x));
        assert!(((m - x) / x).abs() <= RELATIVE_ERROR, "{x} -> {m}");
    }
}

#[test]
fn range_and_sum_is_bit_for_bit_the_scalar_reference() {
    // Every length up to 70 (full chunks and tails), with ties, −0/+0,
    // ±∞ and NaN mixed into otherwise random values.
    let mut rng = crate::test_rng::XorShift(0x9E37_79B9_7F4A_7C15);
    let mut next = || rng.next_u64();
    let specials = [0.0, -0.0, 1.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
    for len in 0..70 {
        for round in 0..50 {
            let xs: Vec<f64> = (0..len)
                .map(|_| {
                    let r = next();
                    if round % 5 == 0 && r % 7 == 0 {
                        specials[(r >> 8) as usize % specials.len()]
                    } else {
                        ((r >> 11) as f64 / (1u64 << 53) as f64 - 0.3) * 1e12
                    }
                })
                .collect();
            let (a, b) = (range_and_sum(&xs), range_and_sum_scalar(&xs));
            // Bits, except that every NaN is one: a NaN sum only arises from
            // a non-finite value, and then `finite_only` recomputes the sum
            // from the finite values, so its sign and payload never reach a
            // result.
            let bit = |v: f64| if v.is_nan() { u64::MAX } else { v.to_bits() };
            let bits = |t: (f64, f64, f64)| (bit(t.0), bit(t.1), bit(t.2));
            assert_eq!(bits(a), bits(b), "{xs:?}");
        }
    }
}

/// Everything a sketch holds that a result can depend on: the non-empty
/// buckets of each sign, zeros, count and extremes (not where the counters
/// happen to sit in memory).
/// Feeds `n` rows of eight columns to `grouped` eight at a time and to
/// `single` one column at a time.
fn feed_both(
    grouped: &mut [Sketch<u8>; GROUP],
    single: &mut [Sketch<u8>; GROUP],
    rows: &[f64],
    n: usize,
) {
    Sketch::add_columns(grouped, rows, GROUP, n);
    for (c, sketch) in single.iter_mut().enumerate() {
        let column: Vec<f64> = (0..n).map(|j| rows[j * GROUP + c]).collect();
        sketch.add_all(&column);
    }
}

/// A worker's byte-counter sketch merged into a fresh `u32` one.
fn merged(s: &mut Sketch<u8>) -> Sketch {
    let mut m = Sketch::default();
    m.absorb(s);
    m
}

type Buckets = Vec<(u32, u64)>;

fn contents(s: &Sketch) -> (Buckets, Buckets, u64, u64, Extremes) {
    (
        s.positive.buckets().collect(),
        s.negative.buckets().collect(),
        s.zeros,
        s.count,
        s.extremes,
    )
}

/// Columns of every kind the model can produce, and some it cannot: one
/// sign, both signs with zeros and subnormals, all equal (positive,
/// negative, zero), ties at the extremes, few distinct values (so byte
/// counters wrap), ±∞, NaN and sums that overflow.
fn column_value(kind: usize, row: usize, batch: usize, r: u64) -> f64 {
    let u = (r >> 11) as f64 / (1u64 << 53) as f64;
    match kind % 16 {
        0 => 1e9 * (8.0 * u).exp(),
        1 => -3e8 * (5.0 * u).exp(),
        2 => (u - 0.4) * 3e11,
        3 => 30.0,
        4 => -7.25e10,
        5 => 0.0,
        6 if r.is_multiple_of(3) => 2.0,
        6 => 2.0 + 28.0 * u,
        7 if r.is_multiple_of(4) => 30.0,
        7 => 30.0 * u,
        8 => [0.0, -0.0, 1e-310, -2e-320, 5.0, -5.0][(r % 6) as usize],
        9 => 1e9 * f64::from(1 + (r % 3) as u32),
        10 if row == 17 && batch % 3 == 1 => f64::NAN,
        11 if row == 5 && batch.is_multiple_of(2) => f64::INFINITY,
        12 if row == 9 && batch == 2 => f64::NEG_INFINITY,
        13 => f64::MAX * (0.5 + u),
        14 => (batch as f64 - 3.0) * 1e3 + u,
        _ => u * 1e-300,
    }
}

#[test]
fn eight_columns_at_once_count_like_one_at_a_time() {
    // 24 columns in a row (three groups) of a wider table, batches of
    // every length up to 256 rows and one of zero; each column's kind
    // changes with its group so a group mixes kinds.
    const STRIDE: usize = 29;
    let mut rng = crate::test_rng::XorShift(0x2545_F491_4F6C_DD1D);
    let mut grouped: Vec<Sketch<u8>> = vec![Sketch::default(); 24];
    let mut single: Vec<Sketch<u8>> = vec![Sketch::default(); 24];
    let lengths = [64, 1, 3, 4, 5, 255, 256, 0, 64, 7, 64, 64, 200, 64, 31, 64];
    for (batch, &n) in lengths.iter().enumerate() {
        let mut rows = vec![f64::NAN; n.max(1) * STRIDE];
        for j in 0..n {
            for c in 0..24 {
                rows[j * STRIDE + 2 + c] =
                    column_value(c * 5 + batch / 8, j, batch, rng.next_u64());
            }
        }
        for g in 0..3 {
            let sketches: &mut [Sketch<u8>; GROUP] =
                (&mut grouped[8 * g..8 * g + 8]).try_into().unwrap();
            let sums = Sketch::add_columns(sketches, &rows[2 + 8 * g..], STRIDE, n);
            for c in 0..GROUP {
                let column: Vec<f64> = (0..n).map(|j| rows[j * STRIDE + 2 + 8 * g + c]).collect();
                let want = single[8 * g + c].add_all(&column);
                assert_eq!(
                    sums[c].to_bits(),
                    want.to_bits(),
                    "sum of column {} in batch {batch}: {} against {want}",
                    8 * g + c,
                    sums[c]
                );
            }
        }
    }
    for (c, (a, b)) in grouped.iter_mut().zip(&mut single).enumerate() {
        assert_eq!(contents(&merged(a)), contents(&merged(b)), "column {c}");
    }
}

#[test]
fn byte_counters_wrap_the_same_eight_columns_at_once() {
    // 3,000 values of one bucket per column: eleven wraps each, counted
    // where they happen (not all equal within a batch, so not counted at
    // once), and the extremes' ties across batches.
    let mut grouped: [Sketch<u8>; GROUP] = Default::default();
    let mut single: [Sketch<u8>; GROUP] = Default::default();
    for batch in 0..50 {
        let rows: Vec<f64> = (0..60 * GROUP)
            .map(|i| {
                let (j, c) = (i / GROUP, i % GROUP);
                let sign = if c % 2 == 0 { 1.0 } else { -1.0 };
                sign * (1e9 + if (j + batch) % 7 == 0 { 1.0 } else { 0.0 }) * (c + 1) as f64
            })
            .collect();
        feed_both(&mut grouped, &mut single, &rows, 60);
    }
    for (a, b) in grouped.iter_mut().zip(&mut single) {
        let wraps = a.positive.wraps.len() + a.negative.wraps.len();
        assert!(wraps >= 11, "{wraps} wraps");
        let x = merged(a);
        assert_eq!(contents(&x), contents(&merged(b)));
        assert_eq!(x.count(), 3000);
    }
}

#[test]
fn eight_columns_have_counters_however_their_range_grows() {
    // Each batch reaches one bucket further up and one further down than
    // the last, in each sign, so some batch's extreme key is exactly where
    // a store's counters end (a debug build checks every counter address;
    // a release build compares the counts).
    let at_key = |key: u32| f64::from_bits(u64::from(key) << SHIFT);
    let centre = key_of(1e9);
    let mut grouped: [Sketch<u8>; GROUP] = Default::default();
    let mut single: [Sketch<u8>; GROUP] = Default::default();
    for step in 0..300u32 {
        let rows: Vec<f64> = (0..16 * GROUP)
            .map(|i| {
                let (j, c) = (i / GROUP, i % GROUP);
                let key = match j % 3 {
                    0 => centre + step,
                    1 => centre - step,
                    _ => centre,
                };
                let sign = match c % 3 {
                    0 => 1.0,
                    1 => -1.0,
                    _ if j % 2 == 0 => 1.0,
                    _ => -1.0,
                };
                sign * at_key(key)
            })
            .collect();
        feed_both(&mut grouped, &mut single, &rows, 16);
    }
    for (a, b) in grouped.iter_mut().zip(&mut single) {
        assert_eq!(contents(&merged(a)), contents(&merged(b)));
    }
}
