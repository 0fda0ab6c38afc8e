//! `pxic apply [PATH]`: build, check the live cluster (preflight), ask, then run the
//! steps of `runner` in order, stopping at the first that fails; Terraform's plan is
//! read before it is applied, and a plan that destroys or replaces a guest is shown
//! first and asked about again. `pxic plan [PATH]`: the same up to the questions,
//! read-only (Ansible `--check --diff`, Terraform's plan), then one summary. One run
//! at a time per project (a lock on `<project>/.pxic`); each run's logs, secrets
//! masked, under `<project>/.pxic/logs/<run>/`.

use super::args::{ApplyArgs, BuildArgs, PlanArgs};
use super::{Outcome, Printer, project};
use crate::diag::{self, Code, Diagnostic};
use crate::io::folder_lock::{self, Access};
use crate::ir::{Builder, Plan};
use crate::pve;
use crate::runner::exec::{self, Ended};
use crate::runner::place::{find_program, run_id};
use crate::runner::progress::{self, Live, Plain, Progress};
use crate::runner::redact::Redactor;
use crate::runner::report::{Report, recap};
use crate::runner::tfplan;
use crate::runner::{self, Mode, Stage, Step, schedule};
use crate::source::SourceMap;
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

pub fn run(args: &ApplyArgs, printer: &Printer) -> Outcome {
    run_in(args, Mode::Apply, printer)
}

/// `pxic plan`: an apply that only finds out, and never asks.
pub fn plan(args: &PlanArgs, printer: &Printer) -> Outcome {
    let as_apply = ApplyArgs {
        run: args.run.clone(),
        auto_approve: true,
        dry_run: false,
        // No template is built.
        parallel: 1,
    };
    run_in(&as_apply, Mode::Plan, &printer.keeping_stdout())
}

fn run_in(args: &ApplyArgs, mode: Mode, printer: &Printer) -> Outcome {
    let none = SourceMap::new();
    let stages = match stages(args) {
        Ok(stages) => stages,
        Err(problem) => return project::report_unloadable(printer, &none, &[problem]),
    };
    let project_dir = crate::io::project_dir(&args.run.path);
    // A dry run runs and writes nothing, so it takes no lock (which would make
    // `.pxic/`).
    let _one_apply = match (!args.dry_run).then(|| lock_runs(&project_dir)).transpose() {
        Ok(lock) => lock,
        Err(problem) => return project::report_unloadable(printer, &none, &[problem]),
    };
    let build = BuildArgs {
        path: args.run.path.clone(),
        emit: None,
        out: None,
        locked: false,
        check: false,
        force: false,
        files_from: args.run.files_from.clone(),
    };
    let (loaded, plan) = if args.dry_run {
        // A dry run writes nothing, the generated files included: it shows what
        // the files as they are would run.
        match project::load_plan(
            &args.run.path,
            &args.run.files_from,
            printer,
            Outcome::Errors,
        ) {
            Ok(found) => found,
            Err(outcome) => return outcome,
        }
    } else {
        // The build checks the project once, and hands its plan on.
        let mut built = None;
        if super::build::run_keeping(&build, printer, &mut built) != Outcome::Clean {
            return Outcome::Errors;
        }
        let Some(mut loaded) = built else {
            return Outcome::Errors;
        };
        let Some(plan) = loaded.checked.plan.take() else {
            return Outcome::Errors;
        };
        (loaded, plan)
    };
    let plan = &plan;
    let packer_templates: BTreeSet<String> = plan
        .templates
        .values()
        .filter(|t| t.builder == Builder::Packer)
        .map(|t| t.name.clone())
        .collect();
    let env = |name: &str| std::env::var(name).ok();
    let reach = match pve::endpoint(&plan.cluster, &env) {
        Ok(endpoint) => runner::Reach {
            endpoint,
            ca_file: pve::ca_file_from(args.run.ca_file.clone(), &env),
        },
        Err(problem) => return project::report_unloadable(printer, &loaded.sources, &[problem]),
    };
    if args.dry_run {
        let every: runner::Builds = packer_templates
            .iter()
            .map(|name| (name.clone(), runner::Why::Missing))
            .collect();
        let steps = runner::steps(plan, &project_dir, &reach, &stages, &every, mode);
        super::print_stdout(&dry_run(&steps));
        return Outcome::Clean;
    }
    let mut problems = Vec::new();
    let builds = match cluster_facts(plan, args, mode, &stages, &packer_templates, &mut problems) {
        Ok(builds) => builds,
        Err(mut stop) => {
            problems.append(&mut stop);
            printer.print(&loaded.sources, &problems);
            return Outcome::Errors;
        }
    };
    printer.print(&loaded.sources, &problems);
    let steps = runner::steps(plan, &project_dir, &reach, &stages, &builds, mode);
    let absent: Vec<Diagnostic> = runner::programs(&steps)
        .into_iter()
        .filter(|p| find_program(p).is_none())
        .map(|p| {
            Diagnostic::error(
                Code::ToolMissing,
                format!("`{p}` is not on PATH; nothing was run"),
            )
            .with_help(runner::install_hint(p))
        })
        .collect();
    if !absent.is_empty() {
        printer.print(&loaded.sources, &absent);
        return Outcome::Errors;
    }
    if let Some(missing) = ssh_agent_missing(plan, &stages, mode, &env) {
        printer.print(&loaded.sources, &[missing]);
        return Outcome::Errors;
    }
    for line in summary(&steps, &builds, &stages, mode) {
        printer.note(&line);
    }
    if let Some(refusal) = approval(args, "Apply these steps to the cluster?") {
        printer.print(&loaded.sources, &[refusal]);
        return Outcome::Errors;
    }
    let run = Run {
        printer,
        plan,
        project_dir: &project_dir,
        timeout: args.run.step_timeout.map(|m| Duration::from_secs(m * 60)),
        auto_approve: args.auto_approve,
        parallel: usize::from(args.parallel),
    };
    let mut report = Report::default();
    let outcome = run.steps(&steps, &mut report);
    if mode == Mode::Plan && outcome == Outcome::Clean {
        super::print_stdout(&report.text(&builds, &stages));
    }
    outcome
}

