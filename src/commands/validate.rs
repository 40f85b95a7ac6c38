// `patchform validate`: check policies and report every problem, in the chosen format.

use crate::cli::{DiagnosticFormat, ValidateArgs};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, FileReport};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::output::Output;
use crate::plan::{self, PlanError};
use crate::policy::Policy;
use crate::validator::{self, Validated};

/// Validate each policy; exit 1 when any has errors (or warnings with --deny-warnings).
pub fn execute(args: &ValidateArgs, output: &mut Output) -> Result<ExitStatus, Error> {
    let results: Vec<Validated> = args
        .policies
        .iter()
        .map(|p| with_plan_limits(validator::validate_path(p)))
        .collect();
    report(&results, args.format, args.deny_warnings, output)
}

/// A valid policy is also planned, so a figure no AWS design can hold (too many target
/// locations, excluded accounts or history events) is reported like any other error instead
/// of surfacing only when `build` compiles it.
pub fn with_plan_limits(mut validated: Validated) -> Validated {
    let Some(policy) = &validated.policy else {
        return validated;
    };
    let Err(error) = plan::plan(policy) else {
        return validated;
    };
    let pointer = plan_error_pointer(&error, policy);
    let span = validated.document.as_ref().and_then(|d| d.span(&pointer));
    let diagnostic = Diagnostic::new(Code::PlanLimit, error.to_string()).at(pointer, span);
    let report = std::mem::replace(
        &mut validated.report,
        FileReport::new(crate::source::Source::new("", String::new()), Vec::new()),
    );
    let mut diagnostics = report.diagnostics;
    diagnostics.push(diagnostic);
    validated.report = FileReport::new(report.source, diagnostics);
    validated.policy = None;
    validated
}

/// The policy node a planning failure is about.
fn plan_error_pointer(error: &PlanError, policy: &Policy) -> String {
    match error {
        PlanError::TooManyTargetLocations { wave, .. } => policy
            .waves
            .iter()
            .position(|w| &w.name == wave)
            .map(|i| format!("/waves/{i}/targets"))
            .unwrap_or_else(|| "/waves".to_owned()),
        PlanError::TooManyExcludedAccounts { .. } => {
            "/organization/targets/exclude_accounts".to_owned()
        }
        PlanError::HistoryTooLong { .. } => "/waves".to_owned(),
        _ => String::new(),
    }
}

/// Print the diagnostics of validated policies and decide the exit status; shared with `build`.
pub fn report(
    results: &[Validated],
    format: DiagnosticFormat,
    deny_warnings: bool,
    output: &mut Output,
) -> Result<ExitStatus, Error> {
    let reports: Vec<_> = results.iter().map(|r| r.report.clone()).collect();
    match format {
        DiagnosticFormat::Human => {
            crate::report::render(format, &reports, output.color_stderr, &mut output.stderr)?
        }
        _ => crate::report::render(format, &reports, false, &mut output.stdout)?,
    }
    let mut status = ExitStatus::Success;
    for result in results {
        if result.unreadable {
            status = status.max(ExitStatus::Error);
        } else if result.has_errors() || (deny_warnings && result.report.warning_count() > 0) {
            status = status.max(ExitStatus::Failure);
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid policy whose one wave names 5,001 accounts: 101 SSM target locations of 50.
    fn too_many_locations() -> String {
        let ids: Vec<String> = (0..5_001u64)
            .map(|i| format!("\"{:012}\"", 100_000_000_000 + i))
            .collect();
        let ids = ids.join(", ");
        format!(
            "version: 1\nname: large-fleet\nhub:\n  account: \"999999999999\"\n  region: eu-west-1\norganization:\n  permission_model: self_managed\n  targets:\n    accounts: [{ids}]\n  regions: [eu-west-1]\nwaves:\n  - name: everyone\n    targets:\n      accounts: [{ids}]\n"
        )
    }

    #[test]
    fn validate_reports_a_plan_limit_as_an_error_at_the_wave() {
        let validated = validator::validate_text("large.yaml", &too_many_locations());
        assert!(!validated.has_errors(), "the policy itself is valid");
        let planned = with_plan_limits(validated);
        assert!(planned.has_errors());
        assert!(planned.policy.is_none());
        let diagnostic = planned
            .report
            .diagnostics
            .iter()
            .find(|d| d.code == Code::PlanLimit)
            .expect("a plan-limit diagnostic");
        assert_eq!(diagnostic.pointer, "/waves/0/targets");
        assert!(diagnostic.span.is_some());
        assert!(
            diagnostic.message.contains("101 SSM target locations"),
            "{}",
            diagnostic.message
        );
    }

    #[test]
    fn a_policy_that_plans_is_unchanged() {
        let text = "version: 1\nname: tiny\nhub:\n  account: \"111111111111\"\n  region: us-east-1\norganization:\n  targets:\n    organizational_units: [ou-ab12-11111111]\n  regions: [us-east-1]\nwaves:\n  - name: first\n    targets:\n      organizational_units: [ou-ab12-11111111]\n";
        let validated = validator::validate_text("tiny.yaml", text);
        let count = validated.report.diagnostics.len();
        let planned = with_plan_limits(validated);
        assert!(planned.policy.is_some());
        assert_eq!(planned.report.diagnostics.len(), count);
    }
}
