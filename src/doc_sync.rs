// Tests' check that a generated section of a committed document matches what the code generates.
//
// A section sits between `<!-- BEGIN GENERATED: NAME -->` and `<!-- END GENERATED: NAME -->`
// lines. With UPDATE_DOCS=1 the check rewrites the section instead of failing.

use std::path::Path;

/// Compare the section `name` of the document at `path` (relative to the repository) with
/// `generated`; rewrite it under UPDATE_DOCS=1, fail with the way to regenerate otherwise.
pub(crate) fn check_section(path: &str, name: &str, generated: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
    let begin = format!("<!-- BEGIN GENERATED: {name} -->\n");
    let end = format!("<!-- END GENERATED: {name} -->");
    let start = text
        .find(&begin)
        .unwrap_or_else(|| panic!("{path} has no line `{}`", begin.trim_end()))
        + begin.len();
    let stop = start
        + text[start..]
            .find(&end)
            .unwrap_or_else(|| panic!("{path} has no line `{end}`"));
    if text[start..stop] == *generated {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        let updated = format!("{}{generated}{}", &text[..start], &text[stop..]);
        std::fs::write(&file, updated).unwrap_or_else(|e| panic!("{path}: {e}"));
        return;
    }
    panic!(
        "the section `{name}` of {path} differs from what the code generates:\n\
         --- committed\n{}\n--- generated\n{generated}\n\
         Regenerate it with: UPDATE_DOCS=1 cargo test --lib",
        &text[start..stop]
    );
}
