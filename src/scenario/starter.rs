//! The commented starter scenario written by `capsim new NAME`.

/// A starter scenario named `name`, explaining every key. It passes
/// `capsim check` as written.
pub fn starter(name: &str) -> String {
    TEMPLATE.replace("{name}", name)
}

const TEMPLATE: &str = r#"# {name}: a capsim scenario.
#
# Say here what question this scenario answers, and cite a source for every
# number (a report, a filing, an article) or write "judgement".
#
# Values: a number (30, 0.5), a string with a suffix ("40B", "$1.4T",
# "500M", "20k", "5%"), a 90% interval ("40B to 60B": lognormal when the
# low end is > 0, else normal), or a distribution table:
#   { dist = "uniform",    min = 12, max = 24 }
#   { dist = "triangular", min = 40, mode = 70, max = 120 }
#   { dist = "pert",       min = 0.1, mode = 0.3, max = 1.0 }     # lambda = 4
#   { dist = "normal",     mean = "100%", sd = "30%", min = "-50%" }
#   { dist = "lognormal",  p5 = "40B", p95 = "60B" }    # or mu+sigma, median+sigma,
#                                                       # mean+sd, p10+p90, p25+p75
#   { dist = "beta",       alpha = 2, beta = 5, min = 0, max = 1 }
#   { dist = "discrete",   values = [4, 5, 6], weights = [1, 2, 1] }
# Check what you wrote means what you think: `capsim check {name}.toml`
# prints every input's P5/P50/P95.
#
# The model's equations, and what each key means in them: docs/model.md.
# Worked scenarios with cited sources: scenarios/ (start with openai-30gw.toml).

[scenario]
name = "{name}"               # output folder name: lower-case letters, digits, - and _
title = "{name}"              # shown on charts and reports
start = "2025-11"             # first simulated month, YYYY-MM
horizon_years = 10            # simulated months = 12 x this (at most 600)
paths = 10000                 # Monte Carlo paths (more = smoother percentiles)
seed = 1                      # same seed + same file = the same numbers
sampling = "lhs"              # "lhs" (Latin hypercube) or "mc" (plain Monte Carlo, the
                              # default when left out)

[plan]
target_gw = 30                # capacity the plan aims for, GW
commitment_usd = "1.4T"       # announced spending, for commitment_coverage
initial_gw = 0                # capacity online at the start (sunk cost)

[build]
rate_gw_per_week = { dist = "pert", min = 0.1, mode = 0.3, max = 1.0 }   # construction starts, GW/week
ramp_months = 12              # months to ramp up to full pace
start_delay_months = 0        # months before construction starts
lag_months = { dist = "uniform", min = 12, max = 24 }   # construction start to online

[cost]
per_gw_usd = "40B to 60B"     # capital cost per GW at the start (facility + hardware)
annual_decline = "0%"         # yearly fall of the cost per GW
hardware_share = 0.6          # hardware part of the cost: bought at go-live, replaced every life
hardware_life_years = 5       # years before hardware is replaced
power_price_usd_per_mwh = 70  # electricity price
utilization = 0.8             # average draw as a share of capacity
fixed_opex_per_gw_year_usd = "0.5B"   # other operating cost per GW per year

[revenue]
initial_run_rate_usd = "20B"  # annualised revenue at the start
growth = "100%"               # yearly demand growth at the start
# growth_half_life_years = 3  # years for growth to halve (leave out: no decay)
volatility = "25%"            # yearly demand volatility (0 = no shocks)
# cap_usd = "2T"              # ceiling on demand (leave out: no cap)
# per_gw_year_usd = "10B"     # most revenue 1 GW can serve per year (leave out: no limit)
margin = "70%"                # share of revenue left after serving it

[finance]
initial_cash_usd = "0"        # cash at the start
discount_rate = "10%"         # yearly rate for NPV

# Rank (Spearman) correlations between uncertain inputs, -1 to 1:
[[correlations]]
a = "build.rate_gw_per_week"
b = "cost.per_gw_usd"
rank = 0.3

[output]
# dir = "outputs/{name}"      # where results go (default outputs/<name>)
trajectories = 100            # full monthly paths in trajectories.csv
charts = true                 # PNG charts and report.html

# Named variants change several inputs at once; `capsim compare {name}.toml`
# runs each as its own scenario (a file with variants counts as its
# variants, so list the file as written too), `capsim run --variant NAME`
# one of them.
# [[variants]]
# name = "base"
# set = {}
# [[variants]]
# name = "bull"
# set = { "revenue.growth" = "150%", "cost.annual_decline" = "10%" }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn starter_passes_validation() {
        let s =
            Scenario::from_str("my-plan.toml", Some("my-plan"), &starter("my-plan"), &[]).unwrap();
        assert_eq!(s.name, "my-plan");
        assert_eq!(s.uncertain_inputs().len(), 3);
        assert_eq!(s.correlations.len(), 1);
    }
}
