// Plan the stack set's instance operations: creates and updates in wave order, prunes last.

use super::org_tree::OrgTree;
use super::targets::{Pair, Resolved, WaveTargets};
use crate::aws::{AccountFilter, InstanceStatus, InstanceTargets, StackInstance};
use crate::policy::{PermissionModel, Policy};
use std::collections::{BTreeMap, BTreeSet};

/// What one operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StepKind {
    /// CreateStackInstances.
    Create,
    /// UpdateStackSet limited to some instances.
    Update,
    /// DeleteStackInstances (--prune).
    Delete,
}

/// One stack set operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Step {
    /// What it does.
    pub kind: StepKind,
    /// The wave it belongs to (`prune` for deletions).
    pub wave: String,
    /// Where.
    pub targets: InstanceTargets,
    /// The pairs it is meant to reach.
    pub pairs: BTreeSet<Pair>,
    /// This update carries the new template/configuration (the first update of a changed stack set).
    pub carries_config: bool,
}

/// The stack set's instance work.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Rollout {
    /// Operations in order.
    pub steps: Vec<Step>,
    /// Instances the policy no longer targets and that stay (no --prune).
    pub drift: Vec<Pair>,
    /// Instances to prune that cannot be addressed (their account left the organization).
    pub unreachable: Vec<Pair>,
    /// The stack set's configuration changes but it has no instances to carry it: one untargeted update.
    pub bare_update: bool,
}

impl Rollout {
    /// Nothing to do (drift alone changes nothing).
    pub(super) fn is_empty(&self) -> bool {
        self.steps.is_empty() && !self.bare_update
    }
}

/// Inputs of [`plan`].
pub(super) struct RolloutInput<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// The organization.
    pub tree: &'a OrgTree,
    /// Targets resolved per wave.
    pub resolved: &'a Resolved,
    /// Instances that exist now.
    pub existing: &'a [StackInstance],
    /// The stack set exists and its template or configuration differs from the policy's.
    pub config_changed: bool,
    /// Remove instances the policy no longer targets.
    pub prune: bool,
}

/// Plan the operations. Per wave: update the wave's existing instances (all of them when the
/// configuration changed, else the OUTDATED ones left by an interrupted or failed deploy), then
/// create its missing ones. The first update carries the new configuration; when the first wave
/// with work has no instance yet, its instances are created first and updated right after, so a
/// bad template still stops at the first wave.
pub(super) fn plan(input: &RolloutInput<'_>) -> Rollout {
    let existing: BTreeMap<Pair, &StackInstance> = input
        .existing
        .iter()
        .map(|i| ((i.account.clone(), i.region.clone()), i))
        .collect();
    let mut rollout = Rollout::default();
    let mut config_pending = input.config_changed;
    if config_pending && existing.is_empty() {
        rollout.bare_update = true;
        config_pending = false;
    }
    for wave in &input.resolved.waves {
        let update: BTreeSet<Pair> = wave
            .pairs
            .iter()
            .filter(|p| {
                existing
                    .get(*p)
                    .is_some_and(|i| input.config_changed || i.status == InstanceStatus::Outdated)
            })
            .cloned()
            .collect();
        let missing: BTreeSet<Pair> = wave
            .pairs
            .iter()
            .filter(|p| !existing.contains_key(*p))
            .cloned()
            .collect();
        if config_pending && update.is_empty() && !missing.is_empty() {
            push(&mut rollout, input, wave, StepKind::Create, &missing, false);
            push(&mut rollout, input, wave, StepKind::Update, &missing, true);
            config_pending = false;
            continue;
        }
        if !update.is_empty() {
            push(
                &mut rollout,
                input,
                wave,
                StepKind::Update,
                &update,
                config_pending,
            );
            config_pending = false;
        }
        if !missing.is_empty() {
            push(&mut rollout, input, wave, StepKind::Create, &missing, false);
        }
    }
    if config_pending {
        // Instances exist, but none the policy targets: carry the configuration anyway.
        rollout.bare_update = true;
    }
    prune_or_report(input, &existing, &mut rollout);
    rollout
}

