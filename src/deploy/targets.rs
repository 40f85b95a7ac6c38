// Resolve the policy's targets and waves against the organization: account-region pairs per wave.

use super::org_tree::OrgTree;
use super::problem::Problem;
use crate::policy::{PermissionModel, Policy, Wave};
use std::collections::{BTreeMap, BTreeSet};

/// One stack instance position: (account id, region).
pub(super) type Pair = (String, String);

/// A wave's resolved targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct WaveTargets {
    /// Wave name (`(remaining)` for targets in no wave).
    pub name: String,
    /// OUs the wave names.
    pub units: Vec<String>,
    /// Accounts the wave names.
    pub accounts: Vec<String>,
    /// Regions of the wave.
    pub regions: Vec<String>,
    /// Account-region pairs the wave covers (inside `organization.targets`).
    pub pairs: BTreeSet<Pair>,
}

/// The policy resolved against the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resolved {
    /// Every pair `organization.targets` × `regions` asks for.
    pub desired: BTreeSet<Pair>,
    /// Waves in policy order, then a last pseudo-wave for desired pairs in no wave (if any).
    pub waves: Vec<WaveTargets>,
    /// Accounts left out on purpose, with why (management account, not active).
    pub skipped: Vec<(String, String)>,
}

/// Why the policy does not fit the organization. Each is one message with what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TargetProblem {
    /// An OU id that does not exist.
    UnknownUnit {
        /// Where it is used (`organization.targets`, `wave canary`).
        place: String,
        /// The id.
        id: String,
    },
    /// An account id that is not in the organization.
    UnknownAccount {
        /// Where it is used.
        place: String,
        /// The id.
        id: String,
    },
    /// A wave OU that is not a targeted OU or nested under one.
    UnitOutsideTargets {
        /// The wave.
        wave: String,
        /// `name (ou-…)`.
        unit: String,
    },
    /// A wave account that `organization.targets` does not cover.
    AccountOutsideTargets {
        /// The wave.
        wave: String,
        /// `name (id)`.
        account: String,
    },
    /// One account-region pair in two waves (through OUs).
    Overlap {
        /// `name (id)`.
        account: String,
        /// Region.
        region: String,
        /// The earlier wave and how it reaches the account.
        first: (String, String),
        /// The later wave and how it reaches the account.
        second: (String, String),
    },
}

impl TargetProblem {
    /// What is wrong and what to do about it.
    pub(super) fn problem(&self) -> Problem {
        match self {
            TargetProblem::UnknownUnit { place, id } => Problem::new(
                format!("{place}: organizational unit `{id}` does not exist in this organization"),
                "list them with `aws organizations list-organizational-units-for-parent --parent-id <root or OU>`",
            ),
            TargetProblem::UnknownAccount { place, id } => Problem::new(
                format!("{place}: account `{id}` is not a member of this organization"),
                "check the id with `aws organizations list-accounts`",
            ),
            TargetProblem::UnitOutsideTargets { wave, unit } => Problem::new(
                format!(
                    "wave `{wave}`: {unit} is not one of `organization.targets.organizational_units` nor nested under one"
                ),
                "add it (or a parent) to `organization.targets`, or patch it in no wave",
            ),
            TargetProblem::AccountOutsideTargets { wave, account } => Problem::new(
                format!(
                    "wave `{wave}`: account {account} is outside `organization.targets` (or excluded), so it never gets the spoke stack"
                ),
                "add it, or its OU, to `organization.targets`",
            ),
            TargetProblem::Overlap {
                account,
                region,
                first,
                second,
            } => Problem::new(
                format!(
                    "account {account} in {region} is in two waves: `{}` (through {}) and `{}` (through {})",
                    first.0, first.1, second.0, second.1
                ),
                "an account-region pair may be patched by one wave only; narrow a wave's OUs or regions",
            ),
        }
    }
}

