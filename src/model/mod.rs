//! The monthly model of a path (SPEC §4). This file is the only place the
//! model's equations live; `docs/model.md` describes them and points here.
//!
//! [`demand`] computes the revenue demand of several paths side by side,
//! and [`run_paths_with_demand`] the rest of the model (build-out, costs,
//! revenue, cash, metrics) of up to [`MONTH_LANES`] paths side by side,
//! handing each month's six series to a [`LaneSink`]; every lane does
//! exactly the operations of one path. [`run_path`] runs one path through
//! both. They are pure and allocate nothing: the caller lends them a
//! [`Scratch`] sized for the horizon.

use crate::scenario::{InputId, Scenario, N_INPUTS};

mod math;
mod outputs;

pub use outputs::{
    Metric, Series, BAND_SERIES, METRICS, N_BAND_SERIES, N_METRICS, N_SERIES, SERIES,
};

/// Weeks per month: 365.25 / 7 / 12.
pub const WEEKS_PER_MONTH: f64 = 365.25 / 7.0 / 12.0;
/// Hours per month: 365.25 × 24 / 12.
pub const HOURS_PER_MONTH: f64 = 730.5;
/// Relative tolerance for "capacity reached the target".
pub const TARGET_TOLERANCE: f64 = 1e-9;

/// Metric values of one path; NaN marks a censored value.
pub type PathMetrics = [f64; N_METRICS];

/// Receives each month's series values.
pub trait SeriesSink {
    /// Called once per month, in order, with the values in [`SERIES`] order.
    fn month(&mut self, m: usize, values: &[f64; N_SERIES]);
}

/// A sink that ignores the series (when only metrics are wanted).
pub struct NoSeries;

impl SeriesSink for NoSeries {
    #[inline]
    fn month(&mut self, _: usize, _: &[f64; N_SERIES]) {}
}

/// A sink that keeps every month of one path, `[month][series]` (tests,
/// benches).
#[derive(Debug, Default, Clone)]
pub struct KeepSeries(pub Vec<[f64; N_SERIES]>);

impl SeriesSink for KeepSeries {
    fn month(&mut self, _: usize, values: &[f64; N_SERIES]) {
        self.0.push(*values);
    }
}

/// What the model needs to know about a scenario besides the input values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelShape {
    /// Months M.
    pub months: usize,
    /// Whether growth decays with a half-life.
    pub has_half_life: bool,
    /// Whether demand is capped.
    pub has_cap: bool,
    /// Whether revenue is limited by capacity online.
    pub has_capacity_limit: bool,
}

impl ModelShape {
    /// The shape of a scenario.
    pub fn of(s: &Scenario) -> Self {
        ModelShape {
            months: s.months,
            has_half_life: s.input(InputId::GrowthHalfLifeYears).is_present(),
            has_cap: s.input(InputId::CapUsd).is_present(),
            has_capacity_limit: s.input(InputId::PerGwYearUsd).is_present(),
        }
    }
}

/// Working memory for the month loop, reused across paths.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// s(m): GW whose construction starts in month m, of up to
    /// [`MONTH_LANES`] paths: `[row][lane]` with the lanes of one call in a
    /// row, month m in row m + 1 and row 0 zero (see
    /// [`run_paths_with_demand`]).
    started: Vec<f64>,
    /// n(m) + q(m): GW of hardware bought in month m (new and refreshed),
    /// laid out as `started`.
    hardware: Vec<f64>,
    /// Rd(m), for [`run_path`].
    demand: Vec<[f64; 1]>,
    /// The last monthly cost and discount steps (a fixed input's step is
    /// computed once per worker, not once per path).
    cost_step: Memo,
    discount_step: Memo,
}

impl Scratch {
    /// Scratch for a horizon of `months`.
    pub fn new(months: usize) -> Self {
        Scratch {
            started: vec![0.0; (months + 1) * MONTH_LANES],
            hardware: vec![0.0; (months + 1) * MONTH_LANES],
            demand: vec![[0.0]; months],
            cost_step: Memo::default(),
            discount_step: Memo::default(),
        }
    }
}

