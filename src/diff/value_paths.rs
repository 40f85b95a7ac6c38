// The property paths where two JSON values differ (`Properties.Rules[0].ApproveAfterDays`).

use serde_json::Value;

/// Every path where `old` and `new` differ, in document order; `prefix` names the root.
/// Lists of different lengths are reported as a whole: positions no longer line up.
pub(super) fn changed_paths(old: Option<&Value>, new: Option<&Value>, prefix: &str) -> Vec<String> {
    let mut paths = Vec::new();
    walk(old, new, prefix, &mut paths);
    paths
}

fn walk(old: Option<&Value>, new: Option<&Value>, path: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Some(a), Some(b)) if a == b => {}
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().collect();
            keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
            for key in keys {
                walk(a.get(key), b.get(key), &join(path, key), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(Some(x), Some(y), &format!("{path}[{i}]"), out);
            }
        }
        (None, None) => {}
        _ => out.push(path.to_owned()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_leaf_paths() {
        let a =
            json!({"Type": "T", "Properties": {"A": 1, "L": [{"x": 1}, {"x": 2}], "Gone": true}});
        let b = json!({"Type": "T", "Properties": {"A": 2, "L": [{"x": 1}, {"x": 3}], "New": 1}});
        assert_eq!(
            changed_paths(Some(&a), Some(&b), ""),
            vec![
                "Properties.A",
                "Properties.L[1].x",
                "Properties.Gone",
                "Properties.New"
            ]
        );
    }

    #[test]
    fn lists_of_other_length_change_as_a_whole() {
        let a = json!({"L": [1]});
        let b = json!({"L": [1, 2]});
        assert_eq!(changed_paths(Some(&a), Some(&b), ""), vec!["L"]);
    }
}