/// The steps `--only` and `--skip` leave.
/// Terraform's provider writes containers' id maps over SSH with the agent's keys:
/// without an agent, the apply would fail halfway, after other guests were made.
fn ssh_agent_missing(
    plan: &Plan,
    stages: &BTreeSet<Stage>,
    mode: Mode,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Diagnostic> {
    let needed = mode == Mode::Apply
        && stages.contains(&Stage::Guests)
        && plan.containers.values().any(|c| c.has_idmap());
    (needed && env("SSH_AUTH_SOCK").is_none_or(|s| s.is_empty())).then(|| {
        Diagnostic::error(
            Code::SshAgentMissing,
            "no SSH agent: Terraform writes containers' id maps over SSH with its keys; nothing was run",
        )
        .with_help(
            "start an agent with a key the nodes' root accepts (`eval \"$(ssh-agent)\"` and \
             `ssh-add`), as for Ansible, or skip the guests with `--skip guests`",
        )
    })
}

fn stages(args: &ApplyArgs) -> Result<BTreeSet<Stage>, Diagnostic> {
    let parse = |names: &[String]| -> Result<BTreeSet<Stage>, Diagnostic> {
        names
            .iter()
            .filter(|n| !n.trim().is_empty())
            .map(|name| {
                Stage::parse(name).ok_or_else(|| {
                    Diagnostic::error(
                        Code::UnknownStep,
                        format!("there is no step `{}`", diag::escape::line(name)),
                    )
                    .with_help("the steps are hosts, templates, guests and config")
                })
            })
            .collect()
    };
    let only = parse(&args.run.only)?;
    let skip = parse(&args.run.skip)?;
    Ok(Stage::ALL
        .into_iter()
        .filter(|s| only.is_empty() || only.contains(s))
        .filter(|s| !skip.contains(s))
        .collect())
}

/// Locks `<project>/.pxic` for this run, refusing (not waiting) when another apply
/// holds it.
fn lock_runs(project_dir: &Path) -> Result<folder_lock::FolderLock, Diagnostic> {
    let dir = project_dir.join(".pxic");
    std::fs::create_dir_all(&dir).map_err(|e| {
        Diagnostic::error(
            Code::CannotWrite,
            format!(
                "cannot create `{}`: {}",
                dir.display(),
                crate::io::describe_io(&e)
            ),
        )
        .with_help("check that you may write to the project's folder")
    })?;
    folder_lock::try_lock(&dir, Access::Exclusive)?.ok_or_else(|| {
        Diagnostic::error(
            Code::ApplyAlreadyRunning,
            format!("another `pxic apply` is running on `{}`", project_dir.display()),
        )
        .with_help("wait for it to finish; two applies at once would fight over the cluster and Terraform's state")
    })
}

/// Preflight, and which Packer templates to build and why (see
/// `runner::templates`). `Err`: what stops the run before any tool.
fn cluster_facts(
    plan: &Plan,
    args: &ApplyArgs,
    mode: Mode,
    stages: &BTreeSet<Stage>,
    packer_templates: &BTreeSet<String>,
    problems: &mut Vec<Diagnostic>,
) -> Result<runner::Builds, Vec<Diagnostic>> {
    let client = pve::connect(plan, args.run.ca_file.clone(), problems).map_err(|d| vec![d])?;
    let version = pve::version(&client).map_err(|d| vec![d])?;
    let nodes = pve::nodes(&client).map_err(|d| vec![d])?;
    let mut unfit = crate::preflight::check(plan, &version, &nodes);
    let host_step = if stages.contains(&Stage::Hosts) {
        crate::preflight::HostStep::RunsFirst
    } else {
        crate::preflight::HostStep::Skipped
    };
    let on_nodes = super::status::node_checks(&client, plan, &nodes, host_step);
    unfit.extend(on_nodes.map_err(|d| vec![d])?);
    // Every guest must be visible, or a VMID held by another's guest would look free.
    pve::require_audit(&client).map_err(|d| vec![d])?;
    let live = pve::guests(&client).map_err(|d| vec![d])?;
    let drift = pve::drift_of(&client, plan, &live).map_err(|d| vec![d])?;
    unfit.extend(crate::preflight::taken(&drift));
    let builds = if !stages.contains(&Stage::Templates) || packer_templates.is_empty() {
        runner::Builds::new()
    } else {
        let fingerprints = crate::backend::packer::fingerprints(plan);
        let found = runner::templates::to_build(
            plan,
            packer_templates,
            &fingerprints,
            &live,
            &mut Api(&client),
            problems,
        );
        found.unwrap_or_else(|stop| {
            unfit.extend(stop);
            runner::Builds::new()
        })
    };
    let building: BTreeSet<String> = builds.keys().cloned().collect();
    let held = pve::privileges(&client).map_err(|d| vec![d])?;
    let token = client.settings().token.id().to_string();
    let lacking = crate::preflight::privileges(plan, &held, &token, stages, &building);
    match mode {
        Mode::Apply => unfit.extend(lacking),
        // `plan` only reads; what `apply` would lack is said, and does not stop it.
        Mode::Plan => unfit.extend(lacking.into_iter().map(|mut d| {
            d.severity = diag::Severity::Warning;
            d
        })),
    }
    if diag::has_errors(&unfit) {
        return Err(unfit);
    }
    problems.extend(unfit);
    Ok(builds)
}

/// The cluster as `runner::templates` reads it: through the API.
pub(super) struct Api<'a>(pub(super) &'a pve::Client);

