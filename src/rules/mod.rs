// Stage 2b: the semantic rules, what the schema cannot say. One file per family of checks.

mod baselines;
pub(crate) mod bedrock;
mod compliance;
pub(crate) mod cron;
mod duration_total;
pub(crate) mod hooks;
mod ids;
mod organization;
mod rates;
pub(crate) mod regions;
mod scan_rollout;
mod schedule;
mod wave_duration;
mod waves;

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::policy::Policy;
use crate::source::Span;

/// What every rule reads and where it reports.
pub(crate) struct Context<'a> {
    /// The typed policy.
    pub policy: &'a Policy,
    /// Spans by pointer.
    pub document: &'a Document,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    /// A diagnostic pointing at the value at `pointer`.
    pub(crate) fn value(
        &self,
        code: Code,
        pointer: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, message).at(pointer, self.document.span(pointer))
    }

    /// A diagnostic pointing at the key of the entry at `pointer`.
    pub(crate) fn key(&self, code: Code, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, message).at(pointer, self.document.key_span(pointer))
    }

    /// The value span at a pointer, for related labels.
    pub(crate) fn span(&self, pointer: &str) -> Option<Span> {
        self.document.span(pointer)
    }

    /// Record a finding.
    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// Run every semantic rule over a typed policy.
pub(crate) fn check(policy: &Policy, document: &Document) -> Vec<Diagnostic> {
    let mut context = Context {
        policy,
        document,
        diagnostics: Vec::new(),
    };
    ids::check(&mut context);
    rates::check(&mut context);
    schedule::check(&mut context);
    scan_rollout::check(&mut context);
    organization::check(&mut context);
    waves::check(&mut context);
    baselines::check(&mut context);
    hooks::check(&mut context);
    duration_total::check(&mut context);
    wave_duration::check(&mut context);
    compliance::check(&mut context);
    bedrock::check(&mut context);
    context.diagnostics
}
