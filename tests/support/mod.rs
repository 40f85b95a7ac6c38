// Test support for commands that talk to AWS: a moto server on loopback, a seeded organization,
// the request log, and a runner for the real patchform binary pointed at the emulator.
#![allow(dead_code, unused_imports)] // each test binary uses a different part of the harness
#![allow(clippy::unwrap_used, clippy::expect_used)] // test support fails loudly by design

pub mod base64;
pub mod moto;
pub mod org;
pub mod policy;
pub mod proxy;
pub mod recording;
pub mod rollout_hub;
pub mod run;
pub mod s3;

pub use moto::Moto;
pub use org::{OrgFixture, OrgSpec};
pub use proxy::{DenyBucketProxy, OrgViewProxy};
pub use recording::Request;
pub use rollout_hub::{RolloutHub, wave_state};
pub use run::{Run, patchform, patchform_with_env};
