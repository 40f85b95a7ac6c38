// Test support: the `Test` runner of the real binary, a moto server on loopback, a seeded organization,
// the request log, the rollout harness.
#![allow(dead_code, unused_imports)] // not every helper is used by a test today
#![allow(clippy::unwrap_used, clippy::expect_used)] // test support fails loudly by design

pub(crate) mod base64;
pub(crate) mod moto;
pub(crate) mod org;
pub(crate) mod policy;
pub(crate) mod proxy;
pub(crate) mod recording;
pub(crate) mod rollout_hub;
pub(crate) mod run;
pub(crate) mod s3;

pub(crate) use moto::Moto;
pub(crate) use org::{OrgFixture, OrgSpec};
pub(crate) use proxy::{DenyBucketProxy, OrgViewProxy};
pub(crate) use recording::Request;
pub(crate) use rollout_hub::{RolloutHub, wave_state};
pub(crate) use run::{Run, Test, patchform, patchform_with_env};
