// `patchform calendar` through the real binary: DST crossings, Patch Tuesday, overlaps, JSON, errors.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::support::{Run, Test};

fn patchform(args: &[&str]) -> Run {
    Test::new().args(args).run()
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/calendar/{name}.yaml")
}

/// `calendar` on a valid fixture: its stdout, after checking exit 0 and that stderr holds at
/// most validate's warnings (`<path>: valid, N warnings` last), never an error.
fn calendar(name: &str, args: &[&str]) -> String {
    let path = fixture(name);
    let mut all = vec!["calendar"];
    all.extend_from_slice(args);
    all.push(&path);
    let run = patchform(&all);
    assert_eq!(run.status(), 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.is_empty()
            || run
                .stderr
                .lines()
                .last()
                .is_some_and(|l| l.starts_with(&format!("{path}: valid, "))),
        "{name}: only warnings on stderr\n{}",
        run.stderr
    );
    run.stdout
}

#[test]
fn rollouts_across_the_changes_of_daylight_saving_time() {
    // 25 March 2028 22:00 CET: the second wave can start after 03:00 CEST on the 26th;
    // 28 October 2028 22:00 CEST: the rollout can end at 05:00 CET on the 29th.
    let out = calendar("dst", &["--from", "2028-03-01", "--count", "4"]);
    assert!(out.contains("Rollout 1  Sat 2028-03-25 22:00 CET  (2028-03-25 21:00 UTC)"));
    assert!(out.contains("Sun 2028-03-26 03:00 CEST"));
    assert!(out.contains("Rollout 2  Sat 2028-10-28 22:00 CEST  (2028-10-28 20:00 UTC)"));
    assert!(out.contains("Sun 2028-10-29 05:00 CET  (2028-10-29 04:00 UTC)"));
    insta::assert_snapshot!("dst", out);
}

#[test]
fn a_second_saturday_before_patch_tuesday_pins_a_set_without_its_releases() {
    // April 2028 starts on a Saturday: the second Saturday is the 8th, Patch Tuesday the 11th.
    let out = calendar("second-saturday", &["--from", "2028-03-01", "--count", "3"]);
    let april = out
        .split("\n\n")
        .find(|block| block.starts_with("Rollout 2"))
        .expect("a second rollout");
    assert!(
        april.starts_with(
            "Rollout 2  Sat 2028-04-08 02:00 CEST  (2028-04-08 00:00 UTC)  3 days before Patch Tuesday (Tue 2028-04-11)"
        ),
        "{april}"
    );
    assert!(
        april.contains(
            "warning: the pinned patch set leaves out Patch Tuesday's releases (Tue 2028-04-11)"
        ),
        "{april}"
    );
    // In May the second Saturday is Patch Tuesday + 4 days: the 3-day baselines hold the
    // releases, the 7-day ones do not.
    let may = out
        .split("\n\n")
        .find(|block| block.starts_with("Rollout 3"))
        .expect("a third rollout");
    assert!(
        may.contains("Patch Tuesday + 4 days (Tue 2028-05-09)"),
        "{may}"
    );
    assert!(may.contains("amazon_linux_2023"), "{may}");
    assert!(!may.contains("windows"), "{may}");
    insta::assert_snapshot!("second-saturday", out);
}

#[test]
fn a_rollout_that_can_outlast_the_week_warns() {
    let out = calendar("weekly-overlap", &["--from", "2028-03-01", "--count", "2"]);
    assert!(
        out.contains("warning: worst case, wave `fleet` is not done when the next rollout starts")
    );
    // patch_set: latest pins nothing, so no Patch Tuesday warning.
    assert!(!out.contains("pinned"));
    insta::assert_snapshot!("weekly-overlap", out);
}

