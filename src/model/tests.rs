//! Each equation of SPEC §4 checked on cases worked out by hand.

use super::*;
use crate::scenario::keys::INPUTS;

/// Default inputs (SPEC §3.3) with changes; optional inputs absent.
fn inputs(changes: &[(InputId, f64)]) -> [f64; N_INPUTS] {
    let mut x = [f64::INFINITY; N_INPUTS];
    for d in &INPUTS {
        if let Some(v) = d.default {
            x[d.id as usize] = v;
        }
    }
    for &(id, v) in changes {
        x[id as usize] = v;
    }
    x
}

fn shape(months: usize) -> ModelShape {
    ModelShape {
        months,
        has_half_life: false,
        has_cap: false,
        has_capacity_limit: false,
    }
}

fn run(x: &[f64; N_INPUTS], shape: ModelShape) -> (PathMetrics, Vec<[f64; N_SERIES]>) {
    let mut sink = KeepSeries::default();
    let shocks = vec![0.0; shape.months];
    let m = run_path(
        x,
        &shape,
        &shocks,
        &mut Scratch::new(shape.months),
        &mut sink,
    );
    (m, sink.0)
}

fn metric(m: &PathMetrics, which: Metric) -> f64 {
    m[which as usize]
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

const W: f64 = 365.25 / 84.0;

#[test]
fn thirty_gw_at_one_gw_per_week_reaches_target_at_month_6_for_exactly_the_commitment() {
    let x = inputs(&[(InputId::PerGwUsd, 1.4e12 / 30.0)]);
    let (m, series) = run(&x, shape(120));
    // 6 full months give 6·W = 26.09 GW; month 6 starts the remaining 3.91 GW.
    assert_eq!(metric(&m, Metric::TargetMonth), 6.0);
    assert!(close(metric(&m, Metric::CapexAtTargetUsd), 1.4e12, 1e-12));
    assert!(close(series[5][0], 6.0 * W, 1e-14));
    assert!(close(series[6][0], 30.0, 1e-14));
    assert_eq!(metric(&m, Metric::CapacityEndGw), series[119][0]);
}

#[test]
fn lag_delays_capacity_but_not_facility_spend() {
    let k = 1.4e12 / 30.0;
    let x = inputs(&[(InputId::PerGwUsd, k), (InputId::LagMonths, 3.4)]);
    let (m, series) = run(&x, shape(24));
    assert_eq!(metric(&m, Metric::TargetMonth), 9.0, "lag 3.4 rounds to 3");
    assert_eq!(series[2][0], 0.0);
    assert!(close(series[3][0], W, 1e-14));
    // Months 0–2: only the facility share (1 − 0.6) of the started GW.
    assert!(close(series[2][1], 3.0 * W * k * 0.4, 1e-14));
    assert!(close(metric(&m, Metric::CapexAtTargetUsd), 1.4e12, 1e-12));
    let x = inputs(&[(InputId::LagMonths, 2.5)]);
    assert_eq!(
        metric(&run(&x, shape(24)).0, Metric::TargetMonth),
        9.0,
        "2.5 rounds half up to 3"
    );
}

#[test]
fn start_delay_and_ramp() {
    let x = inputs(&[(InputId::StartDelayMonths, 2.0)]);
    let (m, series) = run(&x, shape(24));
    assert_eq!(series[1][1], 0.0);
    assert_eq!(metric(&m, Metric::TargetMonth), 8.0);
    // Ramp 4: pace W/4, W/2, 3W/4, W, ...; cumulative 2.5W after k=3, +W a
    // month; 30 GW = 6.9 W is passed at k = 8.
    let x = inputs(&[(InputId::RampMonths, 4.0)]);
    let (m, series) = run(&x, shape(24));
    assert!(close(series[0][0], W / 4.0, 1e-14));
    assert!(close(series[2][0], 1.5 * W, 1e-14));
    assert_eq!(metric(&m, Metric::TargetMonth), 8.0);
    // A delay past the horizon means nothing is built.
    let (m, _) = run(&inputs(&[(InputId::StartDelayMonths, 500.0)]), shape(24));
    assert!(metric(&m, Metric::TargetMonth).is_nan());
    assert!(metric(&m, Metric::CapexAtTargetUsd).is_nan());
    assert_eq!(metric(&m, Metric::CapexTotalUsd), 0.0);
}

#[test]
fn hardware_is_refreshed_every_life_at_the_declining_cost() {
    let (k0, h, d) = (10e9, 0.6, 0.1);
    // 1 GW, all started and online in month 0; life 1 year → LH = 12.
    let x = inputs(&[
        (InputId::TargetGw, 1.0),
        (InputId::PerGwUsd, k0),
        (InputId::HardwareLifeYears, 1.0),
        (InputId::AnnualDecline, d),
        (InputId::HardwareShare, h),
    ]);
    let (m, series) = run(&x, shape(36));
    let monthly = |i: usize| series[i][1] - if i == 0 { 0.0 } else { series[i - 1][1] };
    assert!(close(monthly(0), k0, 1e-15));
    assert_eq!(monthly(11), 0.0);
    assert!(
        close(monthly(12), k0 * h * (1.0 - d), 1e-13),
        "K(12) = K0 (1-d)"
    );
    assert!(close(monthly(24), k0 * h * (1.0 - d) * (1.0 - d), 1e-13));
    assert!(close(
        metric(&m, Metric::CapexTotalUsd),
        k0 + k0 * h * ((1.0 - d) + (1.0 - d).powi(2)),
        1e-13
    ));
    // Life 4.96 years = 59.52 months rounds to 60; hardware life < 1 month is 1.
    let x = inputs(&[(InputId::TargetGw, 1.0), (InputId::HardwareLifeYears, 4.96)]);
    let (_, s) = run(&x, shape(61));
    assert!(s[60][1] > s[59][1] && s[59][1] == s[1][1]);
    let x = inputs(&[
        (InputId::TargetGw, 1.0),
        (InputId::HardwareLifeYears, 0.01),
        (InputId::HardwareShare, 1.0),
        (InputId::PerGwUsd, 1.0),
    ]);
    assert_eq!(
        metric(&run(&x, shape(5)).0, Metric::CapexTotalUsd),
        5.0,
        "refreshed every month"
    );
}

#[test]
fn operating_cost() {
    let x = inputs(&[
        (InputId::InitialGw, 2.0),
        (InputId::TargetGw, 2.0),
        (InputId::Utilization, 0.5),
        (InputId::PowerPriceUsdPerMwh, 100.0),
        (InputId::FixedOpexPerGwYearUsd, 1.2e9),
    ]);
    let (m, _) = run(&x, shape(12));
    // 2 GW × 0.5 × 730.5 h × 1000 MW/GW × $100 + 2 × $1.2B / 12.
    let monthly = 2.0 * 0.5 * 730.5 * 1000.0 * 100.0 + 2.0 * 1.2e9 / 12.0;
    assert!(close(
        metric(&m, Metric::OpexTotalUsd),
        12.0 * monthly,
        1e-14
    ));
    assert_eq!(
        metric(&m, Metric::TargetMonth),
        0.0,
        "initial capacity already meets the target"
    );
    assert_eq!(
        metric(&m, Metric::CapexTotalUsd),
        0.0,
        "initial capacity is sunk"
    );
}

#[test]
fn revenue_growth_half_life_cap_and_capacity_limit() {
    // Plain growth: Rd(12) = Rd(0) (1 + g).
    let x = inputs(&[(InputId::Growth, 1.0), (InputId::InitialRunRateUsd, 20e9)]);
    let (_, s) = run(&x, shape(13));
    assert!(close(s[12][3], 40e9, 1e-13));
    // Half-life 1 year: g(12) = 0.5, so Rd(13)/Rd(12) = 1.5^(1/12).
    let x = inputs(&[(InputId::GrowthHalfLifeYears, 1.0)]);
    let (_, s) = run(
        &x,
        ModelShape {
            has_half_life: true,
            ..shape(14)
        },
    );
    assert!(close(s[13][3] / s[12][3], 1.5f64.powf(1.0 / 12.0), 1e-14));
    assert!(close(s[1][3] / s[0][3], 2f64.powf(1.0 / 12.0), 1e-14));
    // Cap 40B with Rd(0) = 20B: g(0) = 1 × (1 − 20/40) = 0.5.
    let x = inputs(&[(InputId::CapUsd, 40e9)]);
    let (_, s) = run(
        &x,
        ModelShape {
            has_cap: true,
            ..shape(3)
        },
    );
    let rd1 = 20e9 * 1.5f64.powf(1.0 / 12.0);
    assert!(close(s[1][3], rd1, 1e-14));
    assert!(close(
        s[2][3],
        rd1 * (2.0 - rd1 / 40e9).powf(1.0 / 12.0),
        1e-14
    ));
    // Capacity limit: 1 GW online serves at most $10B/yr of the $20B demand.
    let x = inputs(&[
        (InputId::InitialGw, 1.0),
        (InputId::TargetGw, 1.0),
        (InputId::Growth, 0.0),
        (InputId::PerGwYearUsd, 10e9),
    ]);
    let (m, _) = run(
        &x,
        ModelShape {
            has_capacity_limit: true,
            ..shape(12)
        },
    );
    assert!(close(metric(&m, Metric::RevenueTotalUsd), 10e9, 1e-14));
    assert!(close(metric(&m, Metric::RevenueRunRateEndUsd), 10e9, 1e-15));
    assert!(close(
        metric(&m, Metric::CommitmentCoverage),
        10e9 / 1.4e12,
        1e-14
    ));
}

#[test]
fn volatility_shocks_enter_once_per_month_with_drift_correction() {
    let sigma = 0.25;
    let x = inputs(&[(InputId::Volatility, sigma), (InputId::Growth, 0.0)]);
    let shocks = [1.5, -0.5];
    let mut sink = KeepSeries::default();
    run_path(&x, &shape(3), &shocks, &mut Scratch::new(3), &mut sink);
    let step = |z: f64| (sigma / 12f64.sqrt() * z - sigma * sigma / 24.0).exp();
    assert!(close(sink.0[1][3], 20e9 * step(1.5), 1e-14));
    assert!(close(sink.0[2][3], 20e9 * step(1.5) * step(-0.5), 1e-14));
}

#[test]
fn breakeven_peak_funding_and_npv() {
    // 1 GW built in month 0 for $12B (no hardware, no opex); $24B/yr revenue.
    let base = [
        (InputId::TargetGw, 1.0),
        (InputId::PerGwUsd, 12e9),
        (InputId::HardwareShare, 0.0),
        (InputId::PowerPriceUsdPerMwh, 0.0),
        (InputId::Growth, 0.0),
        (InputId::InitialRunRateUsd, 24e9),
    ];
    let (m, s) = run(&inputs(&base), shape(12));
    // Cash(m) = −12B + 2B (m + 1): minimum −10B at m = 0, back to 0 at m = 5.
    assert!(close(s[0][5], -10e9, 1e-15));
    assert_eq!(metric(&m, Metric::BreakevenMonth), 5.0);
    assert!(close(metric(&m, Metric::PeakFundingNeedUsd), 10e9, 1e-15));
    let npv: f64 = (0..12)
        .map(|i| if i == 0 { -10e9 } else { 2e9 } * 1.1f64.powf(-(f64::from(i) + 1.0) / 12.0))
        .sum();
    assert!(close(metric(&m, Metric::NpvUsd), npv, 1e-13));

    // 2 GW, one a month: the minimum (−20B) is at m = 1, breakeven at 11.
    let mut two = base.to_vec();
    two.extend([(InputId::TargetGw, 2.0), (InputId::RateGwPerWeek, 1.0 / W)]);
    let (m, _) = run(&inputs(&two), shape(24));
    assert!(close(metric(&m, Metric::PeakFundingNeedUsd), 20e9, 1e-14));
    assert_eq!(metric(&m, Metric::BreakevenMonth), 11.0);
    let (m, _) = run(&inputs(&two), shape(11));
    assert!(
        metric(&m, Metric::BreakevenMonth).is_nan(),
        "censored within 11 months"
    );

    // Enough cash never to go negative: breakeven 0, no funding need.
    let mut rich = base.to_vec();
    rich.push((InputId::InitialCashUsd, 50e9));
    let (m, _) = run(&inputs(&rich), shape(12));
    assert_eq!(metric(&m, Metric::BreakevenMonth), 0.0);
    assert_eq!(metric(&m, Metric::PeakFundingNeedUsd), 0.0);
}

#[test]
fn margin_scales_revenue_in_cash_and_coverage() {
    let x = inputs(&[
        (InputId::TargetGw, 1.0),
        (InputId::InitialGw, 1.0),
        (InputId::Growth, 0.0),
        (InputId::Margin, 0.7),
        (InputId::PowerPriceUsdPerMwh, 0.0),
    ]);
    let (m, s) = run(&x, shape(12));
    assert!(close(s[11][5], 0.7 * 20e9, 1e-14));
    assert!(close(
        metric(&m, Metric::CommitmentCoverage),
        0.7 * 20e9 / 1.4e12,
        1e-14
    ));
}

/// Sixteen paths' demand, as varied as the model meets and beyond:
/// growth from −90% to +300%, caps reached and not, half-lives, paths with
/// and without volatility, shocks large enough to overflow `exp`.
fn varied_demand_paths() -> (Vec<[f64; N_INPUTS]>, Vec<Vec<f64>>, ModelShape) {
    let months = 120;
    let mut rng = crate::test_rng::XorShift(0x2545_f491_4f6c_dd1d);
    let mut unit = || rng.unit();
    let mut xs = Vec::new();
    let mut shocks = Vec::new();
    for l in 0..16 {
        let sigma = match l % 4 {
            0 => 0.0,
            1 => 0.3,
            2 => 1.5,
            _ => {
                if l == 15 {
                    5000.0
                } else {
                    0.05
                }
            }
        };
        xs.push(inputs(&[
            (InputId::Growth, -0.9 + 3.9 * unit()),
            (InputId::InitialRunRateUsd, 1e9 + 4e10 * unit()),
            (
                InputId::CapUsd,
                if l % 3 == 0 {
                    1e300
                } else {
                    5e10 + 5e11 * unit()
                },
            ),
            (InputId::GrowthHalfLifeYears, 0.5 + 6.0 * unit()),
            (InputId::Volatility, sigma),
        ]));
        shocks.push((0..months).map(|_| 6.0 * unit() - 3.0).collect());
    }
    let shape = ModelShape {
        months,
        has_half_life: true,
        has_cap: true,
        has_capacity_limit: false,
    };
    (xs, shocks, shape)
}

/// One of the demand functions: [`demand`], or the baseline code it
/// dispatches to without AVX2.
type DemandFn<const L: usize> =
    fn([&[f64; N_INPUTS]; L], &ModelShape, [&[f64]; L], &mut [[f64; L]]);

/// Demand of the paths, `L` at a time through [`demand`].
fn demand_of<const L: usize>(
    xs: &[[f64; N_INPUTS]],
    shocks: &[Vec<f64>],
    shape: &ModelShape,
) -> Vec<Vec<f64>> {
    demand_by::<L>(demand::<L>, xs, shocks, shape)
}

/// Demand of the paths, `L` at a time through `run`.
fn demand_by<const L: usize>(
    run: DemandFn<L>,
    xs: &[[f64; N_INPUTS]],
    shocks: &[Vec<f64>],
    shape: &ModelShape,
) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    for start in (0..xs.len()).step_by(L) {
        let x: [&[f64; N_INPUTS]; L] = std::array::from_fn(|l| &xs[start + l]);
        let z: [&[f64]; L] = std::array::from_fn(|l| shocks[start + l].as_slice());
        let mut rows = vec![[0.0; L]; shape.months];
        run(x, shape, z, &mut rows);
        out.extend((0..L).map(|l| rows.iter().map(|row| row[l]).collect()));
    }
    out
}

