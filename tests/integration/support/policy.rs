// Policy files for tests against the seeded organization, written to a temp dir.

use super::moto::MANAGEMENT_ACCOUNT;
use std::path::{Path, PathBuf};

/// Write `policies/<name>.yaml` in `dir` with the given organization and waves sections.
pub(crate) fn write(dir: &Path, name: &str, organization: &str, waves: &str) -> PathBuf {
    write_with_hub(dir, name, MANAGEMENT_ACCOUNT, organization, waves)
}

/// [`write`] with the hub in `hub_account` (a delegated administrator's deploy).
pub(crate) fn write_with_hub(
    dir: &Path,
    name: &str,
    hub_account: &str,
    organization: &str,
    waves: &str,
) -> PathBuf {
    let text = format!(
        "version: 1\nname: {name}\nhub:\n  account: \"{hub_account}\"\n  region: us-east-1\norganization:\n{organization}\nwaves:\n{waves}"
    );
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, text).expect("write policy");
    path
}
