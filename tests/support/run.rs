// Running the real patchform binary against the emulator, with a deadline so nothing hangs.

use super::moto::Moto;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The outcome of one run.
#[derive(Debug)]
pub struct Run {
    /// Exit code (None when killed at the deadline).
    pub code: Option<i32>,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
    /// Wall time.
    pub elapsed: Duration,
}

impl Run {
    /// Panic with both streams unless the exit code is `code`.
    pub fn assert_code(&self, code: i32) -> &Self {
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

/// Run `patchform ARGS` in `dir` with the emulator's environment; killed after `deadline`.
pub fn patchform(moto: &Moto, region: &str, dir: &Path, args: &[&str], deadline: Duration) -> Run {
    patchform_with_env(moto, region, dir, args, deadline, &[])
}

/// [`patchform`] with `overrides` on top of the emulator's environment (other credentials,
/// another endpoint).
pub fn patchform_with_env(
    moto: &Moto,
    region: &str,
    dir: &Path,
    args: &[&str],
    deadline: Duration,
    overrides: &[(String, String)],
) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_patchform"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .envs(moto.env(region))
        .envs(overrides.iter().cloned())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    spawn_with_deadline(command, deadline)
}

/// Spawn, collect both streams, kill at the deadline.
pub fn spawn_with_deadline(mut command: Command, deadline: Duration) -> Run {
    let start = Instant::now();
    let mut child = command.spawn().expect("spawn patchform");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
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
    Run {
        code,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        elapsed: start.elapsed(),
    }
}
