// A canonical YAML writer for parsed artifacts: block style, two-space indent, quoting only when needed.
//
// Templates may lay YAML out loosely; every YAML artifact is parsed back and written again by
// this function, so output is stable to the byte and always parses to the same value.

use serde_json::{Map, Value};
use std::fmt::Write;

/// Write a value as a YAML document (ends with a newline).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::with_capacity(4096);
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar, 0);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_map(out: &mut String, map: &Map<String, Value>, level: usize) {
    for (key, value) in map {
        indent(out, level);
        write_string(out, key, level, true);
        out.push(':');
        write_child(out, value, level);
    }
}

fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first key shares the dash's line.
                out.push(' ');
                let mut first = true;
                for (key, value) in map {
                    if !first {
                        indent(out, level + 1);
                    }
                    first = false;
                    write_string(out, key, level + 1, true);
                    out.push(':');
                    write_child(out, value, level + 1);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, level + 1);
            }
            scalar => {
                out.push(' ');
                write_scalar(out, scalar, level + 1);
                out.push('\n');
            }
        }
    }
}

fn write_child(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, level + 1);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, level);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, level + 1);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s, level, false),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn write_string(out: &mut String, s: &str, level: usize, key: bool) {
    if is_plain(s) {
        out.push_str(s);
    } else if !key && can_be_literal(s) {
        write_literal(out, s, level);
    } else {
        // A JSON string is a valid YAML double-quoted scalar (serde_json never writes `\/`).
        out.push_str(&Value::String(s.to_owned()).to_string());
    }
}

/// Multi-line text (policies, dashboards, scripts) as a literal block.
fn can_be_literal(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && s.chars()
            .all(|c| c == '\n' || (!c.is_control() && c != '\u{feff}'))
        && s.split('\n').all(|line| !line.ends_with([' ', '\t']))
}

fn write_literal(out: &mut String, s: &str, level: usize) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    for line in s
        .split('\n')
        .take(body.split('\n').count() + trailing.saturating_sub(1))
    {
        out.push('\n');
        if !line.is_empty() {
            indent(out, level);
            out.push_str(line);
        }
    }
}

/// Whether a string can be written unquoted and still read back as the same string.
fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_') {
        return false;
    }
    if s.ends_with([' ', ':']) || s.contains(": ") || s.contains(" #") {
        return false;
    }
    if !s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                ' ' | '_'
                    | '-'
                    | '.'
                    | '/'
                    | ':'
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | '='
                    | '@'
                    | ','
                    | '?'
                    | '$'
                    | '<'
                    | '>'
                    | '^'
                    | '!'
                    | ';'
                    | '#'
                    | '%'
                    | '~'
                    | '\''
            )
    }) {
        return false;
    }
    !matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "nan" | "inf"
    ) && s.parse::<f64>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_what_would_change_type() {
        let v = json!({"a": "true", "b": "123", "c": "plain text", "d": "x: y", "e": "", "f": "111111111111", "g": "Fn::Sub"});
        assert_eq!(
            to_yaml(&v),
            "a: \"true\"\nb: \"123\"\nc: plain text\nd: \"x: y\"\ne: \"\"\nf: \"111111111111\"\ng: Fn::Sub\n"
        );
    }

    #[test]
    fn nests_maps_and_lists() {
        let v = json!({"k": [{"a": 1, "b": [true, null]}, "s"], "m": {}, "l": []});
        assert_eq!(
            to_yaml(&v),
            "k:\n- a: 1\n  b:\n  - true\n  - null\n- s\nm: {}\nl: []\n"
        );
    }

    #[test]
    fn every_mapping_is_block_style_whatever_its_key() {
        // A state machine definition inlined in a template reads one key per line, like the rest.
        let v = json!({"Definition": {"StartAt": "a", "States": {"a": {"Type": "Pass", "Output": "{% $states.input %}", "End": true}}}});
        assert_eq!(
            to_yaml(&v),
            "Definition:\n  StartAt: a\n  States:\n    a:\n      Type: Pass\n      Output: \"{% $states.input %}\"\n      End: true\n"
        );
    }

    #[test]
    fn multi_line_text_is_a_literal_block() {
        let v = json!({"s": "one\ntwo\n", "t": "a\n\nb"});
        assert_eq!(to_yaml(&v), "s: |\n  one\n  two\nt: |-\n  a\n\n  b\n");
    }
}