#[test]
fn demand_of_many_lanes_is_bit_for_bit_that_of_one() {
    let (xs, shocks, shape) = varied_demand_paths();
    let bits = |paths: Vec<Vec<f64>>| -> Vec<Vec<u64>> {
        paths
            .iter()
            .map(|p| p.iter().map(|v| v.to_bits()).collect())
            .collect()
    };
    let one = bits(demand_of::<1>(&xs, &shocks, &shape));
    // The reference: SPEC §4's recurrence written out plainly, one path at
    // a time, with the model's exp and log1p (and, beside it, libm's).
    let mut worst = 0.0f64;
    for (l, path) in one.iter().enumerate() {
        let x = |id: InputId| xs[l][id as usize];
        let (g0, cap, sigma) = (
            x(InputId::Growth),
            x(InputId::CapUsd),
            x(InputId::Volatility),
        );
        let step = libm::pow(0.5, 1.0 / (12.0 * x(InputId::GrowthHalfLifeYears)));
        let mut rd = x(InputId::InitialRunRateUsd);
        let mut rd_libm = rd;
        let mut decay = 1.0;
        for (m, &got) in path.iter().enumerate() {
            assert_eq!(got, rd.to_bits(), "path {l}, month {m}");
            if rd.is_finite() && rd > 0.0 {
                worst = worst.max((rd / rd_libm - 1.0).abs());
            }
            let shock = if sigma > 0.0 {
                sigma / 12f64.sqrt() * shocks[l][m]
            } else {
                0.0
            };
            let g = g0 * decay * (1.0 - rd / cap).max(0.0);
            rd *= math::exp(math::log1p(g) / 12.0 + -sigma * sigma / 24.0 + shock);
            let g = g0 * decay * (1.0 - rd_libm / cap).max(0.0);
            rd_libm *= libm::exp(libm::log1p(g) / 12.0 + -sigma * sigma / 24.0 + shock);
            decay *= step;
        }
    }
    // Over 120 months, at most a few ulps per month apart from libm.
    assert!(worst < 1e-13, "{worst}");
    // Some paths overflow and some stop growing at the cap.
    let all: Vec<f64> = one.iter().flatten().map(|&b| f64::from_bits(b)).collect();
    assert!(all.iter().any(|v| v.is_infinite() || *v == 0.0));
    assert!(all.iter().filter(|v| v.is_finite()).count() > 1000);
    assert_eq!(bits(demand_of::<4>(&xs, &shocks, &shape)), one);
    assert_eq!(bits(demand_of::<LANES>(&xs, &shocks, &shape)), one);
    assert_eq!(bits(demand_of::<16>(&xs, &shocks, &shape)), one);
}

