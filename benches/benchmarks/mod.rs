//! Benchmark groups, one file each.

pub mod aggregation;
pub mod distributions;
pub mod end_to_end;
pub mod model;
pub mod output;
