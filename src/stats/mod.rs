//! Statistics, free of I/O: exact metric percentiles and sensitivities
//! ([`summary`]), streaming monthly bands ([`bands`], via [`sketch`]).

pub mod bands;
pub mod quantile;
pub mod rank;
pub mod sketch;
pub mod summary;

pub use bands::{BandRow, BandSketches, Bands, ExactBlock};
pub use quantile::{PERCENTILES, PERCENTILE_NAMES};
pub use summary::{analyze, MetricSummary, PathStatistics, SensitivityEntry};