/// [`super::demand_avx2`] as a safe function (the processor must have AVX2).
#[cfg(target_arch = "x86_64")]
fn via_avx2<const L: usize>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    shocks: [&[f64]; L],
    out: &mut [[f64; L]],
) {
    assert!(std::arch::is_x86_feature_detected!("avx2"));
    // SAFETY: checked just above.
    unsafe { super::demand_avx2(x, shape, shocks, out) }
}

/// [`super::demand_avx512`] as a safe function (the processor must have
/// AVX-512F).
#[cfg(target_arch = "x86_64")]
fn via_avx512<const L: usize>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    shocks: [&[f64]; L],
    out: &mut [[f64; L]],
) {
    assert!(std::arch::is_x86_feature_detected!("avx512f"));
    // SAFETY: checked just above.
    unsafe { super::demand_avx512(x, shape, shocks, out) }
}

#[test]
fn demand_is_the_same_in_every_compiled_copy() {
    // The baseline code against the copies compiled for AVX2 and AVX-512
    // (those the processor has) and the dispatched `demand`, for every
    // combination of half-life and cap, 16 lanes at a time and one at a
    // time. Under `--release` each copy is the vector code a run uses.
    let mut copies: Vec<(&str, DemandFn<16>, DemandFn<1>)> =
        vec![("dispatched", demand::<16>, demand::<1>)];
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            copies.push(("AVX2", via_avx2::<16>, via_avx2::<1>));
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            copies.push(("AVX-512", via_avx512::<16>, via_avx512::<1>));
        }
    }
    if copies.len() == 1 {
        eprintln!("no AVX2 or AVX-512 here: only the dispatched (baseline) code is compared");
    }
    let (xs, shocks, shape) = varied_demand_paths();
    for (has_half_life, has_cap) in [(false, false), (true, false), (false, true), (true, true)] {
        let shape = ModelShape {
            has_half_life,
            has_cap,
            ..shape
        };
        let bits = |paths: Vec<Vec<f64>>| -> Vec<u64> {
            paths.iter().flatten().map(|x| x.to_bits()).collect()
        };
        let plain = bits(demand_by::<16>(
            super::demand_in::<16>,
            &xs,
            &shocks,
            &shape,
        ));
        for (name, sixteen, one) in &copies {
            let what = format!("{name}, half-life {has_half_life}, cap {has_cap}");
            assert_eq!(
                bits(demand_by::<16>(*sixteen, &xs, &shocks, &shape)),
                plain,
                "{what}"
            );
            assert_eq!(
                bits(demand_by::<1>(*one, &xs, &shocks, &shape)),
                plain,
                "{what}"
            );
        }
    }
}

