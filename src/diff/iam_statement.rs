// One IAM policy statement in a comparable form: intrinsics rendered as text, lists sorted, so
// that two statements granting the same thing are equal; and wildcard coverage, to tell whether
// a new statement grants more than the old ones did.

use serde_json::Value;

/// A normalised statement.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Statement {
    /// `Allow` or `Deny`.
    pub effect: String,
    /// `Service:states.amazonaws.com`, `AWS:arn:…`, `*`; `not:` for NotPrincipal.
    pub principals: Vec<String>,
    /// Actions; `not:` for NotAction.
    pub actions: Vec<String>,
    /// Resources; `not:` for NotResource.
    pub resources: Vec<String>,
    /// The Condition block as compact canonical JSON.
    pub condition: Option<String>,
}

impl Statement {
    /// Read a statement object.
    pub(super) fn from_value(value: &Value) -> Statement {
        let mut principals = principal_list(value.get("Principal"), "");
        principals.extend(principal_list(value.get("NotPrincipal"), "not:"));
        let mut actions = strings(value.get("Action"), "");
        actions.extend(strings(value.get("NotAction"), "not:"));
        let mut resources = strings(value.get("Resource"), "");
        resources.extend(strings(value.get("NotResource"), "not:"));
        for list in [&mut principals, &mut actions, &mut resources] {
            list.sort();
            list.dedup();
        }
        Statement {
            effect: value
                .get("Effect")
                .map(render)
                .unwrap_or_else(|| "Allow".to_owned()),
            principals,
            actions,
            resources,
            condition: value
                .get("Condition")
                .map(|c| super::parsed::canonical(c.clone()).to_string()),
        }
    }

    /// The statements of a policy document (`Statement` may be one object or a list).
    pub(super) fn all_in(document: &Value) -> Vec<Statement> {
        match document.get("Statement") {
            Some(Value::Array(items)) => items.iter().map(Statement::from_value).collect(),
            Some(item @ Value::Object(_)) => vec![Statement::from_value(item)],
            _ => Vec::new(),
        }
    }

    /// Whether this is an Allow statement.
    pub(super) fn allows(&self) -> bool {
        self.effect.eq_ignore_ascii_case("Allow")
    }

    /// What this added statement grants that none of `before` (the document's old statements)
    /// did: new principals, new actions, wider resources, a dropped condition. Approximate: each
    /// part is checked on its own.
    pub(super) fn broadening(&self, before: &[Statement]) -> Vec<String> {
        if !self.allows() {
            return Vec::new();
        }
        let allows: Vec<&Statement> = before.iter().filter(|s| s.allows()).collect();
        let mut grows = Vec::new();
        let covered = |pick: fn(&Statement) -> &Vec<String>, item: &str, ci: bool| {
            allows
                .iter()
                .any(|s| pick(s).iter().any(|p| covers(p, item, ci)))
        };
        for principal in &self.principals {
            if !covered(|s| &s.principals, principal, false) {
                grows.push(format!("new principal {principal}"));
            }
        }
        for action in &self.actions {
            if !covered(|s| &s.actions, action, true) {
                grows.push(format!("new action {action}"));
            }
        }
        for resource in &self.resources {
            if !covered(|s| &s.resources, resource, false) {
                grows.push(format!("wider resource {resource}"));
            }
        }
        let twin = allows.iter().find(|s| {
            s.principals == self.principals
                && s.actions == self.actions
                && s.resources == self.resources
        });
        if let Some(twin) = twin {
            match (&twin.condition, &self.condition) {
                (Some(_), None) => grows.push("condition removed".to_owned()),
                (Some(a), Some(b)) if a != b => grows.push("condition changed".to_owned()),
                _ => {}
            }
        }
        grows
    }
}

/// Whether an IAM pattern (`*` and `?` wildcards) matches a value. `not:` entries only match
/// themselves.
pub(super) fn covers(pattern: &str, value: &str, case_insensitive: bool) -> bool {
    if pattern.starts_with("not:") || value.starts_with("not:") {
        return pattern == value;
    }
    let fold = |s: &str| {
        if case_insensitive {
            s.to_ascii_lowercase()
        } else {
            s.to_owned()
        }
    };
    let (p, v) = (fold(pattern), fold(value));
    glob(p.as_bytes(), v.as_bytes())
}

