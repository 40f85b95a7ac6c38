// Day-2 operations on a deployed policy's rollouts (`patchform rollout …`): find the hub from its
// stack outputs, read the audit table and the rollout's execution history, and start, approve,
// reject, stop, show and list rollouts. AWS calls go through crate::aws's traits only.

mod error;
mod hub;
mod operations;
mod phase;
pub mod render;
mod status;

pub use error::RolloutError;
pub use hub::{Hub, find as find_hub};
pub use operations::{
    Answered, STOPPED_ERROR, StartRequest, Started, StopOutcome, approve, list, reject, start,
    start_input, status, stop,
};
pub use phase::Phase;
pub use status::{RolloutSummary, RolloutView, WaveState, WaveView};
