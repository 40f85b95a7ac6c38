// The sha256 digests patchform records: of artifact bytes, and of a policy's canonical JSON.
//
// The policy hash is the sha256 of the policy's canonical JSON: the typed model serialised
// with serde (every default applied, keys in model order, no comments or formatting), so a
// reformatted or re-commented policy keeps its hash while any change of meaning changes it.

use crate::policy::Policy;
use sha2::{Digest, Sha256};

/// sha256 as lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// sha256 (lower-case hex) of the typed policy's canonical JSON, as manifest.json records it.
pub(crate) fn policy_sha256(policy: &Policy) -> Result<String, PolicyHashError> {
    let canonical = serde_json::to_vec(policy).map_err(PolicyHashError)?;
    Ok(sha256_hex(&canonical))
}

/// The policy could not be serialised to its canonical JSON (so it has no hash).
#[derive(Debug, thiserror::Error)]
#[error("cannot serialise the policy: {0}")]
pub struct PolicyHashError(#[source] pub serde_json::Error);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_of_a_known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