#[test]
fn json_output_has_the_documented_shape() {
    let out = calendar(
        "second-saturday",
        &["--from", "2028-04-01", "--count", "2", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["timezone"], "Europe/Berlin");
    let first = &doc["rollouts"][0];
    assert_eq!(first["start"]["local"], "2028-04-08T02:00:00+02:00");
    assert_eq!(first["start"]["utc"], "2028-04-08T00:00:00Z");
    assert_eq!(first["patch_tuesday"]["date"], "2028-04-11");
    assert_eq!(first["patch_tuesday"]["days_from"], -3);
    assert_eq!(first["warnings"][0]["kind"], "patch_tuesday_missed");
    assert_eq!(first["waves"][2]["approval_timeout_seconds"], 86_400);
    insta::assert_snapshot!("second-saturday.json", out);
}

#[test]
fn a_policy_without_a_schedule_has_rollouts_started_by_hand() {
    let out = calendar("by-hand", &[]);
    assert_eq!(
        out,
        "by-hand: rollouts start by hand (no install.schedule)\n"
    );
    let json = calendar("by-hand", &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["schedule"], serde_json::Value::Null);
    assert_eq!(
        doc["message"],
        "rollouts start by hand (no install.schedule)"
    );
    assert_eq!(doc["rollouts"], serde_json::json!([]));
}

#[test]
fn without_from_the_calendar_starts_now() {
    let out = calendar("dst", &["--count", "1"]);
    assert!(
        out.starts_with("dst-crossing: the next rollout after "),
        "{out}"
    );
    assert_eq!(out.matches("\nRollout ").count(), 1, "{out}");
}

#[test]
fn an_invalid_from_is_a_usage_error_with_the_fix() {
    for bad in ["2028-02-30", "01/03/2028", "2028-3-1"] {
        let run = patchform(&["calendar", "--from", bad, &fixture("dst")]);
        assert_eq!(run.status(), 2, "{bad}");
        assert!(
            run.stderr
                .contains(&format!("invalid value '{bad}' for '--from <DATE>'"))
                && run
                    .stderr
                    .contains("write it as YYYY-MM-DD, e.g. --from 2028-03-01"),
            "{}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
    }
    let run = patchform(&["calendar", "--count", "0", &fixture("dst")]);
    assert_eq!(run.status(), 2, "{}", run.stderr);
}

#[test]
fn an_invalid_policy_shows_the_diagnostics_of_validate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    let text = std::fs::read_to_string(fixture("dst"))
        .unwrap()
        .replace("cron(0 22 ? MAR,OCT 7L *)", "cron(0 22 * * *)");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let run = patchform(&["calendar", path]);
    let validate = patchform(&["validate", path]);
    assert_eq!(run.status(), 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with(&validate.stderr), "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with(&format!("error: no calendar: `{path}` is not valid; fix the errors above (`patchform validate` shows them too)\n")),
        "{}",
        run.stderr
    );
    let missing = patchform(&["calendar", "tests/fixtures/calendar/missing.yaml"]);
    assert_eq!(missing.status(), 2, "{}", missing.stderr);
}

#[test]
fn validation_warnings_go_to_stderr_and_the_calendar_still_prints() {
    // The default 01:00 UTC scan starts 30 minutes into the 00:30 UTC rollout: a warning.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warned.yaml");
    let text = std::fs::read_to_string(fixture("by-hand"))
        .unwrap()
        .replace(
            "waves:",
            "install:\n  schedule: \"cron(30 0 ? * SAT#2 *)\"\nwaves:",
        );
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let run = patchform(&["calendar", "--from", "2028-04-01", "--count", "1", path]);
    assert_eq!(run.status(), 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("policy::schedule::scan-during-rollout"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("Rollout 1  Sat 2028-04-08 00:30 UTC"),
        "{}",
        run.stdout
    );
}

#[test]
fn help_has_examples_and_says_what_a_policy_without_schedule_does() {
    let run = patchform(&["calendar", "--help"]);
    assert_eq!(run.status(), 0);
    assert!(run.stdout.contains("Examples:"), "{}", run.stdout);
    assert!(run.stdout.contains("start by hand"), "{}", run.stdout);
    assert!(run.stdout.contains("--from <DATE>"), "{}", run.stdout);
}
