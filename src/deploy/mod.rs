// Stage 6, deploy: make AWS match a compiled policy — preflight, plan, hub stack, stack set in
// wave order — and destroy it again. All AWS access goes through `crate::aws` traits.

mod bucket;
mod console;
mod deployer;
mod desired;
mod destroyer;
mod error;
#[cfg(test)]
mod failure_tests;
mod hub;
mod operations;
mod org_tree;
mod poll;
mod preflight;
mod problem;
mod report;
mod rollout;
mod stack_set;
mod summary;
mod targets;
mod upload;

pub(crate) use console::Console;
pub(crate) use deployer::{DeployOptions, deploy};
pub(crate) use destroyer::{DestroyOptions, destroy};
pub(crate) use error::DeployError;
