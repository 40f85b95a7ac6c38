// The integration tests, one crate so the suite links one binary: each module tests one command
// or concern through the real binary or the library; `support` holds the shared harness.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "../fixtures/build/common.rs"]
mod common;
mod support;

mod build_cli;
mod build_keys;
mod build_lint;
mod calendar;
mod checkov;
mod cli;
mod deploy_artifact_bucket;
mod deploy_bench;
mod deploy_fetch_deployed;
mod deploy_moto;
mod destroy_moto;
mod diff_cli;
mod diff_mermaid;
mod diff_policy;
mod diff_readable;
mod diff_templates;
mod hub_security;
mod jsonata_expressions;
mod rollout_check;
mod rollout_cli;
mod validate;
