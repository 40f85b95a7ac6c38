// Loopback HTTP forwarders in front of moto: Organizations calls from the organization's view, or a bucket owned by someone else.
//
// moto keeps an organization's OUs and accounts in the management account's backend and forwards
// only DescribeOrganization and ListRoots when a member account asks; ListOrganizationalUnitsForParent
// and ListAccountsForParent from a member fail with ParentNotFoundException. On AWS every account
// that may read the organization (the management account, a delegated administrator) sees the
// same tree. This proxy gives a member account's credentials that view: Organizations requests
// are forwarded with the management account's (dummy) access key; every other request (STS,
// CloudFormation) goes to moto untouched, so moto still answers it as the member account.
// `DenyBucketProxy` answers 403 to every S3 request for one bucket, as S3 does for a bucket another
// account owns (moto lets every account use every bucket); other requests go to moto untouched.
// One request per connection (`Connection: close`); loopback only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// The access key moto maps to its default (management) account: any key it did not issue.
const MANAGEMENT_KEY: &str = "testing";

/// A running forwarder; its threads end with the test process.
pub(crate) struct OrgViewProxy {
    port: u16,
}

impl OrgViewProxy {
    /// Listen on 127.0.0.1 at a free port and forward to moto at `upstream`.
    pub(crate) fn start(upstream: u16) -> OrgViewProxy {
        OrgViewProxy {
            port: listen(upstream, Rule::OrgView),
        }
    }

    /// http://127.0.0.1:<port>
    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// A forwarder that denies (403) every S3 request for one bucket; its threads end with the test
/// process.
pub(crate) struct DenyBucketProxy {
    port: u16,
}

impl DenyBucketProxy {
    /// Listen on 127.0.0.1 at a free port, deny `bucket`, forward the rest to moto at `upstream`.
    pub(crate) fn start(upstream: u16, bucket: &str) -> DenyBucketProxy {
        DenyBucketProxy {
            port: listen(upstream, Rule::DenyBucket(bucket.to_owned())),
        }
    }

    /// http://127.0.0.1:<port>
    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// What a forwarder changes.
#[derive(Debug, Clone)]
enum Rule {
    /// Organizations requests with the management account's key.
    OrgView,
    /// 403 for path-style S3 requests to this bucket.
    DenyBucket(String),
}

/// Accept connections on a free loopback port, one thread each; returns the port.
fn listen(upstream: u16, rule: Rule) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy on loopback");
    let port = listener.local_addr().expect("proxy address").port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let rule = rule.clone();
            std::thread::spawn(move || {
                let _ = serve(client, upstream, &rule);
            });
        }
    });
    port
}

/// Whether the request line (`HEAD /bucket/key HTTP/1.1`) addresses `bucket` by path.
fn addresses_bucket(request_line: &str, bucket: &str) -> bool {
    let path = request_line.split(' ').nth(1).unwrap_or_default();
    let first = path
        .trim_start_matches('/')
        .split(['/', '?'])
        .next()
        .unwrap_or_default();
    first == bucket
}

/// Forward one request and its response (or deny it), then close.
fn serve(mut client: TcpStream, upstream: u16, rule: &Rule) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if line == "\r\n" {
            break;
        }
        head.push(line);
    }
    let length = header(&head, "content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    if let Rule::DenyBucket(bucket) = rule {
        let request_line = head.first().map(String::as_str).unwrap_or_default();
        if addresses_bucket(request_line, bucket) {
            // A HEAD answer has no body; S3 says AccessDenied in XML to the others.
            let body = if request_line.starts_with("HEAD ") {
                String::new()
            } else {
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>".to_owned()
            };
            let length = body.len();
            write!(
                client,
                "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n{body}"
            )?;
            return client.flush();
        }
    }
    let organizations = matches!(rule, Rule::OrgView)
        && header(&head, "x-amz-target")
            .is_some_and(|target| target.starts_with("AWSOrganizations"));

    let mut request = String::new();
    for line in &head {
        let name = line
            .split_once(':')
            .map(|(n, _)| n.trim().to_ascii_lowercase());
        match name.as_deref() {
            Some("connection") => {}
            Some("x-amz-security-token") if organizations => {}
            Some("authorization") if organizations => request.push_str(&as_management(line)),
            _ => request.push_str(line),
        }
    }
    request.push_str("Connection: close\r\n\r\n");
    let mut moto = TcpStream::connect(("127.0.0.1", upstream))?;
    moto.set_read_timeout(Some(Duration::from_secs(60)))?;
    moto.write_all(request.as_bytes())?;
    moto.write_all(&body)?;
    let mut response = Vec::new();
    moto.read_to_end(&mut response)?;

    // The client must not reuse this connection: say so in the response head.
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let response_head = String::from_utf8_lossy(&response[..split]).into_owned();
    let mut out = String::new();
    for line in response_head.split("\r\n") {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n");
    client.write_all(out.as_bytes())?;
    // `split + 2`: the last header line's CRLF is already written; the blank line and body follow.
    client.write_all(response.get(split + 2..).unwrap_or_default())?;
    client.flush()
}

/// A header's value (case-insensitive name), trimmed.
fn header<'a>(head: &'a [String], name: &str) -> Option<&'a str> {
    head.iter().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// `Authorization: AWS4-HMAC-SHA256 Credential=<key>/…` with the management account's key.
/// moto (without IAM enforcement) picks the account from the key and does not check signatures.
fn as_management(line: &str) -> String {
    let Some(start) = line.find("Credential=").map(|i| i + "Credential=".len()) else {
        return line.to_owned();
    };
    let end = line[start..].find('/').map_or(line.len(), |i| start + i);
    format!("{}{MANAGEMENT_KEY}{}", &line[..start], &line[end..])
}
