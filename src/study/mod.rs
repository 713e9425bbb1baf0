//! Studies built from many runs (SPEC §7): sweeps over a grid of input
//! values, comparisons of scenarios, and solving for the input value that
//! meets a condition. Every run of a study uses the same seed and path
//! streams (common random numbers), so differences between runs come from
//! the inputs, not from sampling noise.

pub mod compare;
pub mod condition;
pub mod grid;
pub mod solve;
pub mod sweep;

use crate::engine::EngineError;
use crate::scenario::ScenarioError;

/// Why a study could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// A point, variant or value is not a valid scenario.
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// A run failed (e.g. interrupted).
    #[error("{0}")]
    Engine(#[from] EngineError),
    /// The request itself is impossible.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: String,
    },
}
