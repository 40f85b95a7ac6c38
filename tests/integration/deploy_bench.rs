// Benchmark (ignored by default): deploy to 500 accounts × 2 regions on moto; wall time and API
// calls by action, to show stack set calls do not grow per account.
// Run: cargo test --release --test deploy_bench -- --ignored --nocapture
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support;

use std::collections::BTreeMap;
use std::time::Duration;
use support::{Moto, OrgSpec};

fn calls(moto: &Moto) -> BTreeMap<String, usize> {
    let mut by_action = BTreeMap::new();
    for r in moto.requests() {
        *by_action.entry(r.action).or_insert(0) += 1;
    }
    by_action
}

fn bench(accounts: usize) -> (Duration, BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let moto = Moto::start();
    let mut spec = OrgSpec::new().unit("Fleet", None);
    for w in 1..=5 {
        spec = spec.unit(&format!("W{w}"), Some("Fleet"));
    }
    for n in 0..accounts {
        spec = spec.account(&format!("acct-{n}"), &format!("W{}", n % 5 + 1));
    }
    let org = support::org::seed(&moto, &spec);
    let dir = tempfile::tempdir().expect("tmp");
    let waves: String = (1..=5)
        .map(|w| {
            format!(
                "  - name: w{w}\n    targets:\n      organizational_units: [{}]\n",
                org.ou(&format!("W{w}"))
            )
        })
        .collect();
    let organization = format!(
        "  targets:\n    organizational_units: [{}]\n  regions: [us-east-1, eu-west-1]\n  rollout:\n    max_concurrent: 25%",
        org.ou("Fleet")
    );
    let policy = support::policy::write(dir.path(), "bench", &organization, &waves);
    let path = policy.to_str().expect("utf-8");
    let first = support::patchform(
        &moto,
        "us-east-1",
        dir.path(),
        &["deploy", "--yes", path],
        Duration::from_secs(900),
    );
    first.assert_code(0);
    let first_calls = calls(&moto);
    moto.clear_requests();
    let second = support::patchform(
        &moto,
        "us-east-1",
        dir.path(),
        &["deploy", "--yes", path],
        Duration::from_secs(900),
    );
    second.assert_code(0);
    (first.elapsed, first_calls, calls(&moto))
}

#[test]
#[ignore = "benchmark: seeds 500 accounts in moto (about a minute)"]
#[allow(clippy::print_stdout)] // a benchmark reports its figures on stdout
fn deploy_500_accounts_in_2_regions() {
    for accounts in [50, 500] {
        let (elapsed, first, second) = bench(accounts);
        let total: usize = first.values().sum();
        let stack_set: usize = first
            .iter()
            .filter(|(a, _)| a.contains("StackSet") || a.contains("StackInstances"))
            .map(|(_, n)| n)
            .sum();
        println!(
            "== {accounts} accounts × 2 regions: first deploy {elapsed:.2?}, {total} API calls ({stack_set} StackSets calls)"
        );
        for (action, n) in &first {
            println!("   {action:<40} {n}");
        }
        println!(
            "   second deploy (no-op): {} calls, all reads",
            second.values().sum::<usize>()
        );
    }
}