fn glob(p: &[u8], v: &[u8]) -> bool {
    // Iterative wildcard match with single-star backtracking.
    let (mut pi, mut vi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, vi));
                pi += 1;
            }
            Some(&c) if c == b'?' || c == v[vi] => {
                pi += 1;
                vi += 1;
            }
            _ => match star {
                Some((sp, sv)) => {
                    pi = sp + 1;
                    vi = sv + 1;
                    star = Some((sp, sv + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

fn principal_list(value: Option<&Value>, prefix: &str) -> Vec<String> {
    match value {
        None => Vec::new(),
        Some(Value::Object(map)) => map
            .iter()
            .flat_map(|(kind, ids)| {
                strings(Some(ids), "")
                    .into_iter()
                    .map(move |id| format!("{prefix}{kind}:{id}"))
            })
            .collect(),
        Some(other) => strings(Some(other), prefix),
    }
}

fn strings(value: Option<&Value>, prefix: &str) -> Vec<String> {
    match value {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| format!("{prefix}{}", render(i)))
            .collect(),
        Some(one) => vec![format!("{prefix}{}", render(one))],
    }
}

/// A value as a reviewer reads it: strings as they are, `Ref` and `Fn::GetAtt` as `${X}` and
/// `${X.Arn}`, `Fn::Sub` as its template, `Fn::Join` joined; anything else as compact JSON.
pub(super) fn render(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(map) if map.len() == 1 => {
            let Some((key, arg)) = map.iter().next() else {
                return value.to_string();
            };
            match (key.as_str(), arg) {
                ("Ref", Value::String(name)) => format!("${{{name}}}"),
                ("Fn::GetAtt", Value::Array(parts)) => {
                    let parts: Vec<String> = parts.iter().map(render).collect();
                    format!("${{{}}}", parts.join("."))
                }
                ("Fn::GetAtt", Value::String(path)) => format!("${{{path}}}"),
                ("Fn::Sub", Value::String(template)) => template.clone(),
                ("Fn::Sub", Value::Array(parts)) => parts.first().map(render).unwrap_or_default(),
                ("Fn::Join", Value::Array(parts)) => match (parts.first(), parts.get(1)) {
                    (Some(Value::String(sep)), Some(Value::Array(items))) => {
                        items.iter().map(render).collect::<Vec<_>>().join(sep)
                    }
                    _ => value.to_string(),
                },
                _ => super::parsed::canonical(value.clone()).to_string(),
            }
        }
        other => super::parsed::canonical(other.clone()).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn normalises_statements() {
        let a = Statement::from_value(&json!({
            "Effect": "Allow",
            "Principal": {"Service": ["states.amazonaws.com"]},
            "Action": ["s3:PutObject", "s3:GetObject"],
            "Resource": {"Fn::Sub": "${LogBucket.Arn}/*"}
        }));
        assert_eq!(a.principals, vec!["Service:states.amazonaws.com"]);
        assert_eq!(a.actions, vec!["s3:GetObject", "s3:PutObject"]);
        assert_eq!(a.resources, vec!["${LogBucket.Arn}/*"]);
        let b = Statement::from_value(&json!({
            "Sid": "Other",
            "Effect": "Allow",
            "Principal": {"Service": "states.amazonaws.com"},
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": [{"Fn::Sub": "${LogBucket.Arn}/*"}]
        }));
        assert_eq!(a, b);
    }

    #[test]
    fn wildcards_cover() {
        assert!(covers("s3:*", "S3:GetObject", true));
        assert!(covers("*", "arn:aws:s3:::x", false));
        assert!(covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/1", false));
        assert!(!covers("arn:aws:s3:::b/*", "arn:aws:s3:::c/k", false));
        assert!(covers("ssm:Get?arameter", "ssm:GetParameter", true));
    }

    #[test]
    fn broadening_is_what_the_old_statements_did_not_grant() {
        let old = Statement::from_value(&json!({
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}
        }));
        let wider = Statement::from_value(&json!({
            "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"
        }));
        assert_eq!(
            wider.broadening(std::slice::from_ref(&old)),
            vec!["new action s3:PutObject", "wider resource *"]
        );
        let unconditioned = Statement::from_value(&json!({
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"
        }));
        assert_eq!(unconditioned.broadening(&[old]), vec!["condition removed"]);
    }
}
