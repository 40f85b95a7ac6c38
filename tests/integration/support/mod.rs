// Test support: the `Test` runner of the real binary, a moto server on loopback, a seeded organization,
// the request log, the rollout harness.
#![allow(dead_code, unused_imports)] // not every helper is used by a test today
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
pub use run::{Run, Test, patchform, patchform_with_env};
