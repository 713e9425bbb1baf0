//! capsim: a Monte Carlo capacity-and-cost scenario simulator for AI
//! compute build-outs.
//!
//! Data flows one way:
//!
//! ```text
//! scenario file ─▶ scenario (parse → validate) ─▶ sampling (streams, LHS, copula)
//!    ─▶ model (one path, pure) ─▶ stats (sketches, percentiles, sensitivity)
//!    ─▶ output (CSV, JSON, charts) ◀─ the `capsim` binary (arguments, printing)
//! ```
//!
//! [`engine::run`] ties the middle together: it simulates a
//! [`scenario::Scenario`] and returns [`engine::RunResults`];
//! [`output::write_run`] writes them.

pub mod dist;
pub mod engine;
pub mod model;
pub mod output;
pub mod sampling;
pub mod scenario;
pub mod stats;
pub mod study;
pub mod time;

#[cfg(test)]
mod test_rng;
