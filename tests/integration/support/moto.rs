// A moto server child process on 127.0.0.1 at a free port, with its request log; killed on drop.
//
// moto_server runs through `moto_tls.py`, which takes every request to arrive over TLS (moto
// cannot evaluate the artifact bucket's TLS-only policy statement; see that file).

use super::recording::{self, Request};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The management (and hub) account of every seeded organization: moto's default account.
pub(crate) const MANAGEMENT_ACCOUNT: &str = "123456789012";

/// The directory holding moto_server and the Python it runs on: $PATCHFORM_TOOLS, else <repo>/.venv/bin.
pub(crate) fn tools_dir() -> PathBuf {
    match std::env::var_os("PATCHFORM_TOOLS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin"),
    }
}

/// A running moto server.
pub(crate) struct Moto {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Moto {
    /// Start moto_server and wait until it answers. Panics with set-up help when it is missing.
    pub(crate) fn start() -> Moto {
        let server = tools_dir().join("moto_server");
        let python = tools_dir().join("python");
        assert!(
            server.is_file() && python.is_file(),
            "moto_server and python not found in {}: run scripts/setup-tools.sh (or set PATCHFORM_TOOLS)",
            tools_dir().display()
        );
        let wrapper =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/support/moto_tls.py");
        let dir = tempfile::tempdir().expect("temp dir");
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new(&python)
                .arg(&wrapper)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("MOTO_ENABLE_RECORDING", "true")
                .env("MOTO_RECORDER_FILEPATH", dir.path().join("requests.jsonl"))
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env_remove("MOTO_ACCOUNT_ID")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::from(
                    std::fs::File::create(dir.path().join("moto.log")).expect("moto log"),
                ))
                .spawn()
                .expect("start moto_server");
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // port taken between free_port() and bind: try another
                }
                if http_get(port, "/moto-api/data.json").is_some() {
                    return Moto { child, port, dir };
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!(
            "moto_server did not start; log:\n{}",
            std::fs::read_to_string(dir.path().join("moto.log")).unwrap_or_default()
        );
    }

    /// http://127.0.0.1:<port>
    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Environment for a process talking to this server only: endpoint, dummy credentials,
    /// no config files, no instance metadata.
    pub(crate) fn env(&self, region: &str) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.endpoint().as_str()),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_REGION", region),
            ("AWS_DEFAULT_REGION", region),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    }

    /// Every request recorded since the start or the last [`Moto::clear_requests`].
    pub(crate) fn requests(&self) -> Vec<Request> {
        recording::read(&self.dir.path().join("requests.jsonl"))
    }

    /// Forget the recorded requests.
    pub(crate) fn clear_requests(&self) {
        std::fs::write(self.dir.path().join("requests.jsonl"), b"").expect("clear request log");
    }

    /// moto's own log (stderr), for failure messages.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("moto.log")).unwrap_or_default()
    }

    /// Stop the server now (the "emulator died" fault).
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A minimal unsigned HTTP PUT on loopback (moto takes an unsigned request to be S3);
/// whether the status is 200.
pub(crate) fn http_put(port: u16, path: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if write!(
        stream,
        "PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .is_err()
    {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

/// A minimal HTTP GET on loopback; the body when the status is 200.
pub(crate) fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200").then(|| body.to_owned())
}
