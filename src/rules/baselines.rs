// Rules for `baselines`: classifications, severities and options valid for each operating system.

use super::Context;
use crate::code::Code;
use crate::policy::{Baseline, OperatingSystem};

pub(super) fn check(cx: &mut Context<'_>) {
    for (os, baseline) in &cx.policy.baselines {
        let base = format!("/baselines/{}", os.key());
        values(cx, &base, *os, baseline);
        if baseline.approve_after_days.is_some() && !os.supports_approve_after_days() {
            let d = cx
                .key(Code::BaselineApproveAfterDays, &format!("{base}/approve_after_days"), format!("`approve_after_days` is not supported for {}", os.key()))
                .label("not for this OS")
                .help("Ubuntu and Debian repositories carry no release dates: remove `approve_after_days`");
            cx.report(d);
        }
        if baseline.security_only {
            let pointer = format!("{base}/security_only");
            if !os.is_linux() || !os.supports_approve_after_days() {
                let d = cx
                    .key(
                        Code::BaselineSecurityOnly,
                        &pointer,
                        format!("`security_only` does not apply to {}", os.key()),
                    )
                    .label("Linux (yum/zypper) only")
                    .help(if *os == OperatingSystem::Windows {
                        "use `classifications: [security_updates]` on Windows"
                    } else {
                        "use `severities` (or `classifications` where the OS has them) instead"
                    });
                cx.report(d);
            } else if !baseline.classifications.is_empty() {
                let d = cx
                    .key(Code::BaselineSecurityOnly, &pointer, "`security_only` and `classifications` cannot be combined")
                    .label("conflicts with classifications")
                    .related(cx.span(&format!("{base}/classifications")), "classifications given here")
                    .help("`security_only: true` means `classifications: [security]`; keep one of the two");
                cx.report(d);
            }
        }
    }
}

fn values(cx: &mut Context<'_>, base: &str, os: OperatingSystem, baseline: &Baseline) {
    for (field, given, (_, accepted), code) in [
        (
            "classifications",
            &baseline.classifications,
            os.classifications(),
            Code::BaselineClassification,
        ),
        (
            "severities",
            &baseline.severities,
            os.severities(),
            Code::BaselineSeverity,
        ),
    ] {
        let names: Vec<&str> = accepted.iter().map(|(name, _)| *name).collect();
        for (i, value) in given.iter().enumerate() {
            if names.contains(&value.as_str()) {
                continue;
            }
            let singular = if field == "severities" {
                "severity"
            } else {
                "classification"
            };
            let help = if names.is_empty() {
                format!("{} has no {field}; remove `{field}`", os.key())
            } else {
                match crate::suggestion::closest(value, names.iter().copied()) {
                    Some(near) => format!(
                        "did you mean `{near}`? {} takes {}",
                        os.key(),
                        crate::schema_check::list(&names)
                    ),
                    None => format!("{} takes {}", os.key(), crate::schema_check::list(&names)),
                }
            };
            let d = cx
                .value(
                    code,
                    &format!("{base}/{field}/{i}"),
                    format!("`{value}` is not a {} {singular}", os.key()),
                )
                .label(format!("unknown for {}", os.key()))
                .help(help);
            cx.report(d);
        }
    }
}