/// A function's last argument (its bits) and value.
#[derive(Debug, Clone, Copy, Default)]
struct Memo(Option<(u64, f64)>);

impl Memo {
    /// `f(arg)`, computed again only when `arg` differs from the last one.
    #[inline]
    fn get(&mut self, arg: f64, f: impl FnOnce(f64) -> f64) -> f64 {
        match self.0 {
            Some((bits, value)) if bits == arg.to_bits() => value,
            _ => {
                let value = f(arg);
                self.0 = Some((arg.to_bits(), value));
                value
            }
        }
    }
}

/// The smaller of `a` and `b` (`b` when `a` is NaN), as one comparison.
/// `f64::min` returns the same for every pair the model meets, but compiles
/// to a longer NaN-aware sequence; with these the month loop runs about 10%
/// faster (the `model/given_demand_64_paths` bench).
#[inline(always)]
fn min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// The larger of `a` and `b` (`b` when `a` is NaN), as one comparison; see
/// [`min`].
#[inline(always)]
fn max(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// Rounds a month count half up, capped at the horizon (a delay or lag at
/// least as long as the horizon means "never within it").
#[inline]
fn whole_months(x: f64, months: usize) -> usize {
    let r = (x + 0.5).floor();
    if r >= months as f64 {
        months
    } else {
        r.max(0.0) as usize
    }
}

/// Paths whose demand recurrence the engine computes together. Demand is
/// the model's one serial month-to-month chain (with a cap, each month's
/// growth depends on last month's demand through a division, a log and an
/// exp); interleaving independent paths lets the processor overlap their
/// chains, and the branch-free [`math::exp`] and [`math::log1p`] let the
/// compiler put four lanes in one AVX2 instruction, or eight in one
/// AVX-512 instruction. Every lane does exactly
/// the operations of a single path, so the numbers do not depend on how
/// paths are grouped.
pub const LANES: usize = 16;

/// Demand run-rate Rd(m), m = 0 … M−1, of `L` paths at once (SPEC §4,
/// revenue): Rd(0) = initial run-rate and
/// Rd(m+1) = Rd(m)·(1+g(m))^(1/12)·exp(σ/√12·Z(m) − σ²/24), with
/// g(m) = growth·0.5^(m/(12·half-life)), times max(0, 1 − Rd(m)/cap) when
/// capped. `shocks[l]` holds path l's Z(m) (read only when its σ > 0);
/// `out[m][l]` receives its Rd(m) (`out` has at least M rows).
///
/// On a processor with AVX-512F or AVX2 the same code runs compiled for it
/// (chosen at run time). Rust never fuses a multiplication and an addition
/// on its own, and every lane does the same IEEE operations in the same
/// order, so the results are bit for bit those of the baseline build (a
/// test compares every copy).
pub fn demand<const L: usize>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    shocks: [&[f64]; L],
    out: &mut [[f64; L]],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the processor has AVX-512F (checked just above).
        unsafe { demand_avx512(x, shape, shocks, out) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above).
        unsafe { demand_avx2(x, shape, shocks, out) };
        return;
    }
    demand_in(x, shape, shocks, out);
}

/// [`demand_in`] compiled for AVX-512F (eight lanes per instruction; the
/// `demand_lanes/16` bench 14.5 µs against 16.0 µs for AVX2 in one
/// sitting).
///
/// # Safety
/// The processor must have AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn demand_avx512<const L: usize>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    shocks: [&[f64]; L],
    out: &mut [[f64; L]],
) {
    demand_in(x, shape, shocks, out);
}

/// [`demand_in`] compiled for AVX2.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn demand_avx2<const L: usize>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    shocks: [&[f64]; L],
    out: &mut [[f64; L]],
) {
    demand_in(x, shape, shocks, out);
}