impl runner::templates::Cluster for Api<'_> {
    fn description(&mut self, guest: &pve::LiveGuest) -> Result<String, Diagnostic> {
        pve::description(self.0, guest)
    }

    fn config(&mut self, guest: &pve::LiveGuest) -> Result<serde_json::Value, Diagnostic> {
        self.0.get(&format!(
            "/nodes/{}/{}/{}/config",
            guest.node, guest.kind, guest.vmid
        ))
    }
}

/// What `--dry-run` prints: each command, its folder and the variables it reads.
fn dry_run(steps: &[Step]) -> String {
    let mut text = String::from("0. pxic build (writes the generated files the steps run)\n");
    for (n, step) in steps.iter().enumerate() {
        let mut names: Vec<&str> = step.env.iter().map(|(k, _)| k.as_str()).collect();
        names.extend(step.reads.iter().map(String::as_str));
        text.push_str(&format!(
            "{}. [{}] {} {}\n   in {}\n   environment: {}\n",
            n + 1,
            step.stage.name(),
            step.program,
            step.args.join(" "),
            step.dir.display(),
            names.join(", ")
        ));
    }
    if steps.iter().any(|s| s.stage == Stage::Templates) {
        text.push_str("(a template is built only when the cluster lacks it or its build inputs changed since it was built)\n");
    }
    diag::escape::lines(&text).into_owned()
}

