// The command line: every subcommand, its arguments and its help text (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Compile one YAML patch policy into hub/spoke CloudFormation, SSM runbooks and a Step
/// Functions rollout; diff it for review; deploy it across an AWS Organization.
#[derive(Debug, Parser)]
#[command(
    name = "patchform",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = "Examples:
  patchform validate policies/acme-fleet.yaml
  patchform build policies/*.yaml
  patchform diff --base origin/main policies/acme-fleet.yaml
  patchform deploy --yes policies/acme-fleet.yaml")]
pub struct Cli {
    /// When to colour output: auto (a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

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

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policies against the language: schema and semantic rules, every problem in one run.
    #[command(after_help = "Examples:
  patchform validate policies/acme-fleet.yaml
  patchform validate --format sarif policies/*.yaml > patchform.sarif
  patchform validate --deny-warnings policies/*.yaml

Exit status: 0 valid, 1 invalid (or warnings with --deny-warnings), 2 usage or I/O error.")]
    Validate(ValidateArgs),
    /// Compile policies into templates, runbooks and the state machine under generated/<name>/.
    #[command(after_help = "Examples:
  patchform build policies/acme-fleet.yaml
  patchform build --out build/ policies/*.yaml
  patchform build --check policies/*.yaml     # CI: fail when generated/ is stale

Exit status: 0 built (or up to date with --check), 1 invalid policy or stale generated/, 2 error.")]
    Build(BuildArgs),
    /// Show what a policy change does to the fleet and to security, for pull-request review.
    #[command(after_help = "Examples:
  patchform diff policies/acme-fleet.yaml                    # vs committed generated/
  patchform diff --base origin/main policies/acme-fleet.yaml # vs the policy at a git revision
  patchform diff --deployed policies/acme-fleet.yaml         # vs what runs in AWS
  patchform diff --format markdown --base origin/main policies/acme-fleet.yaml > comment.md

Exit status (like git diff --exit-code): 0 no changes, 1 changes (or risky changes with
--fail-on risky), 2 error.")]
    Diff(DiffArgs),
    /// List the next scheduled rollouts: when each wave can start, the worst-case end, Patch Tuesday.
    #[command(after_help = "Examples:
  patchform calendar policies/acme-fleet.yaml                     # the next 6 rollouts from now
  patchform calendar --from 2028-03-01 --count 12 policies/acme-fleet.yaml
  patchform calendar --format json policies/acme-fleet.yaml > calendar.json

Rollout starts come from install.schedule in install.timezone; times are shown in that zone
(and in UTC). A policy without install.schedule has no calendar: its rollouts start by hand,
which the command says, exiting 0. Earliest start: earlier waves take no time and approvals are
answered at once; latest start: every approval and wave runs to its timeout; both wait out the
bake times. Warnings: a pinned patch set that leaves out the month's Patch Tuesday releases, and
waves that may still run when the next rollout starts (see docs/calendar.md).

Exit status: 0 listed (or no schedule), 1 invalid policy, 2 usage or I/O error.")]
    Calendar(CalendarArgs),
    /// Make AWS match the policy: the hub stack, then the spoke StackSet in wave order.
    #[command(after_help = "Examples:
  patchform deploy policies/acme-fleet.yaml            # preflight, plan, confirm, apply
  patchform deploy --dry-run policies/acme-fleet.yaml  # preflight and plan only
  patchform deploy --yes --output json policies/acme-fleet.yaml > deploy-report.json

Exit status: 0 success, 1 some stack instances failed, 2 error (nothing or only part applied;
the message says which).")]
    Deploy(DeployArgs),
    /// Remove the stack instances, the stack set and the hub stack (bucket and table are retained).
    #[command(after_help = "Examples:
  patchform destroy policies/acme-fleet.yaml                 # asks you to type the policy name
  patchform destroy --confirm acme-fleet policies/acme-fleet.yaml")]
    Destroy(DestroyArgs),
    /// Write a commented starter policy that validates.
    #[command(after_help = "Examples:
  patchform init                      # writes policies/patch-policy.yaml
  patchform init policies/fleet.yaml")]
    Init(InitArgs),
    /// Print the policy JSON Schema (draft 2020-12), for editors and other tools.
    #[command(after_help = "Examples:
  patchform schema > schema/policy.schema.json")]
    Schema,
    /// Explain a diagnostic code, or list every code.
    #[command(after_help = "Examples:
  patchform explain policy::wave::overlap
  patchform explain --list")]
    Explain(ExplainArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:
  patchform completions bash > /etc/bash_completion.d/patchform
  patchform completions zsh > \"${fpath[1]}/_patchform\"
  patchform completions fish > ~/.config/fish/completions/patchform.fish")]
    Completions(CompletionsArgs),
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DiagnosticFormat {
    /// Annotated source snippets for people.
    #[default]
    Human,
    /// One JSON object per diagnostic, in a JSON array.
    Json,
    /// SARIF 2.1.0, for code-scanning annotations on pull requests.
    Sarif,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Policy files to check.
    #[arg(required = true, value_name = "POLICY")]
    pub policies: Vec<PathBuf>,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Policy files to compile.
    #[arg(required = true, value_name = "POLICY")]
    pub policies: Vec<PathBuf>,
    /// Write under DIR/<policy name>/ instead of generated/<policy name>/.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
    /// Render from the templates in DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write nothing; exit 1 when the output directory differs from what the policies compile to.
    #[arg(long)]
    pub check: bool,
    /// Templates will be uploaded to this S3 bucket: allow bodies up to 1 MB instead of 51,200 bytes.
    #[arg(long, value_name = "BUCKET")]
    pub artifact_bucket: Option<String>,
    /// Output format of the diagnostics of invalid policies.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// How a diff is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DiffFormat {
    /// Summary and coloured unified diffs for a terminal.
    #[default]
    Human,
    /// A pull-request comment: summary table, risky changes first, diffs in <details>.
    Markdown,
    /// Machine-readable (schema in docs/diff-json.md).
    Json,
}

/// Which changes make `diff` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum FailOn {
    /// Any change.
    #[default]
    Any,
    /// Only changes flagged risky.
    Risky,
}

/// Arguments of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// Compare with the same policy file at this git revision (e.g. origin/main).
    #[arg(long, value_name = "REF", conflicts_with = "deployed")]
    pub base: Option<String>,
    /// Compare with what is deployed in AWS (hub stack and spoke stack set).
    #[arg(long)]
    pub deployed: bool,
    /// The directory holding committed artifacts (default comparison).
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub generated: PathBuf,
    /// Render from the templates in DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Which changes make the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Any)]
    pub fail_on: FailOn,
}

/// How the calendar is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CalendarFormat {
    /// Aligned text for people.
    #[default]
    Human,
    /// Machine-readable (shape in docs/calendar.md).
    Json,
}

/// Arguments of `calendar`.
#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// List rollouts from 00:00 of this date (YYYY-MM-DD) in install.timezone [default: now].
    #[arg(long, value_name = "DATE", value_parser = crate::calendar::parse_date)]
    pub from: Option<chrono::NaiveDate>,
    /// How many rollouts to list (1–1000).
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub count: u16,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CalendarFormat::Human)]
    pub format: CalendarFormat,
}

/// How the deploy report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ReportFormat {
    /// Progress and a summary for people.
    #[default]
    Human,
    /// A JSON deploy report on stdout (progress still goes to stderr).
    Json,
}

/// Arguments of `deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// Apply without asking (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Preflight and plan only; create and delete a hub change set to show CloudFormation's view.
    #[arg(long)]
    pub dry_run: bool,
    /// Remove stack instances the policy no longer targets (otherwise listed as drift).
    #[arg(long)]
    pub prune: bool,
    /// Give up waiting on one CloudFormation operation after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub timeout: u64,
    /// Send the templates through this existing S3 bucket of yours (in the hub region) instead of
    /// patchform's own `patchform-artifacts-<account>-<region>`, which is then never created.
    #[arg(long, value_name = "BUCKET")]
    pub artifact_bucket: Option<String>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub output: ReportFormat,
    /// Render from the templates in DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// Arguments of `destroy`.
#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The policy name, typed in advance (needed without a terminal).
    #[arg(long, value_name = "NAME")]
    pub confirm: Option<String>,
    /// Give up waiting on one CloudFormation operation after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub timeout: u64,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the policy.
    #[arg(value_name = "PATH", default_value = "policies/patch-policy.yaml")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A diagnostic code such as policy::wave::overlap.
    #[arg(value_name = "CODE", required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its summary.
    #[arg(long)]
    pub list: bool,
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