/// The recurrence of [`demand`]; each stage runs across all lanes before
/// the next.
#[inline(always)]
fn demand_in<const L: usize>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    shocks: [&[f64]; L],
    out: &mut [[f64; L]],
) {
    let v = |id: InputId| x.map(|xi| xi[id as usize]);
    let growth0 = v(InputId::Growth);
    let cap = v(InputId::CapUsd);
    let sigma = v(InputId::Volatility);
    let half_life = v(InputId::GrowthHalfLifeYears);
    let decay_step: [f64; L] = std::array::from_fn(|l| {
        if shape.has_half_life {
            libm::pow(0.5, 1.0 / (12.0 * half_life[l]))
        } else {
            1.0
        }
    });
    let shock_scale = sigma.map(|s| s / 12f64.sqrt());
    let drift = sigma.map(|s| -s * s / 24.0);
    let constant_log_step: [f64; L] =
        std::array::from_fn(|l| math::log1p(growth0[l]) / 12.0 + drift[l]);
    let growth_varies = shape.has_half_life || shape.has_cap;
    let mut rd = v(InputId::InitialRunRateUsd);
    let mut growth_decay = [1.0; L];
    let mut log_step = constant_log_step;
    for (m, out) in out[..shape.months].iter_mut().enumerate() {
        *out = rd;
        if m + 1 == shape.months {
            break;
        }
        // Each stage runs across all lanes before the next, so the lanes'
        // log1p and exp calls sit side by side and overlap in the processor.
        if growth_varies {
            let mut g = [0.0; L];
            for l in 0..L {
                g[l] = growth0[l] * growth_decay[l];
                if shape.has_cap {
                    g[l] *= (1.0 - rd[l] / cap[l]).max(0.0);
                }
                growth_decay[l] *= decay_step[l];
            }
            for l in 0..L {
                log_step[l] = math::log1p(g[l]) / 12.0 + drift[l];
            }
        }
        let mut z = [0.0; L];
        for l in 0..L {
            z[l] = if sigma[l] > 0.0 { shocks[l][m] } else { 0.0 };
        }
        let mut factor = [0.0; L];
        for l in 0..L {
            // One exp per month: growth and shock combined in log space.
            factor[l] = math::exp(log_step[l] + shock_scale[l] * z[l]);
        }
        for l in 0..L {
            rd[l] *= factor[l];
        }
    }
}

/// Runs one path of the model (computing its demand first).
///
/// `x` holds the path's input values indexed by [`InputId`]; `shocks` holds
/// the M−1 standard normal demand shocks Z(m) (read only when volatility is
/// positive). Returns the metrics; censored ones are NaN.
pub fn run_path<S: SeriesSink>(
    x: &[f64; N_INPUTS],
    shape: &ModelShape,
    shocks: &[f64],
    scratch: &mut Scratch,
    sink: &mut S,
) -> PathMetrics {
    let mut rd = std::mem::take(&mut scratch.demand);
    demand::<1>([x], shape, [shocks], &mut rd);
    let metrics = run_path_with_demand(x, shape, rd.as_flattened(), scratch, sink);
    scratch.demand = rd;
    metrics
}

/// Runs one path of the model given its demand run-rate Rd(m) from
/// [`demand`] (at least M values): build-out, costs, served revenue, cash
/// and metrics (the month loop of [`run_paths_with_demand`] with one
/// lane).
pub fn run_path_with_demand<S: SeriesSink>(
    x: &[f64; N_INPUTS],
    shape: &ModelShape,
    demand: &[f64],
    scratch: &mut Scratch,
    sink: &mut S,
) -> PathMetrics {
    let demand = demand.as_chunks::<1>().0;
    let [metrics] = run_paths_with_demand([x], shape, demand, 0, scratch, &mut OneLane(sink));
    metrics
}

/// Paths whose month loops the engine runs together. Every lane does
/// exactly the operations of a single path, with choices made by selects
/// instead of branches, so the numbers do not depend on how paths are
/// grouped; eight lanes fill one AVX-512 register (two AVX2 ones), and the
/// loop then takes about as many instructions for eight paths as it did
/// for one.
pub const MONTH_LANES: usize = 8;