fn summary(
    steps: &[Step],
    builds: &runner::Builds,
    stages: &BTreeSet<Stage>,
    mode: Mode,
) -> Vec<String> {
    let command = if mode == Mode::Apply { "apply" } else { "plan" };
    let mut lines = vec![format!(
        "pxic {command} will run {}:",
        super::plural(steps.len(), "step")
    )];
    for (n, step) in steps.iter().enumerate() {
        lines.push(format!("  {}. {}", n + 1, step.title));
    }
    if stages.contains(&Stage::Templates) {
        if builds.is_empty() {
            lines.push(
                "  (every template is on the cluster and up to date: Packer builds nothing)".into(),
            );
        }
        for (name, why) in builds {
            lines.push(if why.replaces() {
                format!("  {}", crate::runner::report::rebuild_line(name, *why))
            } else {
                format!("  template {name}: {}", why.words())
            });
        }
    }
    lines
}

/// `None` when the run may go ahead: `--auto-approve`, or "yes" on a terminal.
fn approval(args: &ApplyArgs, question: &str) -> Option<Diagnostic> {
    if args.auto_approve {
        return None;
    }
    approval_on_terminal(question)
}

/// "yes" on a terminal; a refusal anywhere else.
fn approval_on_terminal(question: &str) -> Option<Diagnostic> {
    if !std::io::stdin().is_terminal() {
        return Some(
            Diagnostic::error(
                Code::ApprovalNeeded,
                "pxic apply asks before it changes the cluster, and there is no terminal to ask on",
            )
            .with_help(
                "run it on a terminal, or pass --auto-approve (in CI, after reviewing `pxic diff`)",
            ),
        );
    }
    eprint!("{question} Only `yes` goes ahead: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if answer.trim() == "yes" {
        None
    } else {
        Some(
            Diagnostic::error(Code::ApprovalNeeded, "not approved: nothing was run")
                .with_help("answer `yes` to run the steps"),
        )
    }
}

/// A run's fixed parts.
struct Run<'a> {
    printer: &'a Printer,
    plan: &'a Plan,
    project_dir: &'a Path,
    timeout: Option<Duration>,
    auto_approve: bool,
    /// How many templates may build at once.
    parallel: usize,
}

