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