#[test]
fn a_memo_recomputes_only_for_a_new_argument() {
    let mut memo = super::Memo::default();
    let calls = std::cell::Cell::new(0);
    let f = |x: f64| {
        calls.set(calls.get() + 1);
        libm::pow(x, 1.0 / 12.0)
    };
    for (x, computed) in [
        (1.05, 1),
        (1.05, 1),
        (0.98, 2),
        (1.05, 3),
        (-0.0, 4),
        (0.0, 5),
        (0.0, 5),
        (f64::NAN, 6),
    ] {
        let got = memo.get(x, f);
        assert_eq!(got.to_bits(), libm::pow(x, 1.0 / 12.0).to_bits(), "{x}");
        assert_eq!(calls.get(), computed, "{x}");
    }
}

/// Inputs for the month loop, as varied as the model meets and beyond:
/// ramps, delays and lags from none to past the horizon, hardware lives
/// from one month, targets below the initial capacity, no build rate,
/// cash that never dips and cash that dips and recovers; with demand from
/// the varied demand paths.
fn varied_month_loop_paths(n: usize) -> (Vec<[f64; N_INPUTS]>, Vec<Vec<f64>>) {
    let (demand_x, shocks, demand_shape) = varied_demand_paths();
    let demand = demand_of::<1>(&demand_x, &shocks, &demand_shape);
    let mut rng = crate::test_rng::XorShift(0x9e37_79b9_7f4a_7c15);
    let mut unit = || rng.unit();
    let mut xs = Vec::new();
    let mut rds = Vec::new();
    for p in 0..n {
        let pick = |u: f64, choices: &[f64]| choices[(u * choices.len() as f64) as usize];
        xs.push(inputs(&[
            (
                InputId::TargetGw,
                pick(unit(), &[0.5, 5.0, 30.0, 30.0, 250.0]),
            ),
            (InputId::InitialGw, pick(unit(), &[0.0, 1.0, 2.0, 40.0])),
            (
                InputId::RateGwPerWeek,
                pick(unit(), &[0.0, 0.1, 0.6, 1.0, 3.0]),
            ),
            (
                InputId::RampMonths,
                pick(unit(), &[0.0, 0.0, 2.5, 12.0, 1e9]),
            ),
            (
                InputId::StartDelayMonths,
                pick(unit(), &[0.0, 0.49, 3.5, 30.0, 500.0]),
            ),
            (
                InputId::LagMonths,
                pick(unit(), &[0.0, 1.0, 18.4, 119.6, 500.0]),
            ),
            (
                InputId::HardwareLifeYears,
                pick(unit(), &[0.01, 0.5, 4.0, 5.3, 40.0]),
            ),
            (InputId::PerGwUsd, 2e10 + 4e10 * unit()),
            (InputId::AnnualDecline, 0.3 * unit() - 0.05),
            (InputId::HardwareShare, unit()),
            (InputId::PowerPriceUsdPerMwh, 150.0 * unit()),
            (InputId::Utilization, unit()),
            (InputId::FixedOpexPerGwYearUsd, 1e9 * unit()),
            (
                InputId::PerGwYearUsd,
                pick(unit(), &[1e9, 1e10, 2e10, 1e12]),
            ),
            (InputId::Margin, 1.5 * unit() - 0.2),
            (InputId::InitialCashUsd, pick(unit(), &[0.0, 1e11, 1e14])),
            (InputId::DiscountRate, 0.2 * unit()),
            (InputId::CommitmentUsd, 1e12 + 1e12 * unit()),
        ]));
        rds.push(demand[p % demand.len()].clone());
    }
    (xs, rds)
}

