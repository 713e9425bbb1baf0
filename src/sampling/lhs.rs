//! Latin hypercube strata: for each uncertain input, a random permutation
//! of 0..paths saying which of `paths` equal-probability strata each path
//! draws from. Each input's permutation comes from its own stream (keyed by
//! the input's slot, not its position), so it is the same in every sweep
//! point and at any thread count.

use rand::RngExt;
use rayon::prelude::*;

use crate::scenario::InputId;

/// One permutation of 0..paths per input (Fisher–Yates).
pub fn strata(key: [u8; 32], stream_base: u64, inputs: &[InputId], paths: u64) -> Vec<Vec<u32>> {
    inputs
        .par_iter()
        .map(|&id| {
            let mut rng = super::stream(key, stream_base + id as u64);
            let mut perm: Vec<u32> = (0..paths as u32).collect();
            for i in (1..perm.len()).rev() {
                let j = rng.random_range(0..=i as u32) as usize;
                perm.swap(i, j);
            }
            perm
        })
        .collect()
}
