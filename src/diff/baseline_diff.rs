// The baselines part of the policy summary: custom baselines added or removed, and each one
// loosened (approves more patches, or sooner) or tightened.

use super::magnitude::{self, Direction};
use super::policy_diff::{Changes, join, snake};
use super::report::ChangeKind;
use crate::policy::{Baseline, OperatingSystem};
use std::collections::BTreeMap;

/// Compare the baselines of two policies.
pub(super) fn compare(
    old: &BTreeMap<OperatingSystem, Baseline>,
    new: &BTreeMap<OperatingSystem, Baseline>,
    changes: &mut Changes,
) {
    for (os, baseline) in new {
        let path = format!("baselines.{}", os.key());
        match old.get(os) {
            None => changes.push(
                path,
                ChangeKind::Added,
                format!(
                    "custom {} baseline added (replaces the AWS default)",
                    os.key()
                ),
                None,
                Some(describe(*os, baseline)),
                None,
            ),
            Some(before) => compare_one(&path, *os, before, baseline, changes),
        }
    }
    for (os, baseline) in old {
        if !new.contains_key(os) {
            changes.push(
                format!("baselines.{}", os.key()),
                ChangeKind::Removed,
                format!(
                    "custom {} baseline removed: the AWS default baseline applies",
                    os.key()
                ),
                Some(describe(*os, baseline)),
                None,
                None,
            );
        }
    }
}

fn compare_one(path: &str, os: OperatingSystem, o: &Baseline, n: &Baseline, changes: &mut Changes) {
    filter(
        path,
        "classifications",
        &classifications(os, o),
        &classifications(os, n),
        changes,
    );
    filter(path, "severities", &o.severities, &n.severities, changes);
    let (a, b) = (approve_after_days(os, o), approve_after_days(os, n));
    if let Some(d) = magnitude::number(a, b) {
        let (word, risk) = match d {
            Direction::Lowered => (
                "loosened",
                Some(format!(
                    "patches are approved {b} days after release instead of {a}: less time for a bad patch to be withdrawn"
                )),
            ),
            _ => ("tightened", None),
        };
        changes.modified(
            format!("{path}.approve_after_days"),
            format!("baseline {word}: approval delay {}", d.verb()),
            a,
            b,
            risk,
        );
    }
    let gained: Vec<&String> = n
        .approved_patches
        .iter()
        .filter(|p| !o.approved_patches.contains(p))
        .collect();
    let lost: Vec<&String> = o
        .approved_patches
        .iter()
        .filter(|p| !n.approved_patches.contains(p))
        .collect();
    if !gained.is_empty() {
        changes.push(
            format!("{path}.approved_patches"),
            ChangeKind::Added,
            "baseline loosened: patches approved explicitly",
            None,
            Some(join(&gained)),
            None,
        );
    }
    if !lost.is_empty() {
        changes.push(
            format!("{path}.approved_patches"),
            ChangeKind::Removed,
            "baseline tightened: explicit approvals withdrawn",
            Some(join(&lost)),
            None,
            None,
        );
    }
    let gained: Vec<&String> = n
        .rejected_patches
        .iter()
        .filter(|p| !o.rejected_patches.contains(p))
        .collect();
    let lost: Vec<&String> = o
        .rejected_patches
        .iter()
        .filter(|p| !n.rejected_patches.contains(p))
        .collect();
    if !gained.is_empty() {
        changes.push(
            format!("{path}.rejected_patches"),
            ChangeKind::Added,
            "baseline tightened: patches rejected",
            None,
            Some(join(&gained)),
            None,
        );
    }
    if !lost.is_empty() {
        changes.push(
            format!("{path}.rejected_patches"),
            ChangeKind::Removed,
            "baseline loosened: rejections withdrawn",
            Some(join(&lost)),
            None,
            Some(format!(
                "patches rejected until now ({}) can be installed",
                join(&lost)
            )),
        );
    }
    if o.compliance_level != n.compliance_level {
        changes.modified(
            format!("{path}.compliance_level"),
            "compliance level changed",
            snake(&o.compliance_level),
            snake(&n.compliance_level),
            None,
        );
    }
}

/// A value filter where an empty list means "all values": gaining a value, or going from some to
/// all, loosens; losing one tightens.
fn filter(path: &str, what: &str, old: &[String], new: &[String], changes: &mut Changes) {
    let path = format!("{path}.{what}");
    let show = |v: &[String]| {
        if v.is_empty() {
            "all".to_owned()
        } else {
            v.join(", ")
        }
    };
    if old.is_empty() && !new.is_empty() {
        changes.modified(
            path,
            format!("baseline tightened: {what} restricted"),
            "all",
            show(new),
            None,
        );
        return;
    }
    if !old.is_empty() && new.is_empty() {
        changes.modified(
            path,
            format!("baseline loosened: every {what} value approved"),
            show(old),
            "all",
            None,
        );
        return;
    }
    let gained: Vec<&String> = new.iter().filter(|v| !old.contains(v)).collect();
    let lost: Vec<&String> = old.iter().filter(|v| !new.contains(v)).collect();
    if !gained.is_empty() {
        changes.push(
            path.clone(),
            ChangeKind::Added,
            format!("baseline loosened: {what} gained"),
            None,
            Some(join(&gained)),
            None,
        );
    }
    if !lost.is_empty() {
        changes.push(
            path,
            ChangeKind::Removed,
            format!("baseline tightened: {what} lost"),
            Some(join(&lost)),
            None,
            None,
        );
    }
}

/// The classifications a baseline approves, with `security_only` spelled out.
fn classifications(os: OperatingSystem, baseline: &Baseline) -> Vec<String> {
    if baseline.security_only && baseline.classifications.is_empty() {
        vec![os.security_classification().to_ascii_lowercase()]
    } else {
        baseline.classifications.clone()
    }
}

fn approve_after_days(os: OperatingSystem, baseline: &Baseline) -> u32 {
    baseline
        .approve_after_days
        .unwrap_or(if os.supports_approve_after_days() {
            Baseline::DEFAULT_APPROVE_AFTER_DAYS
        } else {
            0
        })
}

fn describe(os: OperatingSystem, baseline: &Baseline) -> String {
    let list = |v: &[String]| {
        if v.is_empty() {
            "all".to_owned()
        } else {
            v.join("|")
        }
    };
    format!(
        "classifications {}; severities {}; approve after {} days",
        list(&classifications(os, baseline)),
        list(&baseline.severities),
        approve_after_days(os, baseline)
    )
}