/// One of the month loops: [`run_paths_with_demand`] or a compiled copy,
/// for `L` paths whose demand is lanes `lane..lane + L` of rows of `D`.
type MonthLoopFn<const L: usize, const D: usize> = fn(
    [&[f64; N_INPUTS]; L],
    &ModelShape,
    &[[f64; D]],
    usize,
    &mut Scratch,
    &mut KeepLanes,
) -> [PathMetrics; L];

/// Every path's metrics and series (as bits): the paths in groups of `D`
/// whose demand rows hold all `D` (as the engine's do), `L` paths at a
/// time through `run`, from lanes 0, L, 2L, … of each group.
fn month_loop_by<const L: usize, const D: usize>(
    run: MonthLoopFn<L, D>,
    xs: &[[f64; N_INPUTS]],
    rds: &[Vec<f64>],
    shape: &ModelShape,
) -> Vec<(Vec<u64>, Vec<u64>)> {
    assert_eq!(xs.len() % D, 0);
    let mut scratch = Scratch::new(shape.months);
    let mut out = Vec::new();
    for start in (0..xs.len()).step_by(D) {
        let demand: Vec<[f64; D]> = (0..shape.months)
            .map(|m| std::array::from_fn(|l| rds[start + l][m]))
            .collect();
        for lane in (0..D).step_by(L) {
            let x: [&[f64; N_INPUTS]; L] = std::array::from_fn(|l| &xs[start + lane + l]);
            let mut kept = KeepLanes(vec![Vec::new(); L]);
            let metrics = run(x, shape, &demand, lane, &mut scratch, &mut kept);
            for (m, series) in metrics.iter().zip(kept.0) {
                out.push((
                    m.iter().map(|v| v.to_bits()).collect(),
                    series.iter().flatten().map(|v| v.to_bits()).collect(),
                ));
            }
        }
    }
    out
}

