// `patchform rollout` end to end: the real binary against the generated state machines running in
// the rollout harness (served on 127.0.0.1): start, watch, approve (four eyes, identity recorded),
// reject, stop mid-wave, at an approval and while baking, narrowed runs, status and list. alice
// operates (start, stop), bob only approves: every call each made must be allowed by the hub's
// operators and approvers policies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support;

use std::time::Duration;
use support::{RolloutHub, wave_state};

const POLICY: &str = "policies/acme-fleet.yaml";
const LIMIT: Duration = Duration::from_secs(90);

#[test]
fn start_watch_approve_and_finish() {
    let hub = RolloutHub::start(POLICY, 1.0, None);
    let alice = hub.arn("alice");
    let bob = hub.arn("bob");

    let none = hub.rollout("alice", &["status", POLICY]);
    none.assert_code(2);
    assert!(
        none.stderr.contains("has no rollout yet"),
        "{}",
        none.stderr
    );
    // a policy whose hub was never deployed here
    let missing = hub.rollout("alice", &["status", "policies/minimal.yaml"]);
    missing.assert_code(2);
    assert!(
        missing
            .stderr
            .contains("the hub stack `tiny-hub` of policy tiny does not exist in us-east-1")
            && missing.stderr.contains("patchform deploy POLICY"),
        "{}",
        missing.stderr
    );
    let nothing = hub.rollout("bob", &["approve", POLICY, "--wave", "prod"]);
    nothing.assert_code(2);
    assert!(
        nothing
            .stderr
            .contains("no rollout of policy acme-fleet is running"),
        "{}",
        nothing.stderr
    );
    let unknown_id = hub.rollout("bob", &["status", POLICY, "nope"]);
    unknown_id.assert_code(2);
    assert!(
        unknown_id
            .stderr
            .contains("policy acme-fleet has no rollout `nope`"),
        "{}",
        unknown_id.stderr
    );

    let started = hub.rollout("alice", &["start", POLICY, "--name", "first"]);
    started.assert_code(0);
    assert!(
        started
            .stdout
            .contains(&format!("started rollout first as {alice}")),
        "{}",
        started.stdout
    );
    assert!(started.stdout.contains("patchform rollout status"));

    // one rollout at a time, unless --force
    let again = hub.rollout("alice", &["start", POLICY, "--name", "second"]);
    again.assert_code(2);
    assert!(
        again
            .stderr
            .contains("rollout first of policy acme-fleet is still running")
            && again.stderr.contains("--force"),
        "{}",
        again.stderr
    );

    let waiting = hub.wait_for("first", LIMIT, "the prod approval", |s| {
        wave_state(s, "prod") == "awaiting_approval"
    });
    assert_eq!(wave_state(&waiting, "canary"), "done");
    assert_eq!(wave_state(&waiting, "nonprod"), "done");
    assert_eq!(waiting["waves"][2]["approvers"][0], "cab@example.com");
    assert_eq!(waiting["started_by"], alice.as_str());

    let human = hub.rollout("alice", &["status", POLICY]);
    human.assert_code(0);
    assert!(
        human
            .stdout
            .contains("rollout first of acme-fleet: RUNNING")
            && human.stdout.contains("awaiting approval")
            && human.stdout.contains(
                "approve: patchform rollout approve policies/acme-fleet.yaml first --wave prod"
            ),
        "{}",
        human.stdout
    );

    // four eyes: alice started it
    let own = hub.rollout("alice", &["approve", POLICY, "--wave", "prod"]);
    own.assert_code(2);
    assert!(
        own.stderr.contains(&format!(
            "{alice} started rollout first and may not approve its wave prod (four eyes)"
        )),
        "{}",
        own.stderr
    );
    // the wrong wave
    let wrong = hub.rollout("bob", &["approve", POLICY, "first", "--wave", "canary"]);
    wrong.assert_code(2);
    assert!(
        wrong.stderr.contains(
            "wave canary of rollout first is not waiting for approval: wave prod awaits approval"
        ),
        "{}",
        wrong.stderr
    );
    let unknown = hub.rollout("bob", &["approve", POLICY, "--wave", "qa"]);
    unknown.assert_code(2);
    assert!(
        unknown
            .stderr
            .contains("policy acme-fleet has no wave `qa`"),
        "{}",
        unknown.stderr
    );

    let approved = hub.rollout(
        "bob",
        &[
            "approve",
            POLICY,
            "first",
            "--wave",
            "prod",
            "--comment",
            "canary clean",
        ],
    );
    approved.assert_code(0);
    assert_eq!(
        approved.stdout,
        format!("approved wave prod of rollout first as {bob}\n")
    );

    // --watch without a terminal: one block per change, exit status by how it ended
    let watched = hub.rollout(
        "alice",
        &["status", POLICY, "first", "--watch", "--interval", "1"],
    );
    watched.assert_code(0);
    let last = watched
        .stdout
        .trim_end()
        .rsplit("\n\n")
        .next()
        .unwrap_or_default();
    assert!(
        watched
            .stdout
            .contains("rollout first of acme-fleet: SUCCEEDED"),
        "{}",
        watched.stdout
    );
    assert!(last.contains("approved by"), "{last}");

    let done = hub.status("first");
    assert_eq!(done["status"], "SUCCEEDED");
    for wave in ["canary", "nonprod", "prod"] {
        assert_eq!(wave_state(&done, wave), "done", "{done:#}");
    }
    let approval = &done["waves"][2]["approval"];
    assert_eq!(approval["by"], bob.as_str());
    assert_eq!(approval["comment"], "canary clean");
    assert!(
        approval["at"]
            .as_str()
            .is_some_and(|at| at.starts_with("2026-"))
    );

    // an ended rollout has nothing to approve
    let late = hub.rollout("bob", &["approve", POLICY, "first", "--wave", "prod"]);
    late.assert_code(2);
    assert!(
        late.stderr
            .contains("rollout first has already ended (SUCCEEDED)"),
        "{}",
        late.stderr
    );

    let list = hub.rollout("alice", &["list", POLICY]);
    list.assert_code(0);
    let row = list.stdout.lines().nth(1).unwrap_or_default();
    assert!(
        row.starts_with("first ") && row.contains("SUCCEEDED") && row.contains("3/3"),
        "{}",
        list.stdout
    );
    let json = hub.rollout("bob", &["list", POLICY, "--output", "json"]);
    json.assert_code(0);
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(rows[0]["id"], "first");
    assert_eq!(rows[0]["waves_done"], 3);
    assert_eq!(rows[0]["started_by"], alice.as_str());
    hub.rollout("bob", &["status", POLICY, "first"])
        .assert_code(0);

    let approver = hub.assert_allowed("bob", false);
    for needed in [
        "cloudformation:DescribeStacks",
        "states:SendTaskSuccess",
        "states:GetExecutionHistory",
        "dynamodb:Query",
        "dynamodb:Scan",
    ] {
        assert!(approver.iter().any(|a| a == needed), "{approver:?}");
    }
    let operator = hub.assert_allowed("alice", true);
    assert!(
        operator.iter().any(|a| a == "states:StartExecution"),
        "{operator:?}"
    );
}

