// Running the real patchform binary: a `Test` builder (after just's) and its outcome, `Run`.

use super::moto::Moto;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a run may take unless the test says otherwise: long enough for any command that
/// does not wait on AWS, short enough that a hang fails the test instead of the CI job.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);

/// The outcome of one run.
#[derive(Debug)]
pub(crate) struct Run {
    /// Exit code (None when killed at the deadline or by a signal).
    pub code: Option<i32>,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
    /// Wall time.
    pub elapsed: Duration,
}

impl Run {
    /// The exit code, -1 when there is none (killed).
    pub(crate) fn status(&self) -> i32 {
        self.code.unwrap_or(-1)
    }

    /// Panic with both streams unless the exit code is `code`.
    pub(crate) fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// One run of `patchform`, described step by step and then [`Test::run`]: arguments, stdin,
/// environment, working directory, and optionally the expected exit status and output.
///
/// By default it runs in the repository root with the caller's environment plus `NO_COLOR=1`,
/// empty stdin, and is killed after five minutes.
#[derive(Debug, Clone)]
#[must_use]
pub(crate) struct Test {
    args: Vec<OsString>,
    stdin: Vec<u8>,
    clear_env: bool,
    env: Vec<(OsString, OsString)>,
    dir: PathBuf,
    deadline: Duration,
    status: Option<i32>,
    stdout: Option<String>,
    stderr: Option<String>,
}

impl Default for Test {
    fn default() -> Self {
        Test::new()
    }
}

impl Test {
    /// A run with no arguments in the repository root.
    pub(crate) fn new() -> Test {
        Test {
            args: Vec::new(),
            stdin: Vec::new(),
            clear_env: false,
            env: Vec::new(),
            dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            deadline: DEFAULT_DEADLINE,
            status: None,
            stdout: None,
            stderr: None,
        }
    }

    /// A run with the environment of a process talking to `moto` only (see [`Moto::env`]):
    /// nothing inherited but PATH.
    pub(crate) fn against(moto: &Moto, region: &str) -> Test {
        Test::new().env_clear().envs(moto.env(region))
    }

    /// Append one argument.
    pub(crate) fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Append arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// What the process reads on stdin.
    pub(crate) fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = input.into();
        self
    }

    /// Start from an empty environment (PATH and NO_COLOR=1 are still set).
    pub(crate) fn env_clear(mut self) -> Self {
        self.clear_env = true;
        self
    }

    /// Set one environment variable (later settings win).
    pub(crate) fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Set environment variables (later settings win).
    pub(crate) fn envs<I, K, V>(mut self, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        for (key, value) in vars {
            self = self.env(key, value);
        }
        self
    }

    /// The working directory.
    pub(crate) fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.dir = dir.as_ref().to_owned();
        self
    }

    /// Kill the process after `deadline` (the run then has no exit code).
    pub(crate) fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Expect this exit status.
    pub(crate) fn status(mut self, code: i32) -> Self {
        self.status = Some(code);
        self
    }

    /// Expect exactly this stdout.
    pub(crate) fn stdout(mut self, expected: impl Into<String>) -> Self {
        self.stdout = Some(expected.into());
        self
    }

    /// Expect exactly this stderr.
    pub(crate) fn stderr(mut self, expected: impl Into<String>) -> Self {
        self.stderr = Some(expected.into());
        self
    }

    /// Run it; panic with the command and both streams when an expectation fails.
    pub(crate) fn run(self) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_patchform"));
        command.args(&self.args).current_dir(&self.dir);
        if self.clear_env {
            command
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        }
        command
            .env("NO_COLOR", "1")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let run = spawn_with_deadline(command, self.stdin.clone(), self.deadline);
        let context = || {
            format!(
                "patchform {:?} in {}\n--- stdout\n{}\n--- stderr\n{}",
                self.args,
                self.dir.display(),
                run.stdout,
                run.stderr
            )
        };
        if let Some(code) = self.status {
            assert_eq!(run.code, Some(code), "exit status of {}", context());
        }
        if let Some(expected) = &self.stdout {
            assert_eq!(&run.stdout, expected, "stdout of {}", context());
        }
        if let Some(expected) = &self.stderr {
            assert_eq!(&run.stderr, expected, "stderr of {}", context());
        }
        run
    }
}

/// Run `patchform ARGS` in `dir` with the emulator's environment; killed after `deadline`.
pub(crate) fn patchform(
    moto: &Moto,
    region: &str,
    dir: &Path,
    args: &[&str],
    deadline: Duration,
) -> Run {
    patchform_with_env(moto, region, dir, args, deadline, &[])
}

/// [`patchform`] with `overrides` on top of the emulator's environment (other credentials,
/// another endpoint).
pub(crate) fn patchform_with_env(
    moto: &Moto,
    region: &str,
    dir: &Path,
    args: &[&str],
    deadline: Duration,
    overrides: &[(String, String)],
) -> Run {
    Test::against(moto, region)
        .envs(overrides.iter().cloned())
        .current_dir(dir)
        .args(args)
        .deadline(deadline)
        .run()
}

/// Spawn, feed `stdin`, collect both streams, kill at the deadline.
fn spawn_with_deadline(mut command: Command, stdin: Vec<u8>, deadline: Duration) -> Run {
    let start = Instant::now();
    let mut child = command.spawn().expect("spawn patchform");
    let mut input = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    // a process that exits without reading its input closes the pipe: not an error here
    let feed = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status.code();
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = feed.join();
    Run {
        code,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        elapsed: start.elapsed(),
    }
}
