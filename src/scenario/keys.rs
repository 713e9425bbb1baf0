//! The catalogue of scenario keys: every model input with its domain, default
//! and unit (SPEC §3.2–3.3), and the non-input settings of `[scenario]` and
//! `[output]`. Everything that needs to know "which keys exist" reads this
//! file, so adding an input means adding one row here and one use in the
//! model.

/// One end of an input's domain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// No limit on this side.
    Unbounded,
    /// The value itself is allowed (`≥` / `≤`).
    Inclusive(f64),
    /// The value itself is not allowed (`>` / `<`).
    Exclusive(f64),
}

/// The set of values an input may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Domain {
    /// Lower end.
    pub lower: Bound,
    /// Upper end.
    pub upper: Bound,
}

impl Domain {
    const fn new(lower: Bound, upper: Bound) -> Self {
        Domain { lower, upper }
    }

    /// Whether `x` lies in the domain.
    pub fn contains(&self, x: f64) -> bool {
        let above = match self.lower {
            Bound::Unbounded => true,
            Bound::Inclusive(b) => x >= b,
            Bound::Exclusive(b) => x > b,
        };
        let below = match self.upper {
            Bound::Unbounded => true,
            Bound::Inclusive(b) => x <= b,
            Bound::Exclusive(b) => x < b,
        };
        above && below && x.is_finite()
    }

    /// The domain written as a user reads it, e.g. `> 0` or `in [0, 1]`.
    pub fn describe(&self) -> String {
        let fmt = crate::output::format::plain_number;
        match (self.lower, self.upper) {
            (Bound::Unbounded, Bound::Unbounded) => "any number".to_string(),
            (Bound::Inclusive(a), Bound::Unbounded) => format!(">= {}", fmt(a)),
            (Bound::Exclusive(a), Bound::Unbounded) => format!("> {}", fmt(a)),
            (Bound::Unbounded, Bound::Inclusive(b)) => format!("<= {}", fmt(b)),
            (Bound::Unbounded, Bound::Exclusive(b)) => format!("< {}", fmt(b)),
            (lo, hi) => {
                let (open, a) = match lo {
                    Bound::Inclusive(a) => ('[', a),
                    Bound::Exclusive(a) => ('(', a),
                    Bound::Unbounded => ('(', f64::NEG_INFINITY),
                };
                let (close, b) = match hi {
                    Bound::Inclusive(b) => (']', b),
                    Bound::Exclusive(b) => (')', b),
                    Bound::Unbounded => (')', f64::INFINITY),
                };
                format!("in {open}{}, {}{close}", fmt(a), fmt(b))
            }
        }
    }
}

/// How an input's values are shown to people (the CSV always holds plain
/// numbers in the unit its column name spells).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Gigawatts.
    Gw,
    /// Gigawatts per week.
    GwPerWeek,
    /// US dollars.
    Usd,
    /// US dollars per megawatt-hour.
    UsdPerMwh,
    /// Months.
    Months,
    /// Years.
    Years,
    /// A share or rate, shown as a percentage.
    Fraction,
}

impl Unit {
    /// The largest magnitude a value in this unit may have. Far beyond any
    /// real plan, these limits catch slipped suffixes and exponents and keep
    /// every path's arithmetic finite (SPEC §4 over up to 600 months).
    pub fn limit(self) -> f64 {
        match self {
            Unit::Gw => 1e6,
            Unit::GwPerWeek => 1e4,
            Unit::Usd => 1e18,
            Unit::UsdPerMwh => 1e6,
            Unit::Months | Unit::Years => 1e4,
            Unit::Fraction => 1e4,
        }
    }

    /// What values in this unit are, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Unit::Gw => "capacities in GW",
            Unit::GwPerWeek => "build rates in GW per week",
            Unit::Usd => "amounts in USD",
            Unit::UsdPerMwh => "prices in USD per MWh",
            Unit::Months => "durations in months",
            Unit::Years => "durations in years",
            Unit::Fraction => "rates and shares (1 = 100%)",
        }
    }
}

