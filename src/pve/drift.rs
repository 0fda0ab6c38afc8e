//! The drift of a live cluster from a plan, read through the API: the guest list
//! compared by `crate::drift`, with the descriptions it asks about read here.

use super::{Client, LiveGuest};
use crate::diag::Diagnostic;
use crate::drift::{self, Drift};

/// The drift of the cluster's guests from the plan. A description is read only for
/// a guest the plan does not explain; the first failure stops it.
pub fn drift_of(
    client: &Client,
    plan: &crate::ir::Plan,
    live: &[LiveGuest],
) -> Result<Vec<Drift>, Diagnostic> {
    let mut failed = None;
    let drift = drift::compare(plan, live, &mut |guest| {
        if failed.is_some() {
            return false;
        }
        match super::description(client, guest) {
            Ok(text) => drift::is_managed(&text),
            Err(problem) => {
                failed = Some(problem);
                false
            }
        }
    });
    match failed {
        Some(problem) => Err(problem),
        None => Ok(drift),
    }
}
