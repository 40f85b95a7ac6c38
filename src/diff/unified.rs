// The text level's unified diff, written for reading: hunk headers count the files' real lines,
// an embedded copy of another artifact is one line, and no line is LINE_LIMIT characters or
// longer (a longer line is folded onto continuation lines).

use similar::{ChangeTag, TextDiff};
use std::borrow::Cow;

/// Every line of a unified diff is shorter than this, in characters.
pub(crate) const LINE_LIMIT: usize = 200;
/// A line that would reach [`LINE_LIMIT`] is folded into pieces of at most this many characters.
pub(crate) const FOLD_WIDTH: usize = 160;
/// What starts a continuation line, after the line's `+`, `-` or space.
pub(crate) const CONTINUATION: &str = "↪ ";

/// One line as shown, standing for `count` lines of the file from line `first` (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// The text, with its newline when the file has one there.
    pub text: Cow<'a, str>,
    /// The first line of the file it shows.
    pub first: usize,
    /// How many lines of the file it shows (more than one for a collapsed copy).
    pub count: usize,
}

/// The lines of `text`, each range `(first, last, shown)` of `collapsed` (sorted, disjoint,
/// 0-based and inclusive) shown as the one line `shown`.
pub(crate) fn lines<'a>(text: &'a str, collapsed: &[(usize, usize, String)]) -> Vec<Line<'a>> {
    let all: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = Vec::with_capacity(all.len());
    let mut ranges = collapsed.iter().peekable();
    let mut i = 0;
    while let Some(line) = all.get(i) {
        match ranges.peek() {
            Some((first, last, shown)) if *first == i && *last < all.len() && last >= first => {
                let newline = if all[*last].ends_with('\n') { "\n" } else { "" };
                out.push(Line {
                    text: Cow::Owned(format!("{shown}{newline}")),
                    first: i,
                    count: last - first + 1,
                });
                i = last + 1;
                ranges.next();
            }
            _ => {
                out.push(Line {
                    text: Cow::Borrowed(line),
                    first: i,
                    count: 1,
                });
                i += 1;
            }
        }
        // A range that starts inside one already passed is ignored.
        while ranges.peek().is_some_and(|(first, _, _)| *first < i) {
            ranges.next();
        }
    }
    out
}

/// The unified diff of two texts as lines, with `context` lines around each change, and how
/// many lines it adds and removes. Empty when the lines are equal.
pub(crate) fn unified(
    old: &[Line<'_>],
    new: &[Line<'_>],
    header: (&str, &str),
    context: usize,
) -> (String, usize, usize) {
    let old_keys: Vec<&str> = old.iter().map(|l| l.text.as_ref()).collect();
    let new_keys: Vec<&str> = new.iter().map(|l| l.text.as_ref()).collect();
    let diff = TextDiff::configure().diff_slices(&old_keys, &new_keys);
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    let mut out = String::new();
    for (n, group) in diff.grouped_ops(context).iter().enumerate() {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        if n == 0 {
            out.push_str(&format!("--- {}\n+++ {}\n", header.0, header.1));
        }
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(old, first.old_range().start, last.old_range().end),
            range(new, first.new_range().start, last.new_range().end)
        ));
        for op in group {
            for change in diff.iter_changes(op) {
                let tag = match change.tag() {
                    ChangeTag::Equal => ' ',
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                };
                let value = change.value();
                push_folded(&mut out, tag, value.strip_suffix('\n').unwrap_or(value));
                if !value.ends_with('\n') {
                    out.push_str("\\ No newline at end of file\n");
                }
            }
        }
    }
    (out, added, removed)
}

