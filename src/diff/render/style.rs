// Terminal colours for the human format: ANSI codes when colour is on, nothing otherwise.

/// Paints text when colour is on.
#[derive(Debug, Clone, Copy)]
pub(super) struct Style {
    color: bool,
}

impl Style {
    /// A painter; `color` false leaves text as it is.
    pub(super) fn new(color: bool) -> Self {
        Style { color }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Added things.
    pub(super) fn green(self, text: &str) -> String {
        self.paint("32", text)
    }
    /// Removed things.
    pub(super) fn red(self, text: &str) -> String {
        self.paint("31", text)
    }
    /// Modified things.
    pub(super) fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }
    /// Risky things and replacements.
    pub(super) fn magenta(self, text: &str) -> String {
        self.paint("1;35", text)
    }
    /// Hunk headers.
    pub(super) fn cyan(self, text: &str) -> String {
        self.paint("36", text)
    }
    /// Headings.
    pub(super) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
    /// Secondary text.
    pub(super) fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}
