// patchform: compile one YAML patch policy into AWS infrastructure, then diff and deploy it.
//
// The pipeline, one module per stage: load → validate → plan → render → (diff | deploy).
// Around it: the CLI (cli, run, commands), the diagnostic model (code, diagnostic, report) and
// the output streams. The deploy leg (modules aws, deploy, rollout) is the cargo feature `aws`,
// on by default.

pub mod artifact;
#[cfg(feature = "aws")]
pub mod aws;
pub(crate) mod calendar;
pub mod cli;
pub mod code;
pub mod commands;
pub mod compiler;
#[cfg(feature = "aws")]
pub(crate) mod deploy;
pub(crate) mod diagnostic;
pub mod diff;
pub(crate) mod digest;
#[cfg(test)]
mod doc_sync;
pub(crate) mod document;
pub(crate) mod error;
pub(crate) mod exit;
pub(crate) mod git;
pub(crate) mod loader;
#[cfg(test)]
mod module_graph;
pub(crate) mod naming;
pub(crate) mod output;
pub(crate) mod plan;
pub mod policy;
pub mod render;
pub mod report;
#[cfg(feature = "aws")]
pub(crate) mod rollout;
pub(crate) mod rules;
pub mod run;
pub mod schema;
pub(crate) mod schema_check;
pub(crate) mod source;
pub(crate) mod suggestion;
pub mod validator;