/// Identifies one model input; its value is the index into the per-path
/// input array the model reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(usize)]
pub enum InputId {
    /// plan.target_gw
    TargetGw,
    /// plan.commitment_usd
    CommitmentUsd,
    /// plan.initial_gw
    InitialGw,
    /// build.rate_gw_per_week
    RateGwPerWeek,
    /// build.ramp_months
    RampMonths,
    /// build.start_delay_months
    StartDelayMonths,
    /// build.lag_months
    LagMonths,
    /// cost.per_gw_usd
    PerGwUsd,
    /// cost.annual_decline
    AnnualDecline,
    /// cost.hardware_share
    HardwareShare,
    /// cost.hardware_life_years
    HardwareLifeYears,
    /// cost.power_price_usd_per_mwh
    PowerPriceUsdPerMwh,
    /// cost.utilization
    Utilization,
    /// cost.fixed_opex_per_gw_year_usd
    FixedOpexPerGwYearUsd,
    /// revenue.initial_run_rate_usd
    InitialRunRateUsd,
    /// revenue.growth
    Growth,
    /// revenue.growth_half_life_years (optional)
    GrowthHalfLifeYears,
    /// revenue.volatility
    Volatility,
    /// revenue.cap_usd (optional)
    CapUsd,
    /// revenue.per_gw_year_usd (optional)
    PerGwYearUsd,
    /// revenue.margin
    Margin,
    /// finance.initial_cash_usd
    InitialCashUsd,
    /// finance.discount_rate
    DiscountRate,
}

/// Number of model inputs.
pub const N_INPUTS: usize = 23;

/// Everything capsim knows about one input.
#[derive(Debug, Clone, Copy)]
pub struct InputDef {
    /// Which input.
    pub id: InputId,
    /// Section in the scenario file, e.g. `build`.
    pub section: &'static str,
    /// Key inside the section, e.g. `rate_gw_per_week`.
    pub name: &'static str,
    /// Full dotted key, e.g. `build.rate_gw_per_week`.
    pub key: &'static str,
    /// Allowed values.
    pub domain: Domain,
    /// Value when the key is absent; `None` means "absent = feature off".
    pub default: Option<f64>,
    /// Display unit.
    pub unit: Unit,
    /// One line saying what the input means.
    pub about: &'static str,
}

use Bound::{Exclusive as Gt, Inclusive as Ge, Unbounded as Any};

/// One row of the table below (a positional constructor keeps the table
/// readable as a table).
#[allow(clippy::too_many_arguments)]
const fn def(
    id: InputId,
    section: &'static str,
    name: &'static str,
    key: &'static str,
    domain: Domain,
    default: Option<f64>,
    unit: Unit,
    about: &'static str,
) -> InputDef {
    InputDef {
        id,
        section,
        name,
        key,
        domain,
        default,
        unit,
        about,
    }
}

