// Where deploy talks to the operator: steps, notes, warnings and a progress line on stderr.

use crate::output::Output;
use std::io::{self, Write};

/// Operator-facing messages on stderr. A progress line is redrawn in place on a terminal and
/// printed only when it changes elsewhere (CI logs stay readable).
pub(crate) struct Console<'a> {
    output: &'a mut Output,
    last_progress: Option<String>,
    progress_open: bool,
}

impl<'a> Console<'a> {
    /// Wrap the command's streams.
    pub(crate) fn new(output: &'a mut Output) -> Self {
        Console {
            output,
            last_progress: None,
            progress_open: false,
        }
    }

    /// The streams (for the final report on stdout).
    pub(crate) fn output(&mut self) -> &mut Output {
        self.end_progress().ok();
        self.output
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.output.color_stderr {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// A step heading: `==> text`.
    pub(crate) fn step(&mut self, text: &str) -> io::Result<()> {
        self.end_progress()?;
        let arrow = self.paint("1;34", "==>");
        writeln!(self.output.stderr, "{arrow} {text}")
    }

    /// A plain indented line.
    pub(crate) fn line(&mut self, text: &str) -> io::Result<()> {
        self.end_progress()?;
        writeln!(self.output.stderr, "  {text}")
    }

    /// A green success line.
    pub(crate) fn success(&mut self, text: &str) -> io::Result<()> {
        self.end_progress()?;
        let text = self.paint("32", text);
        writeln!(self.output.stderr, "{text}")
    }

    /// A yellow `warning:` line.
    pub(crate) fn warn(&mut self, text: &str) -> io::Result<()> {
        self.end_progress()?;
        let label = self.paint("33", "warning:");
        writeln!(self.output.stderr, "{label} {text}")
    }

    /// A `note:` line.
    pub(crate) fn note(&mut self, text: &str) -> io::Result<()> {
        self.end_progress()?;
        let label = self.paint("36", "note:");
        writeln!(self.output.stderr, "{label} {text}")
    }

    /// A line coloured by status category (complete green, failed red, in progress yellow).
    pub(crate) fn status_line(&mut self, status: &str, text: &str) -> io::Result<()> {
        self.end_progress()?;
        let code = if status.contains("FAILED") || status.contains("ROLLBACK") {
            "31"
        } else if status.ends_with("COMPLETE") || status == "SUCCEEDED" {
            "32"
        } else {
            "33"
        };
        let status = self.paint(code, &format!("{status:<28}"));
        writeln!(self.output.stderr, "  {status} {text}")
    }

    /// Show a progress line (redrawn in place on a terminal; printed when changed otherwise).
    pub(crate) fn progress(&mut self, text: &str) -> io::Result<()> {
        if self.last_progress.as_deref() == Some(text) {
            return Ok(());
        }
        self.last_progress = Some(text.to_owned());
        if self.output.stderr_is_terminal {
            write!(self.output.stderr, "\r\x1b[2K  {text}")?;
            self.progress_open = true;
            self.output.stderr.flush()
        } else {
            writeln!(self.output.stderr, "  {text}")
        }
    }

    /// Finish an open progress line.
    pub(crate) fn end_progress(&mut self) -> io::Result<()> {
        self.last_progress = None;
        if self.progress_open {
            self.progress_open = false;
            writeln!(self.output.stderr)?;
        }
        Ok(())
    }

    /// Whether a person can answer a prompt.
    pub(crate) fn interactive(&self) -> bool {
        self.output.interactive
    }

    /// Ask on stderr, read one line from stdin.
    pub(crate) fn ask(&mut self, question: &str) -> io::Result<String> {
        self.end_progress()?;
        write!(self.output.stderr, "{question} ")?;
        self.output.stderr.flush()?;
        let mut answer = String::new();
        io::stdin().read_line(&mut answer)?;
        Ok(answer.trim().to_owned())
    }
}
