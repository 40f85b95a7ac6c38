// Rules for `compliance`: remediation needs the Config rule, and automatic remediation is flagged.

use super::Context;
use crate::code::Code;

pub(super) fn check(cx: &mut Context<'_>) {
    let compliance = &cx.policy.compliance;
    let Some(remediation) = &compliance.remediation else {
        return;
    };
    if !compliance.config_rule {
        let d = cx
            .key(
                Code::RemediationNeedsRule,
                "/compliance/remediation",
                "remediation needs the Config rule",
            )
            .label("remediation without `config_rule: true`")
            .help("set `compliance.config_rule: true`, or remove `remediation`");
        cx.report(d);
    }
    if remediation.automatic {
        let d = cx
            .key(
                Code::AutomaticRemediation,
                "/compliance/remediation/automatic",
                "automatic remediation patches nodes at any time, outside the waves",
            )
            .label("remediates without the waves")
            .help("AWS Config starts it on any NON_COMPLIANT node whenever the rule evaluates, outside the waves' order, approvals and schedule; patchform's remediation installs only the patch set of the last rollout that finished successfully (or only scans before the first one). Set `automatic: false` to run remediation only by hand");
        cx.report(d);
    }
}