/// Receives each month's series values of `L` paths run together.
pub trait LaneSink<const L: usize> {
    /// Called once per month, in order, with the values in [`SERIES`]
    /// order, each series lane by lane.
    fn month(&mut self, m: usize, values: &[[f64; L]; N_SERIES]);
}

/// A sink that keeps every month of the first lanes' paths,
/// `[lane][month][series]` (trajectories, tests); it holds one `Vec` per
/// lane kept.
#[derive(Debug, Default, Clone)]
pub struct KeepLanes(pub Vec<Vec<[f64; N_SERIES]>>);

impl<const L: usize> LaneSink<L> for KeepLanes {
    fn month(&mut self, _: usize, values: &[[f64; L]; N_SERIES]) {
        for (l, kept) in self.0.iter_mut().enumerate() {
            kept.push(values.map(|lanes| lanes[l]));
        }
    }
}

/// A [`SeriesSink`] as the sink of one lane.
struct OneLane<'a, S>(&'a mut S);

impl<S: SeriesSink> LaneSink<1> for OneLane<'_, S> {
    #[inline]
    fn month(&mut self, m: usize, values: &[[f64; 1]; N_SERIES]) {
        self.0.month(m, &values.map(|[v]| v));
    }
}

impl<const L: usize> LaneSink<L> for NoSeries {
    #[inline]
    fn month(&mut self, _: usize, _: &[[f64; L]; N_SERIES]) {}
}

/// Runs `L` paths (at most [`MONTH_LANES`]) of the model given their
/// demand run-rates Rd(m) from [`demand`]: build-out, costs, served
/// revenue, cash and metrics. `x[l]` holds path l's input values indexed by
/// [`InputId`], `demand[m][lane + l]` its Rd(m); each month's series go to
/// `sink`, lane by lane. Returns each path's metrics; censored ones are
/// NaN.
///
/// On a processor with AVX-512F or AVX2 the same code runs compiled for it
/// (chosen at run time); as in [`demand`], the results are bit for bit
/// those of the baseline build.
pub fn run_paths_with_demand<const L: usize, const D: usize, S: LaneSink<L>>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    demand: &[[f64; D]],
    lane: usize,
    scratch: &mut Scratch,
    sink: &mut S,
) -> [PathMetrics; L] {
    #[cfg(target_arch = "x86_64")]
    if L > 1 && std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the processor has AVX-512F (checked just above).
        return unsafe { run_paths_avx512(x, shape, demand, lane, scratch, sink) };
    }
    #[cfg(target_arch = "x86_64")]
    if L > 1 && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above).
        return unsafe { run_paths_avx2(x, shape, demand, lane, scratch, sink) };
    }
    run_paths_in(x, shape, demand, lane, scratch, sink)
}

/// [`run_paths_in`] compiled for AVX-512F.
///
/// # Safety
/// The processor must have AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn run_paths_avx512<const L: usize, const D: usize, S: LaneSink<L>>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    demand: &[[f64; D]],
    lane: usize,
    scratch: &mut Scratch,
    sink: &mut S,
) -> [PathMetrics; L] {
    run_paths_in(x, shape, demand, lane, scratch, sink)
}

/// [`run_paths_in`] compiled for AVX2.
///
/// # Safety
/// The processor must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn run_paths_avx2<const L: usize, const D: usize, S: LaneSink<L>>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    demand: &[[f64; D]],
    lane: usize,
    scratch: &mut Scratch,
    sink: &mut S,
) -> [PathMetrics; L] {
    run_paths_in(x, shape, demand, lane, scratch, sink)
}

