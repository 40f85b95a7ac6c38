// The command line: every subcommand, its arguments and its help text (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use crate::diff::render::DiffFormat;
pub use crate::output::ColorChoice;
pub use crate::report::DiagnosticFormat;

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
    /// Operate a deployed policy's rollouts: start, status, approve, reject, stop, list.
    #[command(after_help = "Examples:
  patchform rollout start policies/acme-fleet.yaml --dry-run
  patchform rollout status policies/acme-fleet.yaml --watch
  patchform rollout approve policies/acme-fleet.yaml --wave prod --comment 'canary clean'
  patchform rollout stop policies/acme-fleet.yaml --reason 'change freeze'
  patchform rollout list policies/acme-fleet.yaml

Every command reads the hub stack's outputs (as `patchform deploy` left them), the audit table
and the rollout's execution history, with the standard AWS credential chain in the hub region.
See docs/rollouts.md for what each does and the permissions it needs.")]
    Rollout(RolloutArgs),
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
    /// The S3 bucket deploy will send templates through (named in size errors); without it,
    /// deploy uses its own artifact bucket. Templates are checked against 1 MB either way.
    #[arg(long, value_name = "BUCKET")]
    pub artifact_bucket: Option<String>,
    /// Output format of the diagnostics of invalid policies.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
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
    #[arg(long, value_name = "N", default_value_t = crate::calendar::DEFAULT_COUNT, value_parser = clap::value_parser!(u16).range(1..=1000))]
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

/// Arguments of `rollout`.
#[derive(Debug, Args)]
pub struct RolloutArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: RolloutCommand,
}

/// The `rollout` subcommands.
#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Start a rollout now, outside the schedule (whole, or narrowed to one wave).
    #[command(after_help = "Examples:
  patchform rollout start policies/acme-fleet.yaml
  patchform rollout start policies/acme-fleet.yaml --dry-run --name scan-before-freeze
  patchform rollout start policies/acme-fleet.yaml --wave canary --accounts 222222222222
  patchform rollout start policies/acme-fleet.yaml --wave canary --accounts 222222222222 \\
      --regions eu-west-1 --instances i-0123456789abcdef0      # a first test on one node

A narrowed rollout runs only --wave (its approval still required), only in the accounts,
regions and nodes given; the rollout refuses anything its policy does not target, naming it.
Refuses while another rollout of the policy runs, unless --force.

Exit status: 0 started, 1 the rollout refused its input (nothing ran), 2 error.")]
    Start(RolloutStartArgs),
    /// Show a rollout's waves: waiting, awaiting approval, running, baking, done, failed, skipped.
    #[command(after_help = "Examples:
  patchform rollout status policies/acme-fleet.yaml             # the running (or latest) rollout
  patchform rollout status policies/acme-fleet.yaml manual-20261212-010000
  patchform rollout status policies/acme-fleet.yaml --watch     # redraw until it ends
  patchform rollout status policies/acme-fleet.yaml --output json

Exit status: 0 running or succeeded, 1 ended otherwise (aborted, rejected, stopped, failed),
2 error. With --watch it waits for the end, so the status says how the rollout ended.")]
    Status(RolloutStatusArgs),
    /// Approve the wave's pending approval; your identity and comment go to the audit table.
    #[command(after_help = "Examples:
  patchform rollout approve policies/acme-fleet.yaml --wave prod --comment 'canary clean for 2 days'
  patchform rollout approve policies/acme-fleet.yaml manual-20261212-010000 --wave prod

Refused when the wave is not waiting for approval, and when you started the rollout (four
eyes) unless the wave's approval has allow_self_approval: true.")]
    Approve(RolloutApproveArgs),
    /// Reject the wave's pending approval: the rollout ends REJECTED with your reason.
    #[command(after_help = "Examples:
  patchform rollout reject policies/acme-fleet.yaml --wave prod --reason 'CVE fix regresses app X'")]
    Reject(RolloutRejectArgs),
    /// Stop a rollout cleanly: no node starts installing any more, nodes installing finish.
    #[command(after_help = "Examples:
  patchform rollout stop policies/acme-fleet.yaml --reason 'change freeze from 18:00'
  patchform rollout stop policies/acme-fleet.yaml manual-20261212-010000 --reason 'wrong patch set'