impl Run<'_> {
    fn steps(&self, steps: &[Step], report: &mut Report) -> Outcome {
        let (printer, plan, project_dir) = (self.printer, self.plan, self.project_dir);
        let logs = project_dir.join(".pxic/logs").join(run_id());
        if let Err(e) = std::fs::create_dir_all(&logs) {
            let problem = Diagnostic::error(
                Code::CannotWrite,
                format!(
                    "cannot create `{}`: {}",
                    logs.display(),
                    crate::io::describe_io(&e)
                ),
            )
            .with_help("check that you may write to the project's folder");
            return project::report_unloadable(printer, &SourceMap::new(), &[problem]);
        }
        let redactor = Redactor::new(secret_values(plan));
        let note = |line: &str| printer.note(line);
        let live = printer.format() == super::args::MessageFormat::Human
            && std::io::stderr().is_terminal();
        let progress: Box<dyn Progress + '_> = if live {
            Box::new(Live::new())
        } else {
            Box::new(Plain::new(&note, progress::HEARTBEAT))
        };
        let ctx = StepRun {
            steps,
            logs: &logs,
            redactor: &redactor,
            timeout: self.timeout,
            progress: progress.as_ref(),
        };
        let mut n = 0;
        while n < steps.len() {
            // Template builds, one after the other in the list, go side by side.
            let group = if steps[n].builds_template() {
                n + steps[n..]
                    .iter()
                    .take_while(|s| s.builds_template())
                    .count()
            } else {
                n + 1
            };
            // Ctrl-C goes to the running tools for as long as the group runs; between
            // groups it stops pxic, which has no tool running then.
            let catching = exec::Catching::now();
            let outcomes: Vec<Option<exec::Outcome>> = if group == n + 1 {
                vec![Some(ctx.one(n))]
            } else {
                let needs: Vec<schedule::Needs> = steps[n..group]
                    .iter()
                    .map(|s| {
                        s.after
                            .iter()
                            .filter_map(|name| {
                                steps[n..group]
                                    .iter()
                                    .position(|o| o.title == format!("packer build {name}"))
                            })
                            .collect()
                    })
                    .collect();
                schedule::run(
                    &needs,
                    self.parallel,
                    &|i| ctx.one(n + i),
                    &|o: &exec::Outcome| o.ended == Ended::Done,
                    &|| !exec::interrupted(),
                )
            };
            let interrupted = exec::interrupted();
            drop(catching);
            let mut problems = Vec::new();
            for (i, outcome) in outcomes.iter().enumerate() {
                let Some(outcome) = outcome else { continue };
                if outcome.ended == Ended::Done {
                    if let Err(problem) = self.read_output(&steps[n + i], &outcome.stdout, report) {
                        problems.push(problem);
                    }
                } else {
                    problems.push(ctx.failure(n + i, outcome));
                }
            }
            if interrupted && problems.is_empty() && group < steps.len() {
                problems.push(
                    Diagnostic::error(
                        Code::RunInterrupted,
                        format!(
                            "interrupted: the run stopped before step {}/{} `{}`",
                            group + 1,
                            steps.len(),
                            steps[group].title
                        ),
                    )
                    .with_help("run `pxic apply` again to go on: the steps before it are done and will change nothing"),
                );
            }
            if !problems.is_empty() {
                let not_run = outcomes.iter().filter(|o| o.is_none()).count() + steps.len() - group;
                if not_run > 0
                    && let Some(last) = problems.pop()
                {
                    problems.push(
                        last.with_note(format!("{} not run", super::plural(not_run, "later step"))),
                    );
                }
                printer.print(&SourceMap::new(), &problems);
                return Outcome::Errors;
            }
            n = group;
        }
        printer.note(&format!(
            "finished: {} done; logs in `{}`",
            super::plural(steps.len(), "step"),
            logs.display()
        ));
        Outcome::Clean
    }

    /// Reads what a step printed when the run needs it: the hosts' PLAY RECAP under
    /// `pxic plan`, Terraform's plan (shown, destruction first; asked about again
    /// before an apply that destroys). `Err` stops the run.
    fn read_output(
        &self,
        step: &Step,
        stdout: &str,
        report: &mut Report,
    ) -> Result<(), Diagnostic> {
        if !step.capture {
            return Ok(());
        }
        if step.program != "terraform" {
            report.hosts = recap(stdout);
            return Ok(());
        }
        let changes = tfplan::Changes::read(stdout).map_err(|why| {
            Diagnostic::error(
                Code::StepFailed,
                format!("`terraform show -json` did not print a plan pxic can read: {why}"),
            )
            .with_help("check the Terraform version (1.5 or later) in the step's log")
        })?;
        for line in changes.lines() {
            self.printer.note(&line);
        }
        let destructive = changes.is_destructive();
        report.terraform = Some(changes);
        if destructive && !self.auto_approve {
            let question =
                "Terraform's plan destroys or replaces the resources marked !! above. Apply it?";
            if let Some(refusal) = approval_on_terminal(question) {
                return Err(refusal);
            }
        }
        Ok(())
    }
}