/// Instances the policy no longer targets: with --prune, delete steps (last) for those that can
/// be addressed; otherwise drift, left alone.
fn prune_or_report(
    input: &RolloutInput<'_>,
    existing: &BTreeMap<Pair, &StackInstance>,
    rollout: &mut Rollout,
) {
    let extra: Vec<Pair> = existing
        .keys()
        .filter(|p| !input.resolved.desired.contains(*p))
        .cloned()
        .collect();
    if input.prune {
        let (reachable, unreachable): (Vec<Pair>, Vec<Pair>) =
            extra.into_iter().partition(|(account, _)| {
                input.policy.organization.permission_model == PermissionModel::SelfManaged
                    || input.tree.accounts.contains_key(account)
                    || existing
                        .iter()
                        .any(|(p, i)| &p.0 == account && i.organizational_unit.is_some())
            });
        rollout.unreachable = unreachable;
        let pairs: BTreeSet<Pair> = reachable.into_iter().collect();
        for (accounts, regions) in groups(&pairs) {
            let units = owning_units(input, &accounts, existing);
            let group_pairs = cross(&accounts, &regions);
            rollout.steps.push(Step {
                kind: StepKind::Delete,
                wave: "prune".to_owned(),
                targets: explicit(input.policy, units, accounts, regions),
                pairs: group_pairs,
                carries_config: false,
            });
        }
    } else {
        rollout.drift = extra;
    }
}

fn push(
    rollout: &mut Rollout,
    input: &RolloutInput<'_>,
    wave: &WaveTargets,
    kind: StepKind,
    pairs: &BTreeSet<Pair>,
    carries_config: bool,
) {
    for (accounts, regions) in groups(pairs) {
        let group_pairs = cross(&accounts, &regions);
        let targets = targets_for(input, wave, accounts, regions);
        rollout.steps.push(Step {
            kind,
            wave: wave.name.clone(),
            targets,
            pairs: group_pairs,
            carries_config,
        });
    }
}

/// Group pairs into (accounts, regions) products: accounts sharing the same region set.
fn groups(pairs: &BTreeSet<Pair>) -> Vec<(Vec<String>, Vec<String>)> {
    let mut by_account: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (account, region) in pairs {
        by_account.entry(account).or_default().push(region.clone());
    }
    let mut by_regions: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (account, regions) in by_account {
        by_regions
            .entry(regions)
            .or_default()
            .push(account.to_owned());
    }
    by_regions.into_iter().map(|(r, a)| (a, r)).collect()
}

fn cross(accounts: &[String], regions: &[String]) -> BTreeSet<Pair> {
    accounts
        .iter()
        .flat_map(|a| regions.iter().map(move |r| (a.clone(), r.clone())))
        .collect()
}

/// Targets of a create or update: the wave's OUs when the accounts are exactly the targeted
/// accounts within them (a request that does not grow with the accounts), otherwise the
/// accounts themselves (INTERSECTION with their targeted OUs under service-managed permissions).
fn targets_for(
    input: &RolloutInput<'_>,
    wave: &WaveTargets,
    accounts: Vec<String>,
    regions: Vec<String>,
) -> InstanceTargets {
    let policy = input.policy;
    let regions = ordered_regions(policy, regions);
    if policy.organization.permission_model == PermissionModel::ServiceManaged
        && !wave.units.is_empty()
    {
        let targeted: BTreeSet<&str> = input
            .resolved
            .desired
            .iter()
            .map(|(a, _)| a.as_str())
            .collect();
        let within: BTreeSet<String> = wave
            .units
            .iter()
            .flat_map(|u| input.tree.accounts_within(u))
            .filter(|a| targeted.contains(a.as_str()))
            .collect();
        let wanted: BTreeSet<String> = accounts.iter().cloned().collect();
        if within == wanted {
            let excluded: Vec<String> = policy
                .organization
                .targets
                .exclude_accounts
                .iter()
                .map(|a| a.to_string())
                .filter(|a| {
                    wave.units
                        .iter()
                        .any(|u| input.tree.account_is_within(a, u))
                })
                .collect();
            return InstanceTargets {
                filter: if excluded.is_empty() {
                    AccountFilter::None
                } else {
                    AccountFilter::Difference
                },
                accounts: excluded,
                organizational_units: wave.units.clone(),
                regions,
            };
        }
    }
    let units = owning_units(input, &accounts, &BTreeMap::new());
    explicit(policy, units, accounts, regions)
}

