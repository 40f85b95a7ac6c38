// Deploy's failure paths against the in-memory fake AWS: throttling, a busy stack set, an operation failing mid-rollout, a hub stack in ROLLBACK_COMPLETE.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::console::Console;
use super::deployer::{DeployOptions, deploy};
use super::error::DeployError;
use super::hub::HubAction;
use super::report::{DeployReport, Outcome};
use super::stack_set::StackSetAction;
use crate::aws::OperationStatus;
use crate::aws::fake::FakeAws;
use crate::compiler::{self, CompileOptions};
use crate::exit::ExitStatus;
use crate::naming;
use crate::output::Output;
use crate::policy::Policy;
use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;
use std::time::Duration;

const HUB: &str = "100000000000";
const CANARY: &str = "111111111111";
const MIDDLE: &str = "122222222222";
const LAST: &str = "133333333333";

/// Self-managed, one region, three waves of one account each.
fn policy() -> Policy {
    let text = format!(
        "version: 1\nname: fleet\nhub:\n  account: \"{HUB}\"\n  region: us-east-1\norganization:\n  permission_model: self_managed\n  targets:\n    accounts: [\"{CANARY}\", \"{MIDDLE}\", \"{LAST}\"]\n  regions: [us-east-1]\nwaves:\n  - name: canary\n    targets:\n      accounts: [\"{CANARY}\"]\n  - name: middle\n    targets:\n      accounts: [\"{MIDDLE}\"]\n  - name: last\n    targets:\n      accounts: [\"{LAST}\"]\n"
    );
    let validated = crate::validator::validate_text("fleet.yaml", &text);
    validated
        .policy
        .unwrap_or_else(|| panic!("{:#?}", validated.report))
}

fn fake() -> FakeAws {
    FakeAws::new(
        HUB,
        &[(CANARY, "canary"), (MIDDLE, "middle"), (LAST, "last")],
    )
}

/// Stderr, kept for the assertions.
#[derive(Clone, Default)]
struct Captured(Rc<RefCell<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Deploy `policy()` to `aws` (with --yes); the result and what the operator saw.
async fn run(aws: &FakeAws, dry_run: bool) -> (Result<DeployReport, DeployError>, String) {
    let policy = policy();
    let options = CompileOptions {
        templates_dir: None,
        artifact_bucket: None,
    };
    let compiled = compiler::compile_planned(&policy, &options).expect("compiles");
    let stderr = Captured::default();
    let mut output = Output {
        stdout: Box::new(io::sink()),
        stderr: Box::new(stderr.clone()),
        color_stdout: false,
        color_stderr: false,
        interactive: false,
        stderr_is_terminal: false,
        stdout_is_terminal: false,
    };
    let options = DeployOptions {
        yes: true,
        dry_run,
        prune: false,
        timeout: Duration::from_secs(60),
        artifact_bucket: None,
    };
    let mut console = Console::new(&mut output);
    let result = deploy(aws, &policy, &compiled, options, &mut console).await;
    let text = String::from_utf8_lossy(&stderr.0.borrow()).into_owned();
    (result, text)
}

/// Calls that change something in AWS.
fn writes(aws: &FakeAws) -> Vec<&'static str> {
    let reads = ["Get", "Describe", "List", "Head"];
    let state = aws.state.borrow();
    let calls = state.calls.iter().copied();
    calls
        .filter(|c| !reads.iter().any(|r| c.starts_with(r)))
        .collect()
}

#[tokio::test]
async fn a_first_deploy_creates_everything_and_a_second_changes_nothing() {
    let aws = fake();
    let (first, _) = run(&aws, false).await;
    let first = first.expect("deployed");
    assert_eq!(first.outcome, Outcome::Deployed);
    assert_eq!(first.hub.action, HubAction::Create);
    assert_eq!(first.stack_set.action, StackSetAction::Create);
    assert!(first.to_json().contains("\"action\": \"create\""));
    assert_eq!(first.operations.len(), 3);
    assert_eq!(aws.count("CreateStackInstances"), 3);
    let (second, text) = run(&aws, false).await;
    let second = second.expect("nothing to do");
    assert_eq!(second.outcome, Outcome::NoChanges, "{text}");
    assert_eq!(second.stack_set.action, StackSetAction::None);
    assert!(second.to_json().contains("\"action\": \"none\""));
    assert_eq!(aws.count("CreateStackInstances"), 3);
}

