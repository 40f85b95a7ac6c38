// patchform: compile one YAML patch policy into AWS infrastructure, then diff and deploy it.
//
// The pipeline, one module per stage: load → validate → plan → render → (diff | deploy).

pub mod code;
pub mod diagnostic;
pub mod document;
pub mod loader;
pub mod policy;
pub mod run;
pub mod schema;
pub mod source;
