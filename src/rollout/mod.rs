// Day-2 operations on a deployed policy's rollouts (`patchform rollout …`): find the hub from its
// stack outputs, read the audit table and the rollout's execution history, and start, approve,
// reject, stop, show and list rollouts. AWS calls go through crate::aws's traits only.

mod error;
mod hub;
mod operations;
mod phase;
pub(crate) mod render;
mod status;

pub(crate) use error::RolloutError;
pub(crate) use hub::find as find_hub;
pub(crate) use operations::{StartRequest, Started, approve, list, reject, start, status, stop};
pub(crate) use status::RolloutView;