/// Resolve `policy` against `tree`, or every problem found.
pub(super) fn resolve(
    policy: &Policy,
    tree: &OrgTree,
    management_account: &str,
) -> Result<Resolved, Vec<TargetProblem>> {
    let org = &policy.organization;
    let mut problems = unknown_org_targets(policy, tree);
    let (targeted, skipped) = targeted_accounts(policy, tree, management_account);
    let regions: Vec<String> = org.regions.iter().map(|r| r.to_string()).collect();
    let desired: BTreeSet<Pair> = targeted
        .iter()
        .flat_map(|a| regions.iter().map(move |r| (a.clone(), r.clone())))
        .collect();

    // Which wave reaches each pair, and through what (for the overlap message).
    let mut owner: BTreeMap<Pair, (String, String)> = BTreeMap::new();
    let mut waves = Vec::new();
    for wave in &policy.waves {
        let wave_regions: Vec<String> = match &wave.targets.regions {
            Some(list) => list.iter().map(|r| r.to_string()).collect(),
            None => regions.clone(),
        };
        let reach = wave_reach(policy, wave, tree, &targeted, &skipped, &mut problems);
        let claim = Claim {
            wave: &wave.name,
            regions: &wave_regions,
            tree,
        };
        let pairs = claim.pairs(&reach, &mut owner, &mut problems);
        waves.push(WaveTargets {
            name: wave.name.clone(),
            units: wave
                .targets
                .organizational_units
                .iter()
                .map(|u| u.to_string())
                .collect(),
            accounts: wave
                .targets
                .accounts
                .iter()
                .map(|a| a.to_string())
                .collect(),
            regions: wave_regions,
            pairs,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let rest: BTreeSet<Pair> = desired
        .iter()
        .filter(|p| !owner.contains_key(*p))
        .cloned()
        .collect();
    if !rest.is_empty() {
        waves.push(WaveTargets {
            name: REMAINING.to_owned(),
            units: org
                .targets
                .organizational_units
                .iter()
                .map(|u| u.to_string())
                .collect(),
            accounts: org.targets.accounts.iter().map(|a| a.to_string()).collect(),
            regions,
            pairs: rest,
        });
    }
    Ok(Resolved {
        desired,
        waves,
        skipped,
    })
}

/// `organization.targets` OUs and accounts (excluded ones too) that the organization lacks.
fn unknown_org_targets(policy: &Policy, tree: &OrgTree) -> Vec<TargetProblem> {
    let targets = &policy.organization.targets;
    let place = "organization.targets".to_owned();
    let mut problems = Vec::new();
    for unit in &targets.organizational_units {
        if !tree.units.contains_key(unit.as_str()) {
            problems.push(TargetProblem::UnknownUnit {
                place: place.clone(),
                id: unit.to_string(),
            });
        }
    }
    for account in targets.accounts.iter().chain(&targets.exclude_accounts) {
        if !tree.accounts.contains_key(account.as_str()) {
            problems.push(TargetProblem::UnknownAccount {
                place: place.clone(),
                id: account.to_string(),
            });
        }
    }
    problems
}

/// The accounts `organization.targets` reaches, and those left out on purpose with why (the
/// management account under service-managed permissions, accounts not ACTIVE).
fn targeted_accounts(
    policy: &Policy,
    tree: &OrgTree,
    management_account: &str,
) -> (BTreeSet<String>, Vec<(String, String)>) {
    let org = &policy.organization;
    let excluded: BTreeSet<&str> = org
        .targets
        .exclude_accounts
        .iter()
        .map(|a| a.as_str())
        .collect();
    let mut skipped = Vec::new();
    let mut targeted = BTreeSet::new();
    let mut candidates: BTreeSet<String> =
        org.targets.accounts.iter().map(|a| a.to_string()).collect();
    for unit in &org.targets.organizational_units {
        candidates.extend(tree.accounts_within(unit.as_str()));
    }
    for account in candidates {
        let Some(info) = tree.accounts.get(&account) else {
            continue;
        };
        if excluded.contains(account.as_str()) {
            continue;
        }
        if org.permission_model == PermissionModel::ServiceManaged && account == management_account
        {
            skipped.push((
                tree.account_label(&account),
                "the management account: service-managed StackSets never deploy there".to_owned(),
            ));
            continue;
        }
        if info.status != "ACTIVE" {
            skipped.push((
                tree.account_label(&account),
                format!("account is {}", info.status),
            ));
            continue;
        }
        targeted.insert(account);
    }
    (targeted, skipped)
}

/// The targeted accounts `wave` reaches, each with how (`name (ou-…)` or `its id`); a wave OU
/// or account that is unknown or outside `organization.targets` is a problem.
fn wave_reach(
    policy: &Policy,
    wave: &Wave,
    tree: &OrgTree,
    targeted: &BTreeSet<String>,
    skipped: &[(String, String)],
    problems: &mut Vec<TargetProblem>,
) -> BTreeMap<String, String> {
    let org = &policy.organization;
    let place = format!("wave `{}`", wave.name);
    let mut reach: BTreeMap<String, String> = BTreeMap::new();
    for unit in &wave.targets.organizational_units {
        let unit = unit.as_str();
        if !tree.units.contains_key(unit) {
            problems.push(TargetProblem::UnknownUnit {
                place: place.clone(),
                id: unit.to_owned(),
            });
            continue;
        }
        let inside = org.permission_model == PermissionModel::ServiceManaged
            && org
                .targets
                .organizational_units
                .iter()
                .any(|t| tree.unit_is_within(unit, t.as_str()));
        if !inside {
            problems.push(TargetProblem::UnitOutsideTargets {
                wave: wave.name.clone(),
                unit: tree.unit_label(unit),
            });
            continue;
        }
        for account in tree.accounts_within(unit) {
            if targeted.contains(&account) {
                reach
                    .entry(account)
                    .or_insert_with(|| tree.unit_label(unit));
            }
        }
    }
    for account in &wave.targets.accounts {
        let account = account.as_str();
        if !tree.accounts.contains_key(account) {
            problems.push(TargetProblem::UnknownAccount {
                place: place.clone(),
                id: account.to_owned(),
            });
        } else if !targeted.contains(account) {
            if !skipped
                .iter()
                .any(|(label, _)| *label == tree.account_label(account))
            {
                problems.push(TargetProblem::AccountOutsideTargets {
                    wave: wave.name.clone(),
                    account: tree.account_label(account),
                });
            }
        } else {
            reach.insert(account.to_owned(), "its id".to_owned());
        }
    }
    reach
}

/// One wave claiming its account-region pairs.
struct Claim<'a> {
    wave: &'a str,
    regions: &'a [String],
    tree: &'a OrgTree,
}

impl Claim<'_> {
    /// The pairs of `reach` × the wave's regions no earlier wave owns; recorded in `owner`. A
    /// pair an earlier wave owns is an overlap problem.
    fn pairs(
        &self,
        reach: &BTreeMap<String, String>,
        owner: &mut BTreeMap<Pair, (String, String)>,
        problems: &mut Vec<TargetProblem>,
    ) -> BTreeSet<Pair> {
        let mut pairs = BTreeSet::new();
        for (account, via) in reach {
            for region in self.regions {
                let pair = (account.clone(), region.clone());
                if let Some(first) = owner.get(&pair) {
                    problems.push(TargetProblem::Overlap {
                        account: self.tree.account_label(account),
                        region: region.clone(),
                        first: first.clone(),
                        second: (self.wave.to_owned(), via.clone()),
                    });
                    continue;
                }
                owner.insert(pair.clone(), (self.wave.to_owned(), via.clone()));
                pairs.insert(pair);
            }
        }
        pairs
    }
}

/// The name of the pseudo-wave holding targeted pairs that no wave names.
pub(super) const REMAINING: &str = "(not in any wave)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::org_tree::tests::sample;

    fn policy(org: &str, waves: &str) -> Policy {
        let text = format!(
            "version: 1\nname: test\nhub:\n  account: \"100000000000\"\n  region: us-east-1\norganization:\n{org}\nwaves:\n{waves}"
        );
        let validated = crate::validator::validate_text("p.yaml", &text);
        validated
            .policy
            .unwrap_or_else(|| panic!("{:#?}", validated.report))
    }

    #[test]
    fn waves_resolve_through_nested_units_and_the_rest_comes_last() {
        let p = policy(
            "  targets:\n    organizational_units: [r-root]\n    exclude_accounts: [\"112222222222\"]\n  regions: [us-east-1, eu-west-1]",
            "  - name: canary\n    targets:\n      accounts: [\"111111111111\"]\n      regions: [us-east-1]\n  - name: apps\n    targets:\n      organizational_units: [ou-root-appsdev0]\n",
        );
        let r = resolve(&p, &sample(), "100000000000").expect("resolves");
        // mgmt skipped, 112… excluded: 111, 113, 121 × 2 regions.
        assert_eq!(r.desired.len(), 6);
        assert_eq!(r.skipped.len(), 1);
        assert_eq!(r.waves[0].pairs.len(), 1);
        assert_eq!(r.waves[1].pairs.len(), 2);
        assert_eq!(r.waves[2].name, REMAINING);
        // 111 in eu-west-1 and 121 in both regions.
        assert_eq!(r.waves[2].pairs.len(), 3);
    }

    #[test]
    fn an_account_reached_by_two_waves_through_an_ou_is_refused() {
        let p = policy(
            "  targets:\n    organizational_units: [ou-root-apps0000]\n  regions: [us-east-1]",
            "  - name: canary\n    targets:\n      accounts: [\"113333333333\"]\n  - name: apps\n    targets:\n      organizational_units: [ou-root-apps0000]\n",
        );
        let problems = resolve(&p, &sample(), "100000000000").expect_err("overlap");
        let text = problems[0].problem().to_string();
        assert!(
            text.contains("app-dev (113333333333) in us-east-1 is in two waves"),
            "{text}"
        );
        assert!(
            text.contains("`apps` (through Apps (ou-root-apps0000))"),
            "{text}"
        );
    }

    #[test]
    fn unknown_and_outside_targets_are_each_reported() {
        let p = policy(
            "  targets:\n    organizational_units: [ou-root-apps0000, ou-zzzz-99999999]\n  regions: [us-east-1]",
            "  - name: w1\n    targets:\n      organizational_units: [ou-root-base0000]\n      accounts: [\"121111111111\", \"999999999999\"]\n",
        );
        let problems = resolve(&p, &sample(), "100000000000").expect_err("problems");
        let texts: Vec<String> = problems.iter().map(|p| p.problem().to_string()).collect();
        assert_eq!(texts.len(), 4, "{texts:#?}");
        assert!(texts[0].contains("`ou-zzzz-99999999` does not exist"));
        assert!(texts[1].contains("Base (ou-root-base0000) is not one of"));
        assert!(texts[2].contains("base-1 (121111111111) is outside"));
        assert!(texts[3].contains("`999999999999` is not a member"));
    }
}
