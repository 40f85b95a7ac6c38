// SARIF 2.1.0 output, so CI can annotate the pull request (GitHub code scanning and others).

use crate::code::Code;
use crate::diagnostic::{FileReport, Severity};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{self, Write};

pub(super) fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let used: BTreeSet<Code> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.code))
        .collect();
    let rules: Vec<Value> = used
        .iter()
        .map(|code| {
            json!({
                "id": code.name(),
                "shortDescription": { "text": code.summary() },
                "fullDescription": { "text": code.explanation() },
                "help": { "text": format!("{}\n\nRun `patchform explain {}` for details.", code.explanation(), code.name()) },
                "defaultConfiguration": { "level": level(code.default_severity()) },
            })
        })
        .collect();
    let index = |code: Code| used.iter().position(|c| *c == code).unwrap_or(0);
    let mut results = Vec::new();
    for report in reports {
        for d in &report.diagnostics {
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let mut physical = json!({ "artifactLocation": { "uri": uri(report.source.name()) } });
            if let Some(span) = d.span {
                let start = report.source.line_column(span.offset);
                let end = report.source.line_column(span.end());
                physical["region"] = json!({
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                });
            }
            results.push(json!({
                "ruleId": d.code.name(),
                "ruleIndex": index(d.code),
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": physical,
                    "logicalLocations": [{ "fullyQualifiedName": d.pointer, "kind": "member" }],
                }],
            }));
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "patchform",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/patchform/patchform",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative path as a SARIF URI (forward slashes, no leading ./).
fn uri(name: &str) -> String {
    name.replace('\\', "/").trim_start_matches("./").to_owned()
}
