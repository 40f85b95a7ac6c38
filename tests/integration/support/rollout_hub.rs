// A built policy's hub served by the rollout harness on 127.0.0.1 (a free port), for the real
// `patchform rollout` binary: moto's Step Functions running the generated state machines, the
// scripted fleet, two IAM users (alice, bob). Stopped on drop.

use super::moto::tools_dir;
use super::run::{Run, Test};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One served hub.
pub(crate) struct RolloutHub {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The generated files (kept alive with the hub).
    _generated: tempfile::TempDir,
    /// The policy file, relative to the repository root.
    pub policy: String,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The hub region.
    pub region: String,
    /// user name -> (access key, secret key, ARN).
    users: serde_json::Value,
    /// The generated hub template.
    hub_template: PathBuf,
    /// One JSON line per request the server received (access key, IAM action).
    request_log: PathBuf,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl RolloutHub {
    /// Build `policy` (relative to the repository root) and serve its hub. A Wait state takes
    /// `real_seconds_per_hour` per virtual hour; installs take `node_seconds` (virtual) when given.
    pub(crate) fn start(
        policy: &str,
        real_seconds_per_hour: f64,
        node_seconds: Option<u64>,
    ) -> RolloutHub {
        let generated = tempfile::tempdir().expect("temp dir");
        Test::new()
            .args(["build", "--out"])
            .arg(generated.path())
            .arg(policy)
            .current_dir(root())
            .status(0)
            .run();
        let text = std::fs::read_to_string(root().join(policy)).expect("read policy");
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name: "))
            .expect("policy name")
            .trim()
            .to_owned();
        let python = tools_dir().join("python");
        assert!(
            python.exists(),
            "{} not found: run scripts/setup-tools.sh (or set PATCHFORM_TOOLS)",
            python.display()
        );
        let mut command = Command::new(python);
        command
            .args(["-m", "rollout_harness", "serve", "--case"])
            .arg(format!(
                "{}={}",
                root().join(policy).display(),
                generated.path().join(&name).display()
            ))
            .arg("--real-seconds-per-hour")
            .arg(real_seconds_per_hour.to_string())
            .arg("--request-log")
            .arg(generated.path().join("requests.jsonl"))
            .current_dir(root().join("tools"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(seconds) = node_seconds {
            command.arg("--node-seconds").arg(seconds.to_string());
        }
        let mut child = command.spawn().expect("spawn the rollout harness");
        let stdout = child.stdout.take().expect("stdout");
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = send.send(line);
        });
        let line = match receive.recv_timeout(Duration::from_secs(120)) {
            Ok(line) if !line.trim().is_empty() => line,
            other => {
                let _ = child.kill();
                panic!("the rollout harness did not report ready: {other:?}");
            }
        };
        let ready: serde_json::Value = serde_json::from_str(&line).expect("ready line is JSON");
        RolloutHub {
            hub_template: generated.path().join(&name).join("hub.template.yaml"),
            request_log: generated.path().join("requests.jsonl"),
            stdin: child.stdin.take(),
            child,
            _generated: generated,
            policy: policy.to_owned(),
            endpoint: ready["endpoint"].as_str().expect("endpoint").to_owned(),
            region: ready["region"].as_str().expect("region").to_owned(),
            users: ready["users"].clone(),
        }
    }

    /// The ARN of `user`.
    pub(crate) fn arn(&self, user: &str) -> String {
        self.users[user]["arn"]
            .as_str()
            .expect("user arn")
            .to_owned()
    }

    /// `patchform rollout ARGS…` as `user`, from the repository root; killed after 120 s.
    pub(crate) fn rollout(&self, user: &str, args: &[&str]) -> Run {
        let key = &self.users[user];
        Test::new()
            .env_clear()
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env(
                "AWS_ACCESS_KEY_ID",
                key["access_key"].as_str().expect("key"),
            )
            .env(
                "AWS_SECRET_ACCESS_KEY",
                key["secret_key"].as_str().expect("secret"),
            )
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_REGION", &self.region)
            .current_dir(root())
            .arg("rollout")
            .args(args)
            .deadline(Duration::from_secs(120))
            .run()
    }

    /// `rollout status POLICY ROLLOUT --output json` as alice, parsed.
    pub(crate) fn status(&self, rollout: &str) -> serde_json::Value {
        let run = self.rollout(
            "alice",
            &["status", &self.policy, rollout, "--output", "json"],
        );
        assert!(
            matches!(run.code, Some(0 | 1)),
            "status: {}\n{}",
            run.stdout,
            run.stderr
        );
        serde_json::from_str(&run.stdout).expect("status JSON")
    }

    /// Poll the rollout's status until `ready` holds; panic after `limit` with the last status.
    pub(crate) fn wait_for(
        &self,
        rollout: &str,
        limit: Duration,
        what: &str,
        ready: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let status = self.status(rollout);
            if ready(&status) {
                return status;
            }
            assert!(
                start.elapsed() < limit,
                "waited {limit:?} for {what}; the rollout says:\n{status:#}"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }
}

impl Drop for RolloutHub {
    fn drop(&mut self) {
        // closing stdin ends the server; kill it if it lingers
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RolloutHub {
    /// The IAM actions a managed policy of the hub template allows (`ApproversPolicy`, …).
    fn allowed(&self, policy: &str) -> Vec<String> {
        let text = std::fs::read_to_string(&self.hub_template).expect("read hub template");
        let hub = patchform::render::parse_yaml("hub.template.yaml", text).expect("hub template");
        let statements = hub["Resources"][policy]["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .expect("policy statements")
            .clone();
        let mut actions = Vec::new();
        for statement in statements {
            assert_eq!(statement["Effect"], "Allow", "{statement}");
            match &statement["Action"] {
                serde_json::Value::String(one) => actions.push(one.clone()),
                serde_json::Value::Array(many) => {
                    actions.extend(many.iter().map(|a| a.as_str().expect("action").to_owned()))
                }
                other => panic!("Action {other}"),
            }
        }
        actions
    }

    /// Every call `user` made is allowed by the hub's `ApproversPolicy` (and `OperatorsPolicy`
    /// when `operator`); GetCallerIdentity needs no permission. Returns the distinct actions.
    pub(crate) fn assert_allowed(&self, user: &str, operator: bool) -> Vec<String> {
        let mut allowed = self.allowed("ApproversPolicy");
        if operator {
            allowed.extend(self.allowed("OperatorsPolicy"));
        }
        let key = self.users[user]["access_key"]
            .as_str()
            .expect("key")
            .to_owned();
        let log = std::fs::read_to_string(&self.request_log).unwrap_or_default();
        let mut made: Vec<String> = log
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|r| r["access_key"] == key.as_str())
            .map(|r| r["action"].as_str().unwrap_or_default().to_owned())
            .filter(|a| a != "sts:GetCallerIdentity")
            .collect();
        made.sort();
        made.dedup();
        let denied: Vec<&String> = made.iter().filter(|a| !allowed.contains(a)).collect();
        assert!(
            denied.is_empty(),
            "{user} called {denied:?}, which the hub's {} do not allow (they allow {allowed:?})",
            if operator {
                "approvers and operators policies"
            } else {
                "approvers policy"
            }
        );
        made
    }
}

/// The state of wave `name` in a status JSON.
pub(crate) fn wave_state(status: &serde_json::Value, name: &str) -> String {
    status["waves"]
        .as_array()
        .and_then(|waves| waves.iter().find(|w| w["name"] == name))
        .and_then(|w| w["state"].as_str())
        .unwrap_or("?")
        .to_owned()
}