/// A hunk range in the file's own line numbers, written as `diff -u` does (`start,len`, `start`
/// alone for one line, the line before for none).
fn range(lines: &[Line<'_>], start: usize, end: usize) -> String {
    let real_start = lines.get(start).map_or_else(
        || lines.last().map_or(0, |l| l.first + l.count),
        |l| l.first,
    );
    let real_end = match end.checked_sub(1).and_then(|i| lines.get(i)) {
        Some(l) if end > start => l.first + l.count,
        _ => real_start,
    };
    let len = real_end - real_start;
    match len {
        1 => format!("{}", real_start + 1),
        0 => format!("{real_start},0"),
        _ => format!("{},{len}", real_start + 1),
    }
}

/// One diff line, folded when it would reach [`LINE_LIMIT`] characters: pieces of at most
/// [`FOLD_WIDTH`] characters, broken after a space when there is one near the end, each
/// continuation on its own line starting with the same tag and [`CONTINUATION`].
fn push_folded(out: &mut String, tag: char, text: &str) {
    out.push(tag);
    if text.chars().count() < LINE_LIMIT - 1 {
        out.push_str(text);
        out.push('\n');
        return;
    }
    let mut rest = text;
    let mut first = true;
    while !rest.is_empty() {
        if !first {
            out.push(tag);
            out.push_str(CONTINUATION);
        }
        first = false;
        let cut = fold_point(rest);
        out.push_str(&rest[..cut]);
        out.push('\n');
        rest = &rest[cut..];
    }
}

/// The byte index where the first piece of `text` ends.
fn fold_point(text: &str) -> usize {
    let Some((hard, _)) = text.char_indices().nth(FOLD_WIDTH) else {
        return text.len();
    };
    // Break after the last space of the piece's final quarter, so words stay whole.
    let soft_from = text
        .char_indices()
        .nth(FOLD_WIDTH * 3 / 4)
        .map_or(0, |(i, _)| i);
    match text[soft_from..hard].rfind(' ') {
        Some(i) => soft_from + i + 1,
        None => hard,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Vec<Line<'_>> {
        lines(text, &[])
    }

    #[test]
    fn plain_texts_diff_exactly_as_similar_writes_them() {
        let cases = [
            ("x: 1\ny: 2\n", "x: 1\ny: 3\n"),
            (
                "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n",
                "a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\nl\n",
            ),
            ("", "n: 1\n"),
            ("g: 1\n", ""),
            ("no newline", "no newline\n"),
            ("one\ntwo", "one\nthree"),
        ];
        for (old, new) in cases {
            let expected = TextDiff::from_lines(old, new)
                .unified_diff()
                .context_radius(3)
                .header("a/f", "b/f")
                .to_string();
            let (got, _, _) = unified(&plain(old), &plain(new), ("a/f", "b/f"), 3);
            assert_eq!(got, expected, "{old:?} -> {new:?}");
        }
    }

    #[test]
    fn a_collapsed_copy_is_one_line_and_hunks_count_the_file_lines() {
        let old = "A: 1\nDefinition:\n  x: 1\n  y: 2\nB: 1\n";
        let new = "A: 1\nDefinition:\n  x: 1\n  y: 3\nB: 2\n";
        let shown = |s: &str| vec![(1, 3, format!("Definition: # copy of f.json{s}"))];
        let (diff, added, removed) = unified(
            &lines(old, &shown("")),
            &lines(new, &shown(", changed")),
            ("a/t", "b/t"),
            3,
        );
        assert_eq!(
            diff,
            "--- a/t\n+++ b/t\n@@ -1,5 +1,5 @@\n A: 1\n-Definition: # copy of f.json\n-B: 1\n+Definition: # copy of f.json, changed\n+B: 2\n"
        );
        assert_eq!((added, removed), (2, 2));
    }

    #[test]
    fn long_lines_fold_with_a_marker_and_lose_nothing() {
        let long = format!("key: \"{}\"", "word ".repeat(100));
        let (diff, _, _) = unified(
            &plain("a\n"),
            &plain(&format!("{long}\n")),
            ("a/f", "b/f"),
            3,
        );
        assert!(
            diff.lines().all(|l| l.chars().count() < LINE_LIMIT),
            "{diff}"
        );
        let pieces: Vec<&str> = diff
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .collect();
        assert!(pieces.len() > 1);
        assert!(pieces[1..].iter().all(|p| p.starts_with("+↪ ")));
        let joined: String = pieces
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    &p[1..]
                } else {
                    &p[1 + CONTINUATION.len()..]
                }
            })
            .collect();
        assert_eq!(joined, long);
        // A line just under the limit is left whole.
        let short = "s".repeat(LINE_LIMIT - 2);
        let (diff, _, _) = unified(
            &plain("a\n"),
            &plain(&format!("{short}\n")),
            ("a/f", "b/f"),
            3,
        );
        assert!(diff.contains(&format!("+{short}\n")));
    }
}