/// What running one step needs; shared by the steps that run side by side.
struct StepRun<'a> {
    steps: &'a [Step],
    logs: &'a Path,
    redactor: &'a Redactor,
    timeout: Option<Duration>,
    progress: &'a dyn Progress,
}

impl StepRun<'_> {
    fn log(&self, n: usize) -> std::path::PathBuf {
        self.logs
            .join(format!("{:02}-{}.log", n + 1, self.steps[n].slug))
    }

    /// Runs step `n`, showing its progress.
    fn one(&self, n: usize) -> exec::Outcome {
        let step = &self.steps[n];
        let label = format!("[{}/{}] {}", n + 1, self.steps.len(), step.title);
        self.progress.start(n, &label);
        let started = Instant::now();
        let mut line = |text: Option<&str>| self.progress.line(n, text);
        let outcome = exec::run(step, &self.log(n), self.redactor, self.timeout, &mut line);
        let how = match &outcome.ended {
            Ended::Done => format!("done in {} s", started.elapsed().as_secs()),
            Ended::Interrupted => "interrupted".to_string(),
            _ => format!("failed after {} s", started.elapsed().as_secs()),
        };
        self.progress.end(n, &how);
        outcome
    }

    /// Why step `n` failed: its exit, its last lines and its log.
    fn failure(&self, n: usize, outcome: &exec::Outcome) -> Diagnostic {
        let step = &self.steps[n];
        let (code, what) = match &outcome.ended {
            Ended::Done => (Code::Internal, "succeeded".to_string()),
            Ended::Failed(Some(status)) => {
                (Code::StepFailed, format!("failed with exit code {status}"))
            }
            Ended::Failed(None) => (Code::StepFailed, "was killed by a signal".to_string()),
            Ended::NotStarted(why) => (Code::StepFailed, format!("could not start: {why}")),
            Ended::TimedOut => (
                Code::StepFailed,
                format!(
                    "ran longer than {} min and was stopped",
                    self.timeout.map_or(0, |t| t.as_secs() / 60)
                ),
            ),
            Ended::Interrupted => (
                Code::RunInterrupted,
                "was interrupted; the tool was asked to stop and has finished".to_string(),
            ),
        };
        let mut problem = Diagnostic::error(
            code,
            format!("step {}/{} `{}` {what}", n + 1, self.steps.len(), step.title),
        )
        .with_help(format!(
            "read its log `{}`, fix the cause, and run `pxic apply` again: the steps before it are done and will change nothing",
            self.log(n).display()
        ));
        if !outcome.tail.is_empty() {
            problem = problem.with_note("its last lines:");
            for line in &outcome.tail {
                problem = problem.with_note(format!("│ {line}"));
            }
        }
        problem
    }
}

/// The values of every environment variable the plan names as a secret (the API
/// token among them), to mask in logs.
fn secret_values(plan: &Plan) -> Vec<String> {
    let mut names = BTreeSet::from([crate::backend::PROVIDER_TOKEN_ENV.to_string()]);
    if let Ok(json) = serde_json::to_value(plan) {
        collect_secret_names(&json, &mut names);
    }
    names
        .into_iter()
        .filter_map(|n| std::env::var(n).ok())
        .collect()
}

/// Every `{"env": NAME}` object (an IR `Secret`) in the plan's JSON.
fn collect_secret_names(value: &serde_json::Value, names: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(fields) => {
            if let (1, Some(serde_json::Value::String(name))) = (fields.len(), fields.get("env")) {
                names.insert(name.clone());
            }
            fields.values().for_each(|v| collect_secret_names(v, names));
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| collect_secret_names(v, names))
        }
        _ => {}
    }
}