/// All inputs, in `InputId` order (the order of columns in `metrics.csv`).
#[rustfmt::skip]
pub const INPUTS: [InputDef; N_INPUTS] = [
    def(InputId::TargetGw, "plan", "target_gw", "plan.target_gw",
        Domain::new(Gt(0.0), Any), Some(30.0), Unit::Gw,
        "capacity the plan aims for, GW"),
    def(InputId::CommitmentUsd, "plan", "commitment_usd", "plan.commitment_usd",
        Domain::new(Gt(0.0), Any), Some(1.4e12), Unit::Usd,
        "announced spending commitment, USD (for commitment_coverage and charts)"),
    def(InputId::InitialGw, "plan", "initial_gw", "plan.initial_gw",
        Domain::new(Ge(0.0), Any), Some(0.0), Unit::Gw,
        "capacity already online at the start (sunk: no capex, no refresh), GW"),
    def(InputId::RateGwPerWeek, "build", "rate_gw_per_week", "build.rate_gw_per_week",
        Domain::new(Ge(0.0), Any), Some(1.0), Unit::GwPerWeek,
        "construction starts per week at full pace, GW/week"),
    def(InputId::RampMonths, "build", "ramp_months", "build.ramp_months",
        Domain::new(Ge(0.0), Any), Some(0.0), Unit::Months,
        "months for the build pace to ramp linearly up to full rate"),
    def(InputId::StartDelayMonths, "build", "start_delay_months", "build.start_delay_months",
        Domain::new(Ge(0.0), Any), Some(0.0), Unit::Months,
        "months before construction starts (rounded half up)"),
    def(InputId::LagMonths, "build", "lag_months", "build.lag_months",
        Domain::new(Ge(0.0), Any), Some(0.0), Unit::Months,
        "months from construction start to capacity online (rounded half up)"),
    def(InputId::PerGwUsd, "cost", "per_gw_usd", "cost.per_gw_usd",
        Domain::new(Gt(0.0), Any), Some(40e9), Unit::Usd,
        "capital cost of 1 GW at the start (facility + hardware), USD"),
    def(InputId::AnnualDecline, "cost", "annual_decline", "cost.annual_decline",
        Domain::new(Gt(-1.0), Bound::Exclusive(1.0)), Some(0.0), Unit::Fraction,
        "yearly decline of the cost per GW (negative = inflation)"),
    def(InputId::HardwareShare, "cost", "hardware_share", "cost.hardware_share",
        Domain::new(Ge(0.0), Bound::Inclusive(1.0)), Some(0.6), Unit::Fraction,
        "share of the cost per GW that is hardware (bought at go-live, refreshed every life)"),
    def(InputId::HardwareLifeYears, "cost", "hardware_life_years", "cost.hardware_life_years",
        Domain::new(Gt(0.0), Any), Some(5.0), Unit::Years,
        "years before hardware is replaced"),
    def(InputId::PowerPriceUsdPerMwh, "cost", "power_price_usd_per_mwh", "cost.power_price_usd_per_mwh",
        Domain::new(Ge(0.0), Any), Some(70.0), Unit::UsdPerMwh,
        "electricity price, USD per MWh"),
    def(InputId::Utilization, "cost", "utilization", "cost.utilization",
        Domain::new(Ge(0.0), Bound::Inclusive(1.0)), Some(0.8), Unit::Fraction,
        "average power draw as a share of capacity"),
    def(InputId::FixedOpexPerGwYearUsd, "cost", "fixed_opex_per_gw_year_usd", "cost.fixed_opex_per_gw_year_usd",
        Domain::new(Ge(0.0), Any), Some(0.0), Unit::Usd,
        "non-power operating cost per GW online per year, USD"),
    def(InputId::InitialRunRateUsd, "revenue", "initial_run_rate_usd", "revenue.initial_run_rate_usd",
        Domain::new(Ge(0.0), Any), Some(20e9), Unit::Usd,
        "annualised revenue run-rate at the start, USD/year"),
    def(InputId::Growth, "revenue", "growth", "revenue.growth",
        Domain::new(Gt(-1.0), Any), Some(1.0), Unit::Fraction,
        "annual growth of demand at the start (1 = 100%/year)"),
    def(InputId::GrowthHalfLifeYears, "revenue", "growth_half_life_years", "revenue.growth_half_life_years",
        Domain::new(Gt(0.0), Any), None, Unit::Years,
        "years for the growth rate to halve (absent = no decay)"),
    def(InputId::Volatility, "revenue", "volatility", "revenue.volatility",
        Domain::new(Ge(0.0), Any), Some(0.0), Unit::Fraction,
        "annual volatility of demand (monthly lognormal shocks)"),
    def(InputId::CapUsd, "revenue", "cap_usd", "revenue.cap_usd",
        Domain::new(Gt(0.0), Any), None, Unit::Usd,
        "ceiling on the demand run-rate, USD/year (absent = no cap)"),
    def(InputId::PerGwYearUsd, "revenue", "per_gw_year_usd", "revenue.per_gw_year_usd",
        Domain::new(Ge(0.0), Any), None, Unit::Usd,
        "most revenue one GW online can serve per year, USD (absent = not limited by capacity)"),
    def(InputId::Margin, "revenue", "margin", "revenue.margin",
        Domain::new(Ge(0.0), Bound::Inclusive(1.0)), Some(1.0), Unit::Fraction,
        "share of revenue left after the cost of serving it (before capex and modelled opex)"),
    def(InputId::InitialCashUsd, "finance", "initial_cash_usd", "finance.initial_cash_usd",
        Domain::new(Any, Any), Some(0.0), Unit::Usd,
        "cash at the start, USD"),
    def(InputId::DiscountRate, "finance", "discount_rate", "finance.discount_rate",
        Domain::new(Gt(-1.0), Any), Some(0.10), Unit::Fraction,
        "annual discount rate for NPV"),
];

