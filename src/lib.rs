// patchform: compile one YAML patch policy into AWS infrastructure, then diff and deploy it.
//
// The pipeline, one module per stage: load → validate → plan → render → (diff | deploy).
// Around it: the CLI (cli, run, commands), the diagnostic model (code, diagnostic, report) and
// the output streams. The deploy leg (modules aws, deploy, rollout) is the cargo feature `aws`,
// on by default.

pub mod artifact;
#[cfg(feature = "aws")]
pub mod aws;
pub mod calendar;
pub mod cli;
pub mod code;
pub mod commands;
pub mod compiler;
#[cfg(feature = "aws")]
pub mod deploy;
pub mod diagnostic;
pub mod diff;
pub mod digest;
#[cfg(test)]
mod doc_sync;
pub mod document;
pub mod error;
pub mod exit;
pub mod git;
pub mod loader;
#[cfg(test)]
mod module_graph;
pub mod naming;
pub mod output;
pub mod plan;
pub mod policy;
pub mod render;
pub mod report;
#[cfg(feature = "aws")]
pub mod rollout;
pub mod rules;
pub mod run;
pub mod schema;
pub mod schema_check;
pub mod source;
pub mod suggestion;
pub mod validator;
