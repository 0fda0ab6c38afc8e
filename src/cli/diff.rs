//! `pxic diff [PROJECT] [--against REV]`: what the working tree's `.pxi` files change
//! in the generated files, compared with the project at a git revision (default
//! `HEAD`), for reviewers: a summary in words from the two plans (a guest destroyed or
//! replaced is marked `!!` and counted again at its end), then a unified diff of each
//! generated file that differs. Writes nothing.

use super::args::DiffArgs;
use super::project;
use super::{Outcome, Printer, textdiff};
use crate::check;
use crate::diag::Diagnostic;
use crate::io::git;
use crate::plan_diff;
use std::collections::BTreeSet;
use std::fmt::Write;

pub fn run(args: &DiffArgs, printer: &Printer) -> Outcome {
    let printer = &printer.keeping_stdout();
    let (loaded, after) =
        match project::load_plan(&args.path, &args.files_from, printer, Outcome::Errors) {
            Ok(found) => found,
            Err(outcome) => return outcome,
        };
    let after = &after;
    let disk = crate::io::FsWorld::new(&crate::io::project_dir(&args.path), &args.files_from);
    let mut old = match git::load(&args.path, &args.against, disk) {
        Ok(old) => old,
        Err(problem) => return project::report_unloadable(printer, &loaded.sources, &[problem]),
    };
    let checked_old = check::check_project(&mut old.sources, &old.world, &old.lock);
    let Some(before) = checked_old.plan.as_ref() else {
        printer.print(&old.sources, &checked_old.diagnostics);
        let problem = Diagnostic::error(
            crate::diag::Code::RevisionUnreadable,
            format!("the project at `{}` has errors", args.against),
        )
        .with_help("compare with a revision where `pxic check` passes");
        return project::report_unloadable(printer, &loaded.sources, &[problem]);
    };
    let old_files = crate::backend::emit_all(before);
    let new_files = crate::backend::emit_all(after);
    let color = textdiff::color_stdout();
    let labels = (args.against.as_str(), "working tree");
    let mut text = String::new();
    let summary = plan_diff::summarize(before, after);
    let paths: BTreeSet<&String> = old_files.keys().chain(new_files.keys()).collect();
    let mut diffs = String::new();
    let mut changed = 0;
    for path in paths {
        let file = textdiff::unified(
            path,
            old_files.get(path).map(String::as_str),
            new_files.get(path).map(String::as_str),
            labels,
            color,
        );
        if !file.is_empty() {
            changed += 1;
            diffs.push_str(&file);
        }
    }
    if summary.is_empty() && changed == 0 {
        let _ = writeln!(text, "no changes since {}", args.against);
    } else {
        let _ = writeln!(text, "Changes since {}:", args.against);
        for line in &summary {
            let _ = writeln!(text, "  {line}");
        }
        // Said again last, where a reviewer looks before applying.
        let lost = summary
            .iter()
            .filter(|l| plan_diff::is_destructive(l))
            .count();
        if lost > 0 {
            let _ = writeln!(
                text,
                "\n!! {} destroyed or replaced by this change, disks included: read the lines marked !! above",
                super::plural(lost, "guest")
            );
        }
        plan_diff::say_disk_losses(&summary, &mut text);
        let others = summary
            .iter()
            .filter(|l| plan_diff::is_other_warning(l))
            .count();
        if others > 0 {
            let _ = writeln!(
                text,
                "\n!! {} marked !! above: {} fail or change more than it seems; read {} before applying",
                super::plural(others, "more line"),
                if others == 1 { "it may" } else { "they may" },
                if others == 1 { "it" } else { "them" },
            );
        }
        let _ = writeln!(
            text,
            "\n{} changed:\n",
            super::plural(changed, "generated file")
        );
        text.push_str(&diffs);
    }
    super::print_stdout(&text);
    printer.print(&loaded.sources, &loaded.checked.diagnostics);
    Outcome::Clean
}
