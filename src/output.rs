// Where commands write: stdout and stderr behind one handle, with the colour decision made once.

use clap::ValueEnum;
use std::io::{IsTerminal, Write};

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The streams a command writes to. Tests and the library use in-memory buffers.
pub struct Output {
    /// Results (reports, diffs, JSON).
    pub stdout: Box<dyn Write>,
    /// Diagnostics, progress and messages to the operator.
    pub stderr: Box<dyn Write>,
    /// Whether to colour stdout.
    pub color_stdout: bool,
    /// Whether to colour stderr.
    pub color_stderr: bool,
    /// Whether stdin is a terminal a person can answer prompts on.
    pub interactive: bool,
    /// Whether stderr is a terminal (progress may redraw in place).
    pub stderr_is_terminal: bool,
    /// Whether stdout is a terminal (`rollout status --watch` redraws in place).
    pub stdout_is_terminal: bool,
}

impl Output {
    /// The process's own streams.
    pub fn standard(color: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |is_terminal: bool| match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color,
        };
        let stderr_is_terminal = std::io::stderr().is_terminal();
        Output {
            color_stdout: decide(std::io::stdout().is_terminal()),
            color_stderr: decide(stderr_is_terminal),
            stdout: Box::new(std::io::stdout()),
            stderr: Box::new(std::io::stderr()),
            interactive: std::io::stdin().is_terminal() && stderr_is_terminal,
            stderr_is_terminal,
            stdout_is_terminal: std::io::stdout().is_terminal(),
        }
    }

    /// Streams that discard everything, not a terminal, no colour: for tests of commands whose
    /// output they do not read.
    #[cfg(test)]
    pub(crate) fn discarded() -> Self {
        Output {
            stdout: Box::new(std::io::sink()),
            stderr: Box::new(std::io::sink()),
            color_stdout: false,
            color_stderr: false,
            interactive: false,
            stderr_is_terminal: false,
            stdout_is_terminal: false,
        }
    }
}
