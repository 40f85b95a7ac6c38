// Rules for rates: each in the form SSM or StackSets accepts where it is used.

use super::Context;
use crate::code::Code;
use crate::policy::{Percent, Rate, RateError, RateUse};

pub(super) fn check(cx: &mut Context<'_>) {
    let policy = cx.policy;
    let rollout = &policy.organization.rollout;
    rate(
        cx,
        "/organization/rollout/max_concurrent",
        &rollout.max_concurrent,
    );
    rate(
        cx,
        "/organization/rollout/failure_tolerance",
        &rollout.failure_tolerance,
    );
    for (w, wave) in policy.waves.iter().enumerate() {
        rate(
            cx,
            &format!("/waves/{w}/account_concurrency"),
            &wave.account_concurrency,
        );
        rate(cx, &format!("/waves/{w}/concurrency"), &wave.concurrency);
        rate(cx, &format!("/waves/{w}/max_errors"), &wave.max_errors);
        rate(
            cx,
            &format!("/waves/{w}/abort_when_failed_accounts_exceed"),
            &wave.abort_when_failed_accounts_exceed,
        );
    }
    if let Some(remediation) = &policy.compliance.remediation {
        percent(
            cx,
            "/compliance/remediation/concurrency",
            &remediation.concurrency,
        );
        percent(
            cx,
            "/compliance/remediation/error_threshold",
            &remediation.error_threshold,
        );
    }
}

fn rate<U: RateUse>(cx: &mut Context<'_>, pointer: &str, value: &Rate<U>) {
    let Err(error) = value.value() else {
        return;
    };
    let (label, help) = match error {
        RateError::Syntax => (
            "not a count or a percentage",
            "write a whole count (\"5\") or a percentage (\"10%\")".to_owned(),
        ),
        RateError::PercentTooLarge => ("above 100%", "a percentage is at most 100%".to_owned()),
        RateError::Zero => (
            "zero allows nothing to run",
            "at least 1 (or 1%) must be in flight; SSM rejects 0 here".to_owned(),
        ),
        RateError::LeadingZero => (
            "leading zero",
            format!(
                "write `{}` without the leading zero(s)",
                value.as_str().trim_start_matches('0')
            ),
        ),
    };
    let d = cx
        .value(
            Code::RateInvalid,
            pointer,
            format!("`{value}` is not a valid rate here"),
        )
        .label(label)
        .help(help);
    cx.report(d);
}

fn percent(cx: &mut Context<'_>, pointer: &str, value: &Percent) {
    if value.value().is_none() {
        let d = cx
            .value(
                Code::RateInvalid,
                pointer,
                format!("`{value}` is not a percentage from 1% to 100%"),
            )
            .label("expected 1%–100%")
            .help("AWS Config execution controls take whole percentages from 1% to 100%");
        cx.report(d);
    }
}