fn explicit(
    policy: &Policy,
    units: Vec<String>,
    accounts: Vec<String>,
    regions: Vec<String>,
) -> InstanceTargets {
    let regions = ordered_regions(policy, regions);
    InstanceTargets::for_accounts(
        policy.organization.permission_model,
        accounts,
        units,
        regions,
    )
}

/// For each account, the targeted OU that holds it, else the OU its instance was deployed
/// through, else its parent.
fn owning_units(
    input: &RolloutInput<'_>,
    accounts: &[String],
    existing: &BTreeMap<Pair, &StackInstance>,
) -> Vec<String> {
    let mut units = BTreeSet::new();
    for account in accounts {
        let targeted = input
            .policy
            .organization
            .targets
            .organizational_units
            .iter()
            .find(|u| input.tree.account_is_within(account, u.as_str()))
            .map(|u| u.to_string());
        let deployed = existing
            .iter()
            .find(|(p, _)| &p.0 == account)
            .and_then(|(_, i)| i.organizational_unit.clone());
        let parent = input.tree.accounts.get(account).map(|a| a.parent.clone());
        if let Some(unit) = targeted.or(deployed).or(parent) {
            units.insert(unit);
        }
    }
    units.into_iter().collect()
}

/// Regions in `rollout.region_order` (else `regions`) order.
fn ordered_regions(policy: &Policy, mut regions: Vec<String>) -> Vec<String> {
    let order: Vec<String> = policy
        .organization
        .rollout
        .region_order
        .as_ref()
        .unwrap_or(&policy.organization.regions)
        .iter()
        .map(|r| r.to_string())
        .collect();
    regions.sort_by_key(|r| order.iter().position(|o| o == r).unwrap_or(usize::MAX));
    regions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::org_tree::tests::sample;
    use crate::deploy::targets::resolve;

    fn policy(model: &str) -> Policy {
        let org = if model == "self_managed" {
            "  permission_model: self_managed\n  targets:\n    accounts: [\"111111111111\", \"121111111111\"]\n  regions: [us-east-1, eu-west-1]\n  rollout:\n    region_order: [eu-west-1, us-east-1]"
        } else {
            "  targets:\n    organizational_units: [ou-root-apps0000, ou-root-base0000]\n    exclude_accounts: [\"112222222222\"]\n  regions: [us-east-1, eu-west-1]"
        };
        let waves = if model == "self_managed" {
            "  - name: canary\n    targets:\n      accounts: [\"111111111111\"]\n  - name: rest\n    targets:\n      accounts: [\"121111111111\"]\n"
        } else {
            "  - name: canary\n    targets:\n      accounts: [\"113333333333\"]\n  - name: base\n    targets:\n      organizational_units: [ou-root-base0000]\n"
        };
        let text = format!(
            "version: 1\nname: test\nhub:\n  account: \"100000000000\"\n  region: us-east-1\norganization:\n{org}\nwaves:\n{waves}"
        );
        let v = crate::validator::validate_text("p.yaml", &text);
        v.policy.unwrap_or_else(|| panic!("{:#?}", v.report))
    }

    fn instance(account: &str, region: &str, status: InstanceStatus) -> StackInstance {
        StackInstance {
            account: account.into(),
            region: region.into(),
            organizational_unit: None,
            status,
            detailed_status: None,
            reason: None,
        }
    }

    /// Current instances of these accounts in both test regions.
    fn current(accounts: &[&str]) -> Vec<StackInstance> {
        accounts
            .iter()
            .flat_map(|a| {
                ["us-east-1", "eu-west-1"]
                    .iter()
                    .map(move |r| instance(a, r, InstanceStatus::Current))
            })
            .collect()
    }

    fn run(policy: &Policy, existing: &[StackInstance], changed: bool, prune: bool) -> Rollout {
        let tree = sample();
        let resolved = resolve(policy, &tree, "100000000000").expect("resolves");
        plan(&RolloutInput {
            policy,
            tree: &tree,
            resolved: &resolved,
            existing,
            config_changed: changed,
            prune,
        })
    }

    #[test]
    fn first_deploy_creates_wave_by_wave_then_the_rest() {
        let p = policy("service_managed");
        let r = run(&p, &[], false, false);
        let summary: Vec<(StepKind, &str, AccountFilter, usize)> = r
            .steps
            .iter()
            .map(|s| (s.kind, s.wave.as_str(), s.targets.filter, s.pairs.len()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (StepKind::Create, "canary", AccountFilter::Intersection, 2),
                (StepKind::Create, "base", AccountFilter::None, 2),
                (
                    StepKind::Create,
                    super::super::targets::REMAINING,
                    AccountFilter::Intersection,
                    2
                ),
            ]
        );
        assert_eq!(
            r.steps[0].targets.organizational_units,
            vec!["ou-root-apps0000"]
        );
        assert_eq!(
            r.steps[1].targets.organizational_units,
            vec!["ou-root-base0000"]
        );
    }

    #[test]
    fn nothing_changed_means_no_step() {
        let p = policy("self_managed");
        let existing = current(&["111111111111", "121111111111"]);
        let r = run(&p, &existing, false, false);
        assert!(r.is_empty(), "{r:#?}");
    }

    #[test]
    fn a_changed_template_updates_in_wave_order_and_resumes_outdated_ones() {
        let p = policy("self_managed");
        let mut existing = current(&["111111111111", "121111111111"]);
        let r = run(&p, &existing, true, false);
        assert_eq!(r.steps.len(), 2);
        assert!(r.steps[0].carries_config && !r.steps[1].carries_config);
        assert_eq!(r.steps[0].targets.accounts, vec!["111111111111"]);
        assert_eq!(r.steps[0].targets.regions, vec!["eu-west-1", "us-east-1"]);
        // Interrupted after the canary: the rest is OUTDATED and resumed without a config change.
        for i in existing.iter_mut().filter(|i| i.account == "121111111111") {
            i.status = InstanceStatus::Outdated;
        }
        let r = run(&p, &existing, false, false);
        assert_eq!(r.steps.len(), 1);
        assert_eq!(r.steps[0].wave, "rest");
        assert_eq!(r.steps[0].kind, StepKind::Update);
    }

    #[test]
    fn a_new_canary_is_created_then_updated_before_later_waves() {
        let p = policy("self_managed");
        let existing: Vec<StackInstance> = ["us-east-1", "eu-west-1"]
            .iter()
            .map(|r| instance("121111111111", r, InstanceStatus::Current))
            .collect();
        let r = run(&p, &existing, true, false);
        let kinds: Vec<(StepKind, &str, bool)> = r
            .steps
            .iter()
            .map(|s| (s.kind, s.wave.as_str(), s.carries_config))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (StepKind::Create, "canary", false),
                (StepKind::Update, "canary", true),
                (StepKind::Update, "rest", false),
            ]
        );
    }

    #[test]
    fn untargeted_instances_are_drift_unless_pruned() {
        let p = policy("self_managed");
        let mut existing = current(&["111111111111", "121111111111"]);
        existing.push(instance(
            "112222222222",
            "us-east-1",
            InstanceStatus::Current,
        ));
        let r = run(&p, &existing, false, false);
        assert!(r.is_empty());
        assert_eq!(
            r.drift,
            vec![("112222222222".to_owned(), "us-east-1".to_owned())]
        );
        let r = run(&p, &existing, false, true);
        assert_eq!(r.steps.len(), 1);
        assert_eq!(r.steps[0].kind, StepKind::Delete);
        assert_eq!(r.steps[0].targets.accounts, vec!["112222222222"]);
    }
}
