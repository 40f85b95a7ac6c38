// Policy changes no comparator words: every changed key still reaches the review, as `key changed`.
//
// The comparators (policy_diff, wave_diff, baseline_diff) word the keys they know, with direction
// and risk. A key they do not know yet (one just added to the policy language) or a change they
// overlook would otherwise leave the policy summary silent; this pass compares the two policies
// as data and reports every changed key that no change reported already covers.

use super::policy_diff::Changes;
use super::report::ChangeKind;
use crate::policy::{Duration, Policy, ThresholdRate};
use serde_json::{Map, Value};

/// Report each changed key of the policy that no reported change covers, unless old and new are
/// one value spelled two ways (`1h` and `60m`, a list in another order).
pub(super) fn compare(old: &Policy, new: &Policy, changes: &mut Changes) {
    // A Policy always serializes (plain data, string keys); if it did not, there is nothing to add.
    let (Ok(old), Ok(new)) = (serde_json::to_value(old), serde_json::to_value(new)) else {
        return;
    };
    let (old, new) = (waves_by_name(old), waves_by_name(new));
    let mut leaves = Vec::new();
    walk(Some(&old), Some(&new), "", &mut leaves);
    for (path, old, new) in leaves {
        if covered(&path, changes) || same_meaning(old, new) {
            continue;
        }
        let (kind, verb) = match (old, new) {
            (None, _) => (ChangeKind::Added, "set"),
            (_, None) => (ChangeKind::Removed, "removed"),
            _ => (ChangeKind::Modified, "changed"),
        };
        let key = path.rsplit('.').next().unwrap_or(&path).to_owned();
        changes.push(
            path,
            kind,
            format!("`{key}` {verb}"),
            old.map(shown),
            new.map(shown),
            None,
        );
    }
}

/// Waves as a map keyed by name, so a wave's keys have the path `waves.<name>.<key>` that the
/// wave comparator uses, and a reordering changes no key.
fn waves_by_name(mut policy: Value) -> Value {
    if let Some(Value::Array(waves)) = policy.get_mut("waves") {
        let keyed: Map<String, Value> = waves
            .drain(..)
            .map(|wave| {
                let name = wave
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                (name, wave)
            })
            .collect();
        policy["waves"] = Value::Object(keyed);
    }
    policy
}

type Leaf<'a> = (String, Option<&'a Value>, Option<&'a Value>);

/// Every key whose value differs: objects are followed key by key, anything else is one value.
fn walk<'a>(old: Option<&'a Value>, new: Option<&'a Value>, path: &str, out: &mut Vec<Leaf<'a>>) {
    match (old, new) {
        (Some(a), Some(b)) if a == b => {}
        (None, None) => {}
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().collect();
            keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(a.get(key), b.get(key), &child, out);
            }
        }
        _ => out.push((path.to_owned(), old, new)),
    }
}

/// A change reported at this path, above it (`waves.prod.approval` added) or below it.
fn covered(path: &str, changes: &Changes) -> bool {
    changes.0.iter().any(|c| {
        c.path == path
            || path.starts_with(&format!("{}.", c.path))
            || c.path.starts_with(&format!("{path}."))
    })
}

/// The same value in two spellings: durations of equal length, rates of equal value, lists with
/// the same items, numbers of equal value.
fn same_meaning(old: Option<&Value>, new: Option<&Value>) -> bool {
    match (old, new) {
        (Some(Value::String(a)), Some(Value::String(b))) => {
            let seconds = |s: &str| Duration::from(s).seconds().ok();
            let rate = |s: &str| ThresholdRate::from(s).value().ok();
            (seconds(a).is_some() && seconds(a) == seconds(b))
                || (rate(a).is_some() && rate(a) == rate(b))
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            a.len() == b.len() && a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
        }
        (Some(Value::Number(a)), Some(Value::Number(b))) => a.as_f64() == b.as_f64(),
        _ => false,
    }
}

/// A value as the summary shows it: strings bare, anything else as compact JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn leaves(old: Value, new: Value) -> Vec<String> {
        let (old, new) = (waves_by_name(old), waves_by_name(new));
        let mut out = Vec::new();
        walk(Some(&old), Some(&new), "", &mut out);
        out.into_iter().map(|(path, _, _)| path).collect()
    }

    #[test]
    fn waves_are_followed_by_name_and_their_order_is_no_key() {
        let old = json!({"waves": [{"name": "a", "x": 1}, {"name": "b", "x": 2}]});
        let new = json!({"waves": [{"name": "b", "x": 2}, {"name": "a", "x": 3, "y": true}]});
        assert_eq!(leaves(old, new), ["waves.a.x", "waves.a.y"]);
    }

    #[test]
    fn spellings_of_one_value_are_not_changes() {
        let s = |v: &str| Value::String(v.to_owned());
        assert!(same_meaning(Some(&s("1h")), Some(&s("60m"))));
        assert!(!same_meaning(Some(&s("1h")), Some(&s("2h"))));
        assert!(same_meaning(
            Some(&json!(["a", "b"])),
            Some(&json!(["b", "a"]))
        ));
        assert!(!same_meaning(Some(&json!(["a"])), Some(&json!(["a", "b"]))));
        assert!(same_meaning(Some(&json!(1)), Some(&json!(1.0))));
        assert!(!same_meaning(Some(&s("canary")), Some(&s("prod"))));
        assert!(!same_meaning(None, Some(&s("1h"))));
    }

    #[test]
    fn a_reported_change_covers_its_keys_and_their_parents() {
        let mut changes = Changes::default();
        changes.modified("waves.prod.approval", "approval gate added", "", "", None);
        assert!(covered("waves.prod.approval.timeout", &changes));
        assert!(covered("waves.prod.approval", &changes));
        assert!(covered("waves.prod", &changes));
        assert!(!covered("waves.prod.bake_time", &changes));
        assert!(!covered("waves.production.approval", &changes));
    }

    fn policy(wave_keys: &str) -> Policy {
        let text = format!(
            "version: 1\nname: fleet\nhub:\n  account: \"111111111111\"\n  region: eu-west-1\norganization:\n  permission_model: self_managed\n  targets:\n    accounts: [\"222222222222\"]\n  regions: [eu-west-1]\nwaves:\n  - name: prod\n    targets:\n      accounts: [\"222222222222\"]\n{wave_keys}"
        );
        let validated = crate::validator::validate_text("fleet.yaml", &text);
        validated
            .policy
            .unwrap_or_else(|| panic!("{:#?}", validated.report))
    }

    /// What a key no comparator knows looks like: nothing reported it, so this pass does.
    #[test]
    fn a_key_nobody_worded_is_reported_with_its_values() {
        let old = policy("    max_errors: 5%\n    bake_time: 1h\n");
        let new = policy("    max_errors: 10%\n    bake_time: 60m\n");
        let mut changes = Changes::default();
        compare(&old, &new, &mut changes);
        let reported: Vec<_> = changes
            .0
            .iter()
            .map(|c| {
                (
                    c.path.as_str(),
                    c.summary.as_str(),
                    c.old.as_deref(),
                    c.new.as_deref(),
                )
            })
            .collect();
        // bake_time is the same hour spelled twice: no change.
        assert_eq!(
            reported,
            [(
                "waves.prod.max_errors",
                "`max_errors` changed",
                Some("5%"),
                Some("10%")
            )]
        );
        // Once a comparator words it, this pass stays quiet.
        let worded = crate::diff::policy_diff::compare(&old, &new);
        assert_eq!(worded.len(), 1, "{worded:?}");
        assert_eq!(worded[0].summary, "max errors raised");
    }
}
