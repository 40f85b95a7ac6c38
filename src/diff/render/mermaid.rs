// Mermaid flowcharts of a rollout for the markdown comment: waves in order with their targets, approval gates, bake times and abort thresholds.

use crate::policy::{Rate, RateUse, Wave};
use std::fmt::Display;

/// Mermaid refuses a diagram longer than this (its default `maxTextSize`): GitHub then shows an
/// error instead of the picture.
pub(super) const MAX_TEXT: usize = 50_000;

/// How many accounts, OUs, regions or tag values a node names before it counts the rest.
const LISTED: usize = 3;

/// The Mermaid source of a rollout (without the fence): `flowchart LR` from the rollout start
/// through each wave's approval gate (a hexagon), the wave (a box) and its bake time (the edge
/// label) to the end. Waves for which `marked` is true get the `changed` class (a thick dashed
/// outline).
pub(super) fn rollout(waves: &[Wave], marked: &dyn Fn(&Wave) -> bool) -> String {
    let mut nodes = String::from("flowchart LR\n  start([\"rollout starts\"])\n");
    let mut edges = String::new();
    let mut previous = "start".to_owned();
    // The label of the edge leaving `previous`: the bake time after a wave.
    let mut bake: Option<String> = None;
    let mut changed: Vec<String> = Vec::new();
    for (i, wave) in waves.iter().enumerate() {
        let id = format!("w{}", i + 1);
        let mut entry = id.clone();
        if let Some(approval) = &wave.approval {
            let gate = format!("g{}", i + 1);
            nodes.push_str(&format!(
                "  {gate}{{{{\"{}\"}}}}\n",
                lines(&[
                    "approval".to_owned(),
                    listed(&approval.approvers, "approvers"),
                    format!("no answer in {}: stop", approval.timeout),
                ])
            ));
            edges.push_str(&edge(&previous, bake.take().as_deref(), &gate));
            edges.push_str(&edge(&gate, Some("approved"), &id));
            entry = gate;
        } else {
            edges.push_str(&edge(&previous, bake.take().as_deref(), &id));
        }
        nodes.push_str(&format!("  {id}[\"{}\"]\n", lines(&wave_lines(wave))));
        if marked(wave) {
            changed.push(id.clone());
            if entry != id {
                changed.push(entry);
            }
        }
        bake = wave
            .bake_time
            .seconds()
            .is_ok_and(|s| s > 0)
            .then(|| format!("bake {}", wave.bake_time));
        previous = id;
    }
    nodes.push_str("  done([\"rollout done\"])\n");
    edges.push_str(&edge(&previous, bake.as_deref(), "done"));
    let mut out = nodes;
    out.push_str(&edges);
    if !changed.is_empty() {
        out.push_str(&format!("  class {} changed\n", changed.join(",")));
        out.push_str("  classDef changed stroke-width:3px,stroke-dasharray:6 3\n");
    }
    out
}

/// `a --> b` or `a -->|"label"| b`.
fn edge(from: &str, label: Option<&str>, to: &str) -> String {
    match label {
        Some(label) => format!("  {from} -->|\"{}\"| {to}\n", escape(label)),
        None => format!("  {from} --> {to}\n"),
    }
}

/// What a wave node says, one entry per line.
fn wave_lines(wave: &Wave) -> Vec<String> {
    let mut out = vec![wave.name.clone()];
    let targets = &wave.targets;
    if !targets.accounts.is_empty() {
        out.push(listed(&targets.accounts, "accounts"));
    }
    if !targets.organizational_units.is_empty() {
        out.push(listed(&targets.organizational_units, "OUs"));
    }
    if let Some(regions) = &targets.regions {
        out.push(listed(regions, "regions"));
    }
    for (key, values) in &targets.tags {
        out.push(format!("tag {key}: {}", names(values)));
    }
    out.push(format!(
        "at once: {}, {} of nodes",
        count(
            &wave.account_concurrency,
            "account-region",
            "account-regions"
        ),
        wave.concurrency
    ));
    out.push(format!(
        "max errors {}, timeout {}",
        wave.max_errors, wave.timeout
    ));
    if let Some(alarm) = &wave.stop_on_alarm {
        out.push(format!("stops on alarm {alarm}"));
    }
    out.push(format!(
        "abort when over {} fail",
        count(
            &wave.abort_when_failed_accounts_exceed,
            "account-region",
            "account-regions"
        )
    ));
    out
}