The audit table records who stopped it and why; the rollout ends STOPPED.")]
    Stop(RolloutStopArgs),
    /// List past rollouts from the audit table: start, end, result, waves done, failed accounts.
    #[command(after_help = "Examples:
  patchform rollout list policies/acme-fleet.yaml
  patchform rollout list policies/acme-fleet.yaml --limit 5 --output json")]
    List(RolloutListArgs),
}

/// What every `rollout` subcommand takes.
#[derive(Debug, Args)]
pub struct RolloutCommon {
    /// The policy file (it names the hub).
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub output: ReportFormat,
}

/// Arguments of `rollout start`.
#[derive(Debug, Args)]
pub struct RolloutStartArgs {
    #[command(flatten)]
    pub common: RolloutCommon,
    /// Scan only: nothing is installed, no approval is asked, nothing bakes.
    #[arg(long)]
    pub dry_run: bool,
    /// The rollout's id (the execution name): 1 to 80 letters, digits, `-`, `_`.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Start even while another rollout of the policy runs.
    #[arg(long)]
    pub force: bool,
    /// Run this wave alone.
    #[arg(long, value_name = "WAVE")]
    pub wave: Option<String>,
    /// Narrow the wave to these accounts.
    #[arg(long, value_name = "ID,...", value_delimiter = ',', requires = "wave")]
    pub accounts: Vec<String>,
    /// Narrow the wave to these regions.
    #[arg(
        long,
        value_name = "REGION,...",
        value_delimiter = ',',
        requires = "wave"
    )]
    pub regions: Vec<String>,
    /// Narrow the wave to these managed nodes (needs one account and one region).
    #[arg(long, value_name = "ID,...", value_delimiter = ',', requires = "wave")]
    pub instances: Vec<String>,
}

/// Arguments of `rollout status`.
#[derive(Debug, Args)]
pub struct RolloutStatusArgs {
    #[command(flatten)]
    pub common: RolloutCommon,
    /// The rollout id [default: the running rollout, else the latest].
    #[arg(value_name = "ROLLOUT")]
    pub rollout: Option<String>,
    /// Redraw until the rollout ends (plain lines, one block per change, when not a terminal).
    #[arg(long)]
    pub watch: bool,
    /// Seconds between two looks with --watch.
    #[arg(long, value_name = "SECONDS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub interval: u64,
}

/// Arguments of `rollout approve`.
#[derive(Debug, Args)]
pub struct RolloutApproveArgs {
    #[command(flatten)]
    pub common: RolloutCommon,
    /// The rollout id [default: the running rollout].
    #[arg(value_name = "ROLLOUT")]
    pub rollout: Option<String>,
    /// The wave whose approval you give.
    #[arg(long, value_name = "WAVE")]
    pub wave: String,
    /// Why, for the audit table.
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,
}

/// Arguments of `rollout reject`.
#[derive(Debug, Args)]
pub struct RolloutRejectArgs {
    #[command(flatten)]
    pub common: RolloutCommon,
    /// The rollout id [default: the running rollout].
    #[arg(value_name = "ROLLOUT")]
    pub rollout: Option<String>,
    /// The wave whose approval you refuse.
    #[arg(long, value_name = "WAVE")]
    pub wave: String,
    /// Why, for the audit table and the notification.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

/// Arguments of `rollout stop`.
#[derive(Debug, Args)]
pub struct RolloutStopArgs {
    #[command(flatten)]
    pub common: RolloutCommon,
    /// The rollout id [default: the running rollout].
    #[arg(value_name = "ROLLOUT")]
    pub rollout: Option<String>,
    /// Why, for the audit table and the notification.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

/// Arguments of `rollout list`.
#[derive(Debug, Args)]
pub struct RolloutListArgs {
    #[command(flatten)]
    pub common: RolloutCommon,
    /// Show at most this many, newest first.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
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