#[test]
fn reject_and_stop_at_an_approval_and_during_a_bake() {
    let hub = RolloutHub::start(POLICY, 2.0, None);
    let alice = hub.arn("alice");
    let bob = hub.arn("bob");

    hub.rollout("alice", &["start", POLICY, "--name", "refused"])
        .assert_code(0);
    hub.wait_for("refused", LIMIT, "the prod approval", |s| {
        wave_state(s, "prod") == "awaiting_approval"
    });
    let rejected = hub.rollout(
        "bob",
        &[
            "reject",
            POLICY,
            "--wave",
            "prod",
            "--reason",
            "change freeze",
        ],
    );
    rejected.assert_code(0);
    assert_eq!(
        rejected.stdout,
        format!("rejected wave prod of rollout refused as {bob}\n")
    );
    let status = hub.wait_for("refused", LIMIT, "the rejection", |s| {
        s["status"] != "RUNNING"
    });
    assert_eq!(status["status"], "REJECTED");
    assert_eq!(wave_state(&status, "prod"), "rejected");
    let reason = status["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!("rejected by {bob}: change freeze")),
        "{reason}"
    );
    let human = hub.rollout("alice", &["status", POLICY, "refused"]);
    human.assert_code(1);
    assert!(human.stdout.contains("REJECTED"), "{}", human.stdout);
    let again = hub.rollout(
        "bob",
        &[
            "reject", POLICY, "refused", "--wave", "prod", "--reason", "x",
        ],
    );
    again.assert_code(2);
    assert!(
        again.stderr.contains("has already ended (FAILED)"),
        "{}",
        again.stderr
    );

    // stop while an approval is pending: the answer RolloutStopped ends it STOPPED, not REJECTED
    hub.rollout("alice", &["start", POLICY, "--name", "halted"])
        .assert_code(0);
    hub.wait_for("halted", LIMIT, "the prod approval", |s| {
        wave_state(s, "prod") == "awaiting_approval"
    });
    let stop = hub.rollout("alice", &["stop", POLICY, "--reason", "wrong window"]);
    stop.assert_code(0);
    assert!(
        stop.stdout
            .contains("the pending approval of wave prod was answered"),
        "{}",
        stop.stdout
    );
    let status = hub.wait_for("halted", LIMIT, "the stop", |s| s["status"] != "RUNNING");
    assert_eq!(status["status"], "STOPPED");
    assert_eq!(status["stop_requested"]["by"], alice.as_str());
    assert_eq!(status["stop_requested"]["reason"], "wrong window");
    assert!(
        status["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("wrong window")
    );

    // stop while baking after canary: the execution stops at once, the audit item says STOPPED
    hub.rollout("alice", &["start", POLICY, "--name", "baking"])
        .assert_code(0);
    hub.wait_for("baking", LIMIT, "the canary bake", |s| {
        wave_state(s, "canary") == "baking"
    });
    let stop = hub.rollout(
        "alice",
        &["stop", POLICY, "baking", "--reason", "bad canary"],
    );
    stop.assert_code(0);
    assert!(
        stop.stdout.contains("it was baking after wave canary"),
        "{}",
        stop.stdout
    );
    let status = hub.status("baking");
    assert_eq!(status["status"], "STOPPED", "{status:#}");
    assert_eq!(wave_state(&status, "canary"), "done");
    assert_eq!(wave_state(&status, "nonprod"), "not_run");
    let stop_again = hub.rollout("alice", &["stop", POLICY, "baking", "--reason", "x"]);
    stop_again.assert_code(2);
    assert!(
        stop_again.stderr.contains("has already ended"),
        "{}",
        stop_again.stderr
    );
    let none = hub.rollout("alice", &["stop", POLICY, "--reason", "x"]);
    none.assert_code(2);
    assert!(
        none.stderr
            .contains("no rollout of policy acme-fleet is running"),
        "{}",
        none.stderr
    );

    let list = hub.rollout("alice", &["list", POLICY, "--output", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let results: Vec<(&str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        results,
        [
            ("baking", "STOPPED"),
            ("halted", "STOPPED"),
            ("refused", "REJECTED")
        ]
    );
}

#[test]
fn stop_mid_wave_and_narrowed_runs() {
    // installs take three hours: the canary wave is still running when the stop arrives
    let hub = RolloutHub::start(POLICY, 1.0, Some(3 * 3600));
    let alice = hub.arn("alice");

    // the rollout refuses a scope wider than the policy, naming it; nothing runs
    let outside = hub.rollout(
        "alice",
        &[
            "start",
            POLICY,
            "--name",
            "wide",
            "--wave",
            "canary",
            "--accounts",
            "999999999999",
        ],
    );
    outside.assert_code(1);
    assert!(
        outside
            .stdout
            .contains("wave canary does not target account(s) 999999999999"),
        "{}",
        outside.stdout
    );
    let stranger = hub.rollout(
        "alice",
        &[
            "start",
            POLICY,
            "--name",
            "stranger",
            "--wave",
            "prod",
            "--accounts",
            "000000000042",
        ],
    );
    stranger.assert_code(1);
    assert!(
        stranger
            .stdout
            .contains("account 000000000042 of `scope.prod` cannot be found in AWS Organizations"),
        "{}",
        stranger.stdout
    );
    let node = hub.rollout(
        "alice",
        &[
            "start",
            POLICY,
            "--name",
            "node",
            "--wave",
            "canary",
            "--instances",
            "i-0123456789abcdef0",
        ],
    );
    node.assert_code(1);
    assert!(
        node.stdout.contains("needs exactly one account"),
        "{}",
        node.stdout
    );

    hub.rollout("alice", &["start", POLICY, "--name", "drain"])
        .assert_code(0);
    hub.wait_for("drain", LIMIT, "canary running", |s| {
        wave_state(s, "canary") == "running"
            && s["waves"][0]["progress"]["total"].as_u64() > Some(0)
    });
    let stop = hub.rollout("alice", &["stop", POLICY, "--reason", "pager went off"]);
    stop.assert_code(0);
    assert!(
        stop.stdout.contains("wave canary drains"),
        "{}",
        stop.stdout
    );
    let watched = hub.rollout(
        "alice",
        &["status", POLICY, "drain", "--watch", "--interval", "1"],
    );
    watched.assert_code(1);
    assert!(
        watched
            .stdout
            .contains("rollout drain of acme-fleet: STOPPED"),
        "{}",
        watched.stdout
    );
    let status = hub.status("drain");
    assert_eq!(wave_state(&status, "canary"), "stopped", "{status:#}");
    assert_eq!(wave_state(&status, "nonprod"), "not_run");
    let reason = status["waves"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!("stopped by {alice} (pager went off)")),
        "{reason}"
    );

    // a narrowed dry run: one wave, one account; the others are skipped
    let narrow = hub.rollout(
        "alice",
        &[
            "start",
            POLICY,
            "--name",
            "narrow",
            "--dry-run",
            "--wave",
            "canary",
            "--accounts",
            "222222222222",
        ],
    );
    narrow.assert_code(0);
    assert!(
        narrow
            .stdout
            .contains(r#"scope: {"canary":{"accounts":["222222222222"]}}"#),
        "{}",
        narrow.stdout
    );
    let status = hub.wait_for("narrow", LIMIT, "the narrowed run's end", |s| {
        s["status"] != "RUNNING"
    });
    assert_eq!(status["status"], "SUCCEEDED", "{status:#}");
    assert_eq!(status["dry_run"], true);
    assert_eq!(wave_state(&status, "canary"), "done");
    assert_eq!(wave_state(&status, "nonprod"), "skipped");
    assert_eq!(wave_state(&status, "prod"), "skipped");
    assert!(
        status["waves"][0]["targets"]
            .as_str()
            .is_some_and(|t| t.starts_with("narrowed to account(s) 222222222222")),
        "{status:#}"
    );
    hub.assert_allowed("alice", true);
}