/// `1 account-region`, `5 account-regions`, `10% of account-regions`.
fn count<U: RateUse>(rate: &Rate<U>, one: &str, many: &str) -> String {
    match rate.as_str() {
        "1" => format!("1 {one}"),
        r if r.ends_with('%') => format!("{r} of {many}"),
        r => format!("{r} {many}"),
    }
}

/// `accounts 111111111111, 222222222222` or `5 accounts: 1, 2, 3 …`.
fn listed<T: Display>(items: &[T], what: &str) -> String {
    if items.len() <= LISTED {
        format!("{what} {}", names(items))
    } else {
        format!("{} {what}: {}", items.len(), names(items))
    }
}

/// `a, b, c` or `a, b, c and 4 more`.
fn names<T: Display>(items: &[T]) -> String {
    let shown: Vec<String> = items.iter().take(LISTED).map(ToString::to_string).collect();
    let rest = items.len().saturating_sub(LISTED);
    if rest > 0 {
        format!("{} and {rest} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Lines of a node label: each escaped, one per source line (Mermaid breaks a label's line at
/// a newline, as at `<br/>`), so that no line of the comment grows with the label.
fn lines(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text safe inside a quoted Mermaid label (`["…"]`): Mermaid's entity codes for the quote,
/// `#` (which starts an entity code), the HTML specials, and the backtick (which would end the
/// markdown fence or start a Mermaid markdown string); line breaks become spaces.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waves(yaml: &str) -> Vec<Wave> {
        let loaded = crate::loader::load_bytes("w.yaml", yaml.as_bytes().to_vec()).ok();
        serde_json::from_value(loaded.unwrap().document.value).unwrap()
    }

    #[test]
    fn the_limit_is_the_one_the_comment_names() {
        assert_eq!(MAX_TEXT, 50_000, "markdown.rs writes it as 50,000");
    }

    #[test]
    fn labels_escape_what_mermaid_reads() {
        assert_eq!(
            escape(r#"web "blue" #1 <prod> & `x`"#),
            "web #quot;blue#quot; #35;1 #lt;prod#gt; #amp; #96;x#96;"
        );
        assert_eq!(escape("a\nb [c] (d) {e} |f|"), "a b [c] (d) {e} |f|");
    }

    #[test]
    fn a_rollout_is_gates_waves_and_bakes_in_order() {
        let w = waves(
            r#"
- name: canary
  targets: { accounts: ["222222222222"], tags: { PatchGroup: [canary] } }
  bake_time: 2h
- name: prod
  targets: { organizational_units: [ou-ab12-1, ou-ab12-2, ou-ab12-3, ou-ab12-4] }
  approval: { approvers: [cab@example.com] }
"#,
        );
        let text = rollout(&w, &|w| w.name == "prod");
        assert!(text.starts_with("flowchart LR\n"), "{text}");
        assert!(text.contains("  start --> w1\n"), "{text}");
        assert!(text.contains("  w1 -->|\"bake 2h\"| g2\n"), "{text}");
        assert!(text.contains("  g2 -->|\"approved\"| w2\n"), "{text}");
        assert!(text.contains("  w2 --> done\n"), "{text}");
        assert!(
            text.contains("4 OUs: ou-ab12-1, ou-ab12-2, ou-ab12-3 and 1 more"),
            "{text}"
        );
        assert!(text.contains("no answer in 24h: stop"), "{text}");
        assert!(text.contains("  class w2,g2 changed\n"), "{text}");
    }
}
