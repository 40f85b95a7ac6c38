// Rules for identifiers: language version, account ids, OU ids and region codes.

use super::{Context, regions};
use crate::code::Code;
use crate::policy::{AccountId, OuId, Region, SUPPORTED_VERSIONS};
use crate::suggestion;

pub(super) fn check(cx: &mut Context<'_>) {
    let policy = cx.policy;
    if !SUPPORTED_VERSIONS.contains(&policy.version) {
        let supported: Vec<String> = SUPPORTED_VERSIONS.iter().map(u64::to_string).collect();
        let d = cx
            .value(
                Code::VersionUnsupported,
                "/version",
                format!(
                    "policy language version {} is not supported",
                    policy.version
                ),
            )
            .label("unsupported version")
            .help(format!(
                "this patchform supports version {}",
                supported.join(", ")
            ));
        cx.report(d);
    }
    name(cx, "/name", &policy.name, 3, "policy");
    for (w, wave) in policy.waves.iter().enumerate() {
        name(cx, &format!("/waves/{w}/name"), &wave.name, 1, "wave");
    }
    account(cx, "/hub/account", &policy.hub.account);
    region(cx, "/hub/region", &policy.hub.region);
    let targets = &policy.organization.targets;
    for (i, id) in targets.accounts.iter().enumerate() {
        account(cx, &format!("/organization/targets/accounts/{i}"), id);
    }
    for (i, id) in targets.exclude_accounts.iter().enumerate() {
        account(
            cx,
            &format!("/organization/targets/exclude_accounts/{i}"),
            id,
        );
    }
    for (i, id) in targets.organizational_units.iter().enumerate() {
        ou(
            cx,
            &format!("/organization/targets/organizational_units/{i}"),
            id,
        );
    }
    for (i, r) in policy.organization.regions.iter().enumerate() {
        region(cx, &format!("/organization/regions/{i}"), r);
    }
    for (w, wave) in policy.waves.iter().enumerate() {
        for (i, id) in wave.targets.accounts.iter().enumerate() {
            account(cx, &format!("/waves/{w}/targets/accounts/{i}"), id);
        }
        for (i, id) in wave.targets.organizational_units.iter().enumerate() {
            ou(
                cx,
                &format!("/waves/{w}/targets/organizational_units/{i}"),
                id,
            );
        }
    }
}

/// `[a-z][a-z0-9-]{min-1,31}`
fn name(cx: &mut Context<'_>, pointer: &str, text: &str, min: usize, what: &str) {
    let first_ok = text.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    let rest_ok = text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let len = text.chars().count();
    if first_ok && rest_ok && (min..=32).contains(&len) {
        return;
    }
    let suggestion: String = text
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let d = cx
        .value(
            Code::NameInvalid,
            pointer,
            format!("`{text}` is not a valid {what} name"),
        )
        .label(format!("{min}–32 characters: a-z first, then a-z, 0-9, -"))
        .help(format!(
            "{what} names become part of AWS resource names; for example `{}`",
            suggestion.trim_matches('-')
        ));
    cx.report(d);
}

fn account(cx: &mut Context<'_>, pointer: &str, id: &AccountId) {
    let text = id.as_str();
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let d = cx
        .value(
            Code::AccountIdInvalid,
            pointer,
            format!("`{text}` is not an account id"),
        )
        .label(format!(
            "{} characters, expected 12 digits",
            text.chars().count()
        ))
        .help("account ids are exactly 12 digits, quoted: \"123456789012\"");
    cx.report(d);
}

fn ou(cx: &mut Context<'_>, pointer: &str, id: &OuId) {
    let text = id.as_str();
    let valid = if let Some(rest) = text.strip_prefix("ou-") {
        let mut parts = rest.splitn(2, '-');
        let root = parts.next().unwrap_or_default();
        let tail = parts.next().unwrap_or_default();
        (4..=32).contains(&root.len())
            && (8..=32).contains(&tail.len())
            && root
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && tail
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    } else if let Some(rest) = text.strip_prefix("r-") {
        (4..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    } else {
        false
    };
    if !valid {
        let d = cx
            .value(Code::OuIdInvalid, pointer, format!("`{text}` is not an OU or root id"))
            .label("not an OU id")
            .help("OU ids look like ou-ab12-11111111, root ids like r-ab12 (lower-case letters and digits)");
        cx.report(d);
    }
}

/// Whether a region code is well-formed (`xx-name-N`, `us-gov-west-1`).
pub(super) fn region_is_well_formed(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let n = parts.len();
    (3..=4).contains(&n)
        && parts[0].len() == 2
        && parts[..n - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !parts[n - 1].is_empty()
        && parts[n - 1].bytes().all(|b| b.is_ascii_digit())
}

fn region(cx: &mut Context<'_>, pointer: &str, region: &Region) {
    let text = region.as_str();
    if regions::is_known(text) {
        return;
    }
    let near = suggestion::closest(text, regions::codes());
    let d = if region_is_well_formed(text) {
        cx.value(
            Code::RegionUnknown,
            pointer,
            format!("`{text}` is not a region patchform knows"),
        )
        .label("unknown region")
        .help(match near {
            Some(n) => {
                format!("did you mean `{n}`? (if `{text}` is a new region, ignore this warning)")
            }
            None => format!("if `{text}` is a new region, ignore this warning"),
        })
    } else {
        cx.value(
            Code::RegionInvalid,
            pointer,
            format!("`{text}` is not an AWS region code"),
        )
        .label("not a region code")
        .help(match near {
            Some(n) => format!("did you mean `{n}`?"),
            None => "region codes look like eu-west-1".to_owned(),
        })
    };
    cx.report(d);
}
