//! What the model reports: the monthly series (banded across paths) and
//! the per-path metrics of SPEC §4, with their column names.

/// The monthly series with percentile bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// C(m), GW online.
    CapacityGw,
    /// Σ Capex, USD.
    CapexCumUsd,
    /// Σ Opex, USD.
    OpexCumUsd,
    /// Rs(m), served revenue run-rate, USD/year.
    RevenueRunRateUsd,
    /// Σ Revenue, USD.
    RevenueCumUsd,
    /// Cash(m), USD.
    NetCashCumUsd,
    /// Σ Capex + Σ Opex, USD: derived per path by the engine (not by the
    /// model) so the fan chart can show true percentiles of total spend;
    /// it is banded but not written to `bands.csv`.
    SpendCumUsd,
}

/// Number of series the model produces (the SPEC §4 series).
pub const N_SERIES: usize = 6;

/// Number of banded series: the model's six plus total spend.
pub const N_BAND_SERIES: usize = 7;

/// All series in output order.
pub const SERIES: [Series; N_SERIES] = [
    Series::CapacityGw,
    Series::CapexCumUsd,
    Series::OpexCumUsd,
    Series::RevenueRunRateUsd,
    Series::RevenueCumUsd,
    Series::NetCashCumUsd,
];

/// Every banded series, in band order (model series, then spend).
pub const BAND_SERIES: [Series; N_BAND_SERIES] = [
    Series::CapacityGw,
    Series::CapexCumUsd,
    Series::OpexCumUsd,
    Series::RevenueRunRateUsd,
    Series::RevenueCumUsd,
    Series::NetCashCumUsd,
    Series::SpendCumUsd,
];

impl Series {
    /// Column name in the CSV files.
    pub fn name(self) -> &'static str {
        match self {
            Series::CapacityGw => "capacity_gw",
            Series::CapexCumUsd => "capex_cum_usd",
            Series::OpexCumUsd => "opex_cum_usd",
            Series::RevenueRunRateUsd => "revenue_run_rate_usd",
            Series::RevenueCumUsd => "revenue_cum_usd",
            Series::NetCashCumUsd => "net_cash_cum_usd",
            Series::SpendCumUsd => "spend_cum_usd",
        }
    }
}

/// Per-path metrics (SPEC §4 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// First month index with C ≥ target; censored if none.
    TargetMonth,
    /// C(M−1), GW.
    CapacityEndGw,
    /// Σ Capex, USD.
    CapexTotalUsd,
    /// Σ Capex up to the target month, USD; censored with it.
    CapexAtTargetUsd,
    /// Σ Opex, USD.
    OpexTotalUsd,
    /// Σ Revenue, USD.
    RevenueTotalUsd,
    /// Rs(M−1), USD/year.
    RevenueRunRateEndUsd,
    /// max(0, −min Cash), USD.
    PeakFundingNeedUsd,
    /// Month index cash is back to ≥ 0 after its minimum; censored if never.
    BreakevenMonth,
    /// Σ margin·Revenue / commitment.
    CommitmentCoverage,
    /// Σ Net discounted, USD.
    NpvUsd,
}

/// Number of metrics.
pub const N_METRICS: usize = 11;

/// All metrics in output order.
pub const METRICS: [Metric; N_METRICS] = [
    Metric::TargetMonth,
    Metric::CapacityEndGw,
    Metric::CapexTotalUsd,
    Metric::CapexAtTargetUsd,
    Metric::OpexTotalUsd,
    Metric::RevenueTotalUsd,
    Metric::RevenueRunRateEndUsd,
    Metric::PeakFundingNeedUsd,
    Metric::BreakevenMonth,
    Metric::CommitmentCoverage,
    Metric::NpvUsd,
];

impl Metric {
    /// Column name in the CSV files.
    pub fn name(self) -> &'static str {
        match self {
            Metric::TargetMonth => "target_month",
            Metric::CapacityEndGw => "capacity_end_gw",
            Metric::CapexTotalUsd => "capex_total_usd",
            Metric::CapexAtTargetUsd => "capex_at_target_usd",
            Metric::OpexTotalUsd => "opex_total_usd",
            Metric::RevenueTotalUsd => "revenue_total_usd",
            Metric::RevenueRunRateEndUsd => "revenue_run_rate_end_usd",
            Metric::PeakFundingNeedUsd => "peak_funding_need_usd",
            Metric::BreakevenMonth => "breakeven_month",
            Metric::CommitmentCoverage => "commitment_coverage",
            Metric::NpvUsd => "npv_usd",
        }
    }

    /// Looks a metric up by its column name.
    pub fn from_name(name: &str) -> Option<Metric> {
        METRICS.iter().copied().find(|m| m.name() == name)
    }

    /// Whether the metric is a month index (shown as a date).
    pub fn is_month(self) -> bool {
        matches!(self, Metric::TargetMonth | Metric::BreakevenMonth)
    }
}