/// The month loop of [`run_paths_with_demand`]; each stage runs across all
/// lanes before the next.
#[inline(always)]
fn run_paths_in<const L: usize, const D: usize, S: LaneSink<L>>(
    x: [&[f64; N_INPUTS]; L],
    shape: &ModelShape,
    demand: &[[f64; D]],
    lane: usize,
    scratch: &mut Scratch,
    sink: &mut S,
) -> [PathMetrics; L] {
    const { assert!(L >= 1 && L <= MONTH_LANES, "1 to MONTH_LANES lanes") };
    let months = shape.months;
    let v = |id: InputId| x.map(|xi| xi[id as usize]);
    assert!(lane + L <= D, "lanes {lane}..{} of {D}", lane + L);
    let demand = &demand[..months];

    // Build-out.
    let target = v(InputId::TargetGw);
    let initial = v(InputId::InitialGw);
    let room: [f64; L] = std::array::from_fn(|l| (target[l] - initial[l]).max(0.0));
    let full_pace = v(InputId::RateGwPerWeek).map(|r| r * WEEKS_PER_MONTH);
    let ramp = v(InputId::RampMonths);
    let delay = v(InputId::StartDelayMonths).map(|d| whole_months(d, months));
    let lag = v(InputId::LagMonths).map(|d| whole_months(d, months));
    let life = v(InputId::HardwareLifeYears).map(|y| whole_months(12.0 * y, months).max(1));
    let target_reached_at = target.map(|t| t * (1.0 - TARGET_TOLERANCE));

    // Costs.
    let hardware_share = v(InputId::HardwareShare);
    let cost_step = v(InputId::AnnualDecline)
        .map(|d| scratch.cost_step.get(1.0 - d, |b| libm::pow(b, 1.0 / 12.0)));
    let mut cost_per_gw = v(InputId::PerGwUsd);
    let utilization = v(InputId::Utilization);
    let power_price = v(InputId::PowerPriceUsdPerMwh);
    let energy_per_gw_month: [f64; L] =
        std::array::from_fn(|l| utilization[l] * HOURS_PER_MONTH * 1000.0 * power_price[l]);
    let fixed_per_gw_month = v(InputId::FixedOpexPerGwYearUsd).map(|f| f / 12.0);

    // Revenue and finance.
    let per_gw_year = v(InputId::PerGwYearUsd);
    let margin = v(InputId::Margin);
    let discount_step = v(InputId::DiscountRate).map(|r| {
        scratch
            .discount_step
            .get(1.0 + r, |b| libm::pow(b, -1.0 / 12.0))
    });
    let mut discount = [1.0; L];
    let mut cash = v(InputId::InitialCashUsd);

    let mut started_total = [0.0; L];
    let mut added = [0.0; L];
    let (mut capex_cum, mut opex_cum) = ([0.0; L], [0.0; L]);
    let (mut revenue_cum, mut npv) = ([0.0; L], [0.0; L]);
    let mut capacity = initial;
    let mut served = [0.0; L];
    let mut target_month = [f64::NAN; L];
    let mut capex_at_target = [f64::NAN; L];
    let mut min_cash = [f64::INFINITY; L];
    // NaN until cash is back at zero or above after its low point.
    let mut breakeven = [f64::NAN; L];

    // s(m) and n(m) + q(m) of every lane, month m in row m + 1 (`L` values
    // a row); row 0 stays zero, for months before the first.
    let rows = (months + 1) * L;
    let started_by_month = &mut scratch.started[..rows];
    let hardware_by_month = &mut scratch.hardware[..rows];
    started_by_month[..L].fill(0.0);
    hardware_by_month[..L].fill(0.0);

    for (m, demand) in demand.iter().enumerate() {
        let month = m as f64;
        let row = m + 1;
        // s(m): construction started this month; (k + 1)/ramp is at least
        // 1 once k + 1 ≥ ramp, so the pace is min((k + 1)/ramp, 1).
        let mut started = [0.0; L];
        let mut ramping = [false; L];
        let mut k1 = [0.0; L];
        for l in 0..L {
            k1[l] = month - delay[l] as f64 + 1.0;
            ramping[l] = ramp[l] > 0.0 && k1[l] < ramp[l];
        }
        let mut pace = [1.0; L];
        if ramping.iter().any(|&r| r) {
            for l in 0..L {
                // Divided in every lane and then chosen, so that the lanes
                // share one vector division.
                let fraction = k1[l] / ramp[l];
                pace[l] = if ramping[l] { fraction } else { 1.0 };
            }
        }
        for l in 0..L {
            let s = min(full_pace[l] * pace[l], max(room[l] - started_total[l], 0.0));
            started[l] = if m < delay[l] { 0.0 } else { s };
            started_total[l] += started[l];
        }
        started_by_month[row * L..row * L + L].copy_from_slice(&started);
        // n(m) = s(m − L): capacity coming online; q(m) = n(m − LH) +
        // q(m − LH): hardware refreshed. Each from lane l of the row that
        // many months back (row 0 before the first month); the index
        // never passes the last one, and saying so (`min`) spares a bounds
        // check per lane.
        let mut online = [0.0; L];
        let mut refreshed = [0.0; L];
        for l in 0..L {
            online[l] = started_by_month[((row - lag[l].min(row)) * L + l).min(rows - 1)];
            refreshed[l] = hardware_by_month[((row - life[l].min(row)) * L + l).min(rows - 1)];
        }
        let mut hardware = [0.0; L];
        for l in 0..L {
            added[l] += online[l];
            capacity[l] = initial[l] + added[l];
            hardware[l] = online[l] + refreshed[l];
        }
        hardware_by_month[row * L..row * L + L].copy_from_slice(&hardware);

        let rd: [f64; L] = std::array::from_fn(|l| demand[lane + l]);
        for l in 0..L {
            let capex = started[l] * cost_per_gw[l] * (1.0 - hardware_share[l])
                + hardware[l] * cost_per_gw[l] * hardware_share[l];
            let opex = capacity[l] * energy_per_gw_month[l] + capacity[l] * fixed_per_gw_month[l];
            // Rs(m) = min(Rd(m), per_gw_year · C(m)).
            served[l] = if shape.has_capacity_limit {
                min(rd[l], per_gw_year[l] * capacity[l])
            } else {
                rd[l]
            };
            let revenue = served[l] / 12.0;
            let net = margin[l] * revenue - capex - opex;

            capex_cum[l] += capex;
            opex_cum[l] += opex;
            revenue_cum[l] += revenue;
            cash[l] += net;
            discount[l] *= discount_step[l];
            npv[l] += net * discount[l];

            let reached = target_month[l].is_nan() && capacity[l] >= target_reached_at[l];
            target_month[l] = if reached { month } else { target_month[l] };
            capex_at_target[l] = if reached {
                capex_cum[l]
            } else {
                capex_at_target[l]
            };
            // A new low clears breakeven; otherwise it is the first month
            // cash is back at zero or above after being below.
            let (now, low) = (cash[l], min_cash[l]);
            let lower = now < low;
            let back = breakeven[l].is_nan() && low < 0.0 && now >= 0.0;
            breakeven[l] = if lower {
                f64::NAN
            } else if back {
                month
            } else {
                breakeven[l]
            };
            min_cash[l] = min(now, low);
        }
        sink.month(
            m,
            &[capacity, capex_cum, opex_cum, served, revenue_cum, cash],
        );
        for l in 0..L {
            cost_per_gw[l] *= cost_step[l];
        }
    }

    std::array::from_fn(|l| {
        let mut out = [f64::NAN; N_METRICS];
        out[Metric::TargetMonth as usize] = target_month[l];
        out[Metric::CapacityEndGw as usize] = capacity[l];
        out[Metric::CapexTotalUsd as usize] = capex_cum[l];
        out[Metric::CapexAtTargetUsd as usize] = capex_at_target[l];
        out[Metric::OpexTotalUsd as usize] = opex_cum[l];
        out[Metric::RevenueTotalUsd as usize] = revenue_cum[l];
        out[Metric::RevenueRunRateEndUsd as usize] = served[l];
        out[Metric::PeakFundingNeedUsd as usize] = (-min_cash[l]).max(0.0);
        out[Metric::BreakevenMonth as usize] = if min_cash[l] >= 0.0 {
            0.0
        } else {
            breakeven[l]
        };
        out[Metric::CommitmentCoverage as usize] =
            margin[l] * revenue_cum[l] / x[l][InputId::CommitmentUsd as usize];
        out[Metric::NpvUsd as usize] = npv[l];
        out
    })
}

#[cfg(test)]
mod tests;
