// Moto's request log (MOTO_RECORDER_FILEPATH): which AWS actions were called, with their bodies.
// S3 (REST: no Action, no X-Amz-Target) is named from the method, the path-style URL and its sub-resource.

use super::base64;
use std::path::Path;

/// One recorded request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// The action: `CreateStackSet` (query protocols) or `ListRoots` (JSON, from X-Amz-Target).
    pub action: String,
    /// The decoded body (form-encoded or JSON).
    pub body: String,
    /// The URL as sent (path and query).
    pub url: String,
}

impl Request {
    /// Read-only actions (Describe*, List*, Get*, Validate*, Head*).
    pub(crate) fn is_read(&self) -> bool {
        ["Describe", "List", "Get", "Validate", "Head"]
            .iter()
            .any(|p| self.action.starts_with(p))
    }

    /// The value of a form field (query protocol), percent-decoded.
    pub(crate) fn param(&self, key: &str) -> Option<String> {
        self.body.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (percent_decode(k) == key).then(|| percent_decode(v))
        })
    }

    /// Values of form fields whose key starts with `prefix` (`DeploymentTargets.Accounts.member.`).
    pub(crate) fn params_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.body
            .split('&')
            .filter_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                percent_decode(k)
                    .starts_with(prefix)
                    .then(|| percent_decode(v))
            })
            .collect()
    }
}

/// Parse the log; an absent file is an empty log.
pub(crate) fn read(path: &Path) -> Vec<Request> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|entry| {
            let raw = entry["body"].as_str().unwrap_or_default();
            let body = if entry["body_encoded"].as_bool() == Some(true) {
                String::from_utf8_lossy(&base64::decode(raw)?).into_owned()
            } else {
                raw.to_owned()
            };
            let target = entry["headers"]
                .as_object()
                .and_then(|h| {
                    h.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
                        .and_then(|(_, v)| v.as_str())
                })
                .map(|t| t.rsplit('.').next().unwrap_or(t).to_owned());
            let url = entry["url"].as_str().unwrap_or_default().to_owned();
            let method = entry["method"].as_str().unwrap_or_default();
            // Query and JSON protocols POST; S3's REST calls are the other methods.
            let action = if method == "POST" {
                target.or_else(|| {
                    body.split('&')
                        .find_map(|p| p.strip_prefix("Action=").map(percent_decode))
                })?
            } else {
                s3_action(method, &url)?
            };
            Some(Request { action, body, url })
        })
        .collect()
}

/// Bucket sub-resources (`?versioning`) and the operation suffix they name (PutBucketVersioning).
const SUBRESOURCES: [(&str, &str); 8] = [
    ("location", "BucketLocation"),
    ("versioning", "BucketVersioning"),
    ("encryption", "BucketEncryption"),
    ("publicAccessBlock", "PublicAccessBlock"),
    ("ownershipControls", "BucketOwnershipControls"),
    ("policy", "BucketPolicy"),
    ("lifecycle", "BucketLifecycleConfiguration"),
    ("tagging", "BucketTagging"),
];

/// The S3 operation of a path-style REST request (`/bucket`, `/bucket/key`, `/bucket?versioning`).
fn s3_action(method: &str, url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path_and_query = rest.find('/').map_or("/", |i| &rest[i..]);
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    if path.starts_with("/moto-api") {
        return None;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let object = segments.len() > 1;
    let subresource = query.split('&').find_map(|q| {
        let name = q.split('=').next().unwrap_or(q);
        SUBRESOURCES
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, suffix)| *suffix)
    });
    if let (false, Some(suffix)) = (object, subresource) {
        let verb = match method {
            "GET" => "Get",
            "PUT" => "Put",
            "DELETE" => "Delete",
            _ => return None,
        };
        // S3 names it PutPublicAccessBlock, not PutBucketPublicAccessBlock.
        return Some(format!("{verb}{suffix}"));
    }
    let action = match (method, object) {
        ("HEAD", false) => "HeadBucket",
        ("HEAD", true) => "HeadObject",
        ("GET", false) => "ListObjects",
        ("GET", true) => "GetObject",
        ("PUT", false) => "CreateBucket",
        ("PUT", true) => "PutObject",
        ("DELETE", false) => "DeleteBucket",
        ("DELETE", true) => "DeleteObject",
        _ => return None,
    };
    Some(action.to_owned())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