/// [`super::run_paths_avx2`] as a safe function (the processor must have
/// AVX2).
#[cfg(target_arch = "x86_64")]
fn month_loop_avx2<const L: usize, const D: usize>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    demand: &[[f64; D]],
    lane: usize,
    scratch: &mut Scratch,
    sink: &mut KeepLanes,
) -> [PathMetrics; L] {
    assert!(std::arch::is_x86_feature_detected!("avx2"));
    // SAFETY: checked just above.
    unsafe { super::run_paths_avx2(x, shape, demand, lane, scratch, sink) }
}

/// [`super::run_paths_avx512`] as a safe function (the processor must have
/// AVX-512F).
#[cfg(target_arch = "x86_64")]
fn month_loop_avx512<const L: usize, const D: usize>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    demand: &[[f64; D]],
    lane: usize,
    scratch: &mut Scratch,
    sink: &mut KeepLanes,
) -> [PathMetrics; L] {
    assert!(std::arch::is_x86_feature_detected!("avx512f"));
    // SAFETY: checked just above.
    unsafe { super::run_paths_avx512(x, shape, demand, lane, scratch, sink) }
}

#[test]
fn the_month_loop_of_many_lanes_is_bit_for_bit_that_of_one_in_every_copy() {
    // 208 varied paths, one at a time in the baseline code against
    // MONTH_LANES at a time in each compiled copy the processor has (under
    // `--release`, the vector code a run uses), with and without the
    // capacity limit, at a horizon of whole staging blocks and not. As in
    // the engine, the demand rows hold LANES paths, read from lane 0 and
    // lane MONTH_LANES (and, one path at a time, from every lane).
    const G: usize = MONTH_LANES;
    let mut copies: Vec<(&str, MonthLoopFn<G, LANES>)> = vec![
        ("dispatched", run_paths_with_demand::<G, LANES, KeepLanes>),
        ("baseline", super::run_paths_in::<G, LANES, KeepLanes>),
    ];
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            copies.push(("AVX2", month_loop_avx2::<G, LANES>));
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            copies.push(("AVX-512", month_loop_avx512::<G, LANES>));
        }
    }
    let (xs, rds) = varied_month_loop_paths(13 * LANES);
    for (months, has_capacity_limit) in [(120, false), (120, true), (13, true)] {
        let shape = ModelShape {
            months,
            has_half_life: false,
            has_cap: false,
            has_capacity_limit,
        };
        let one = month_loop_by::<1, 1>(super::run_paths_in::<1, 1, _>, &xs, &rds, &shape);
        // The single path through the public one-path function as well.
        for (p, (metrics, _)) in one.iter().enumerate() {
            let mut scratch = Scratch::new(months);
            let m = run_path_with_demand(&xs[p], &shape, &rds[p], &mut scratch, &mut NoSeries);
            let bits: Vec<u64> = m.iter().map(|v| v.to_bits()).collect();
            assert_eq!(&bits, metrics, "path {p}");
        }
        for (name, run) in &copies {
            let many = month_loop_by::<G, LANES>(*run, &xs, &rds, &shape);
            for (p, (a, b)) in many.iter().zip(&one).enumerate() {
                assert_eq!(a, b, "{name}, path {p}, {months} months");
            }
        }
        let run_one: MonthLoopFn<1, LANES> = run_paths_with_demand::<1, LANES, _>;
        let each_lane = month_loop_by::<1, LANES>(run_one, &xs, &rds, &shape);
        for (p, (a, b)) in each_lane.iter().zip(&one).enumerate() {
            assert_eq!(a, b, "one lane of {LANES}, path {p}, {months} months");
        }
        // The inputs reach every branch of the loop somewhere.
        let metric = |p: usize, which: Metric| f64::from_bits(one[p].0[which as usize]);
        let count = |f: &dyn Fn(usize) -> bool| (0..xs.len()).filter(|&p| f(p)).count();
        assert!(count(&|p| metric(p, Metric::TargetMonth).is_nan()) > 0);
        assert!(count(&|p| metric(p, Metric::TargetMonth) > 0.0) > 0);
        assert!(count(&|p| metric(p, Metric::BreakevenMonth).is_nan()) > 0);
        assert!(count(&|p| metric(p, Metric::BreakevenMonth) > 0.0) > 0);
        assert!(count(&|p| metric(p, Metric::BreakevenMonth) == 0.0) > 0);
    }
}
