// Rules for `install.hooks`: a hook file must be a readable Command document; a hook named by
// name must already exist everywhere, which only the operator can promise.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::policy::{Hook, Policy};
use std::path::Path;

/// The largest hook document read (SSM's own limit on a document's content is 64 KB).
const MAX_HOOK_FILE_BYTES: u64 = 64 * 1024;

pub(super) fn check(cx: &mut Context<'_>) {
    for (key, hook) in cx.policy.install.hooks.in_order() {
        let Hook::Name(name) = hook else { continue };
        if name.starts_with("AWS-") {
            continue; // AWS-owned documents exist in every account and region
        }
        let pointer = format!("/install/hooks/{key}");
        let d = cx
            .value(
                Code::HookExternalDocument,
                &pointer,
                format!("hook document `{name}` must already exist in every target account and region"),
            )
            .label("patchform does not create it")
            .help(format!(
                "point the hook at a document file of the repository instead (`{key}: {{file: hooks/{key}.yaml}}`), which the spoke stack creates wherever it deploys; a name is for a document you already deploy everywhere (an ARN for one shared with every account)"
            ));
        cx.report(d);
    }
}

/// Read every hook file of `policy` relative to `base` (the policy file's directory) into the
/// policy, so the plan can create the document and the policy's hash covers its content. Without
/// a base (a policy read from git or memory) files are left unread, and the plan refuses them.
pub(crate) fn read_files(
    policy: &mut Policy,
    document: &Document,
    base: Option<&Path>,
) -> Vec<Diagnostic> {
    let Some(base) = base else {
        return Vec::new();
    };
    let mut diagnostics = Vec::new();
    let hooks = &mut policy.install.hooks;
    for (key, slot) in [
        ("pre_install", &mut hooks.pre_install),
        ("post_install", &mut hooks.post_install),
        ("on_exit", &mut hooks.on_exit),
    ] {
        let Some(Hook::File(file)) = slot else {
            continue;
        };
        let pointer = format!("/install/hooks/{key}/file");
        let path = base.join(&file.file);
        match read_command_document(&path) {
            Ok(content) => file.content = Some(content),
            Err(problem) => diagnostics.push(
                Diagnostic::new(
                    Code::HookFile,
                    format!("hook file `{}` {problem}", file.file),
                )
                .at(&pointer, document.span(&pointer))
                .label("read relative to the policy file")
                .help("give the path, relative to the policy file, of an SSM Command document (YAML or JSON) with `schemaVersion: \"2.2\"` and at least one step in `mainSteps`"),
            ),
        }
    }
    diagnostics
}

fn read_command_document(path: &Path) -> Result<serde_json::Value, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot be read ({e})"))?
        .len();
    if size > MAX_HOOK_FILE_BYTES {
        return Err(format!(
            "is {size} bytes; an SSM document holds at most {MAX_HOOK_FILE_BYTES}"
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot be read ({e})"))?;
    let value = crate::loader::load_bytes(&path.display().to_string(), text.into_bytes())
        .map(|loaded| loaded.document.value)
        .map_err(|_| "is not valid YAML or JSON".to_owned())?;
    let version = value
        .get("schemaVersion")
        .and_then(serde_json::Value::as_str);
    if version != Some("2.2") {
        return Err(format!(
            "is not an SSM Command document: `schemaVersion` is {}, not \"2.2\"",
            version.map_or_else(|| "missing".to_owned(), |v| format!("\"{v}\""))
        ));
    }
    if value
        .get("mainSteps")
        .and_then(serde_json::Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        return Err("has no steps in `mainSteps`".to_owned());
    }
    Ok(value)
}