impl InputId {
    /// The catalogue entry of this input.
    pub fn def(self) -> &'static InputDef {
        &INPUTS[self as usize]
    }

    /// The full dotted key.
    pub fn key(self) -> &'static str {
        self.def().key
    }
}

/// Looks an input up by its full dotted key.
pub fn input_by_key(key: &str) -> Option<&'static InputDef> {
    INPUTS.iter().find(|d| d.key == key)
}

/// Sections that hold model inputs, in file order.
pub const INPUT_SECTIONS: [&str; 5] = ["plan", "build", "cost", "revenue", "finance"];

/// Keys of the `[scenario]` section.
pub const SCENARIO_KEYS: [&str; 7] = [
    "name",
    "title",
    "start",
    "horizon_years",
    "paths",
    "seed",
    "sampling",
];

/// Keys of the `[output]` section.
pub const OUTPUT_KEYS: [&str; 3] = ["dir", "trajectories", "charts"];

/// Top-level sections and arrays of tables.
pub const TOP_LEVEL: [&str; 9] = [
    "scenario",
    "plan",
    "build",
    "cost",
    "revenue",
    "finance",
    "correlations",
    "output",
    "variants",
];

/// Every key that `--set` accepts, as `section.key`.
pub fn settable_keys() -> Vec<String> {
    let mut keys: Vec<String> = SCENARIO_KEYS
        .iter()
        .map(|k| format!("scenario.{k}"))
        .collect();
    keys.extend(INPUTS.iter().map(|d| d.key.to_string()));
    keys.extend(OUTPUT_KEYS.iter().map(|k| format!("output.{k}")));
    keys
}

/// The keys of one section, for "did you mean" hints.
pub fn keys_of_section(section: &str) -> Vec<&'static str> {
    match section {
        "scenario" => SCENARIO_KEYS.to_vec(),
        "output" => OUTPUT_KEYS.to_vec(),
        _ => INPUTS
            .iter()
            .filter(|d| d.section == section)
            .map(|d| d.name)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_in_id_order_and_keys_match() {
        for (i, d) in INPUTS.iter().enumerate() {
            assert_eq!(d.id as usize, i, "{}", d.key);
            assert_eq!(d.key, format!("{}.{}", d.section, d.name));
            assert!(INPUT_SECTIONS.contains(&d.section));
            if let Some(v) = d.default {
                assert!(
                    d.domain.contains(v),
                    "default of {} outside its domain",
                    d.key
                );
            }
        }
    }

    #[test]
    fn domains_describe_themselves() {
        assert_eq!(InputId::TargetGw.def().domain.describe(), "> 0");
        assert_eq!(InputId::Utilization.def().domain.describe(), "in [0, 1]");
        assert_eq!(InputId::AnnualDecline.def().domain.describe(), "in (-1, 1)");
        assert_eq!(
            InputId::InitialCashUsd.def().domain.describe(),
            "any number"
        );
        assert!(!InputId::Growth.def().domain.contains(-1.0));
        assert!(InputId::Growth.def().domain.contains(-0.99));
        assert!(!InputId::Margin.def().domain.contains(f64::NAN));
    }
}