#[tokio::test]
async fn throttling_the_sdk_could_not_absorb_stops_the_deploy_before_any_change() {
    let aws = fake();
    // The SDK retries throttling itself (AwsSettings::max_attempts); what reaches deploy is final.
    aws.fail("DescribeStackSet", "Throttling", 1);
    let (result, _) = run(&aws, false).await;
    let error = result.expect_err("throttled");
    assert!(matches!(&error, DeployError::Aws(e) if e.is_throttling()));
    assert_eq!(
        error.to_string(),
        "`DescribeStackSet` failed: Throttling: scripted by the test"
    );
    assert_eq!(aws.count("DescribeStackSet"), 1);
    assert!(writes(&aws).is_empty(), "{:?}", writes(&aws));
}

#[tokio::test]
async fn a_busy_stack_set_is_waited_for_and_the_operation_started_again() {
    let aws = fake();
    aws.fail("CreateStackInstances", "OperationInProgressException", 1);
    let (result, _) = run(&aws, false).await;
    let report = result.expect("deployed");
    assert_eq!(report.outcome, Outcome::Deployed);
    assert_eq!(aws.count("CreateStackInstances"), 4);
    assert!(aws.count("ListStackSetOperations") >= 1);
}

#[tokio::test]
async fn an_operation_failing_mid_rollout_stops_later_waves_and_the_report_says_which() {
    let aws = fake();
    aws.fail_operation(2, "ResourceLogicalId:Baseline, Internal Failure");
    let (result, text) = run(&aws, false).await;
    let report = result.expect("a partial deploy is a report, not an error");
    assert_eq!(report.outcome, Outcome::Partial);
    assert_eq!(report.exit_status(), ExitStatus::Failure);
    // Canary and middle ran; last never started.
    assert_eq!(aws.count("CreateStackInstances"), 2);
    let waves: Vec<(&str, Option<OperationStatus>)> = report
        .operations
        .iter()
        .map(|o| (o.wave.as_str(), o.status))
        .collect();
    assert_eq!(
        waves,
        [
            ("canary", Some(OperationStatus::Succeeded)),
            ("middle", Some(OperationStatus::Failed))
        ]
    );
    assert_eq!(
        report.operations[1].reason.as_deref(),
        Some("ResourceLogicalId:Baseline, Internal Failure")
    );
    let status = |account: &str| {
        let found = report.instances.iter().find(|i| i.account == account);
        found.map(|i| (i.status.clone(), i.reason.clone()))
    };
    assert_eq!(status(CANARY), Some(("current".into(), None)));
    assert_eq!(status(MIDDLE).map(|s| s.0), Some("outdated".into()));
    // Stopped: the untouched wave is missing without the "every operation succeeded" reading.
    assert_eq!(status(LAST), Some(("missing".into(), None)));
    assert!(
        text.contains("warning: operation for `middle` ended Failed (ResourceLogicalId:Baseline, Internal Failure): the rollout stops here, later waves are untouched"),
        "{text}"
    );
    assert!(
        text.contains("partially deployed: 2 stack instance(s) failed"),
        "{text}"
    );
}

#[tokio::test]
async fn a_hub_stack_in_rollback_complete_is_deleted_and_created_again() {
    let aws = fake();
    let stack = naming::hub_stack_name("fleet");
    aws.put_stack(&stack, "ROLLBACK_COMPLETE", "Resources: {}\n");
    // A dry run plans the recreate and touches nothing.
    let (planned, text) = run(&aws, true).await;
    let planned = planned.expect("planned");
    assert_eq!(planned.outcome, Outcome::DryRun);
    assert_eq!(planned.hub.action, HubAction::Recreate);
    assert_eq!(planned.hub.status.as_deref(), Some("ROLLBACK_COMPLETE"));
    assert!(
        text.contains(
            ": delete (a failed first create left it ROLLBACK_COMPLETE) and create again"
        ),
        "{text}"
    );
    assert!(writes(&aws).is_empty(), "{:?}", writes(&aws));
    // The deploy deletes the stack, then creates it through a CREATE change set.
    let (result, _) = run(&aws, false).await;
    let report = result.expect("deployed");
    assert_eq!(report.hub.action, HubAction::Recreate);
    assert_eq!(report.hub.status.as_deref(), Some("CREATE_COMPLETE"));
    let hub = [
        "DeleteStack",
        "CreateChangeSet",
        "ExecuteChangeSet",
        "DeleteChangeSet",
    ];
    let hub_calls: Vec<&str> = writes(&aws)
        .into_iter()
        .filter(|c| hub.contains(c))
        .collect();
    assert_eq!(
        hub_calls,
        ["DeleteStack", "CreateChangeSet", "ExecuteChangeSet"]
    );
}
