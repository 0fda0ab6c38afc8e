//! What a run shows while its steps run: each step's label, its elapsed time and the
//! tool's last line. On a terminal the running steps (several at once when templates
//! build side by side) are lines updated in place (`indicatif`); elsewhere (CI, a
//! pipe, the tests) plain lines: one when a step starts, one when it ends, and, for a
//! step that runs long, one a minute with its last line (printed or not since), so
//! that a CI job that kills silent jobs does not kill a long Packer build. None of it
//! goes to the logs, which hold the tools' own output alone.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where the progress of a run goes; steps may report from several threads.
pub trait Progress: Sync {
    /// Step `id` starts.
    fn start(&self, id: usize, label: &str);
    /// A line the tool printed (masked already), or `None` while it prints nothing.
    fn line(&self, id: usize, line: Option<&str>);
    /// Step `id` ended; `how` says how ("done in 3 s").
    fn end(&self, id: usize, how: &str);
}

/// How often a plain display says that a long step is still running.
pub const HEARTBEAT: Duration = Duration::from_secs(60);

/// Plain lines, for anything that is not a terminal.
pub struct Plain<'a> {
    note: &'a (dyn Fn(&str) + Sync),
    every: Duration,
    running: Mutex<Steps>,
}

/// The running steps, and whether several ran at once since none was running.
#[derive(Default)]
struct Steps {
    steps: HashMap<usize, Running>,
    together: bool,
}

struct Running {
    label: String,
    started: Instant,
    said: Instant,
    /// The tool's last line.
    last: String,
}

impl<'a> Plain<'a> {
    /// `note` prints one line; a step running longer than `every` is reported again
    /// each `every`.
    pub fn new(note: &'a (dyn Fn(&str) + Sync), every: Duration) -> Plain<'a> {
        Plain {
            note,
            every,
            running: Mutex::new(Steps::default()),
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, Steps> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for Plain<'_> {
    fn start(&self, id: usize, label: &str) {
        let now = Instant::now();
        let mut running = self.running();
        running.together |= !running.steps.is_empty();
        running.steps.insert(
            id,
            Running {
                label: label.to_string(),
                started: now,
                said: now,
                last: String::new(),
            },
        );
        drop(running);
        (self.note)(label);
    }

    fn line(&self, id: usize, line: Option<&str>) {
        let said = {
            let mut running = self.running();
            let Some(step) = running.steps.get_mut(&id) else {
                return;
            };
            if let Some(line) = line {
                step.last = shown(line);
            }
            if step.said.elapsed() < self.every {
                return;
            }
            step.said = Instant::now();
            let elapsed = step.started.elapsed().as_secs();
            match step.last.as_str() {
                "" => format!("      {} still running after {elapsed} s", step.label),
                last => format!(
                    "      {} still running after {elapsed} s: {last}",
                    step.label
                ),
            }
        };
        (self.note)(&said);
    }

    fn end(&self, id: usize, how: &str) {
        let mut running = self.running();
        let step = running.steps.remove(&id);
        let together = running.together;
        if running.steps.is_empty() {
            running.together = false;
        }
        drop(running);
        match step {
            // Several at once: say which ended.
            Some(step) if together => (self.note)(&format!("      {}: {how}", step.label)),
            _ => (self.note)(&format!("      {how}")),
        }
    }
}

/// Lines updated in place on a terminal, one per running step.
pub struct Live {
    bars: MultiProgress,
    running: Mutex<HashMap<usize, (String, ProgressBar)>>,
}

impl Live {
    pub fn new() -> Live {
        Live {
            bars: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            running: Mutex::new(HashMap::new()),
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<usize, (String, ProgressBar)>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for Live {
    fn default() -> Live {
        Live::new()
    }
}

impl Progress for Live {
    fn start(&self, id: usize, label: &str) {
        let bar = self.bars.add(ProgressBar::new_spinner());
        let style = ProgressStyle::with_template("{spinner} {prefix} {elapsed:>4} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(shown(label));
        bar.enable_steady_tick(Duration::from_millis(200));
        self.running().insert(id, (label.to_string(), bar));
    }

    fn line(&self, id: usize, line: Option<&str>) {
        if let (Some(line), Some((_, bar))) = (line, self.running().get(&id)) {
            bar.set_message(shown(line));
        }
    }

    fn end(&self, id: usize, how: &str) {
        if let Some((label, bar)) = self.running().remove(&id) {
            bar.finish_and_clear();
            self.bars.remove(&bar);
            let _ = self.bars.println(shown(&format!("{label}: {how}")));
        }
    }
}

/// A tool's line as a display shows it: no control characters (its colours, a
/// carriage return), at most 100 characters.
fn shown(line: &str) -> String {
    let mut text = String::new();
    let mut escape = false;
    for c in line.chars() {
        // Skip ANSI sequences: ESC, then up to the final letter.
        if escape {
            escape = !c.is_ascii_alphabetic();
            continue;
        }
        if c == '\u{1b}' {
            escape = true;
            continue;
        }
        if !c.is_control() {
            text.push(c);
        }
    }
    text.chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_step_is_reported_again_with_its_last_line() {
        let said = Mutex::new(Vec::new());
        let note = |line: &str| said.lock().unwrap().push(line.to_string());
        let plain = Plain::new(&note, Duration::ZERO);
        plain.start(0, "[4/9] packer build a");
        plain.line(0, None);
        plain.line(
            0,
            Some("\u{1b}[1;32m==> proxmox-clone.a: Waiting for SSH\u{1b}[0m"),
        );
        // Quiet: the last line again.
        plain.line(0, None);
        plain.end(0, "done in 0 s");
        assert_eq!(
            said.into_inner().unwrap(),
            [
                "[4/9] packer build a",
                "      [4/9] packer build a still running after 0 s",
                "      [4/9] packer build a still running after 0 s: ==> proxmox-clone.a: Waiting for SSH",
                "      [4/9] packer build a still running after 0 s: ==> proxmox-clone.a: Waiting for SSH",
                "      done in 0 s",
            ]
        );
    }

    #[test]
    fn steps_at_once_say_which_ended() {
        let said = Mutex::new(Vec::new());
        let note = |line: &str| said.lock().unwrap().push(line.to_string());
        let plain = Plain::new(&note, HEARTBEAT);
        plain.start(3, "[4/9] packer build a");
        plain.start(4, "[5/9] packer build b");
        plain.line(3, Some("quiet: within the minute"));
        plain.line(4, None);
        plain.end(4, "done in 1 s");
        plain.end(3, "done in 2 s");
        assert_eq!(
            said.into_inner().unwrap(),
            [
                "[4/9] packer build a",
                "[5/9] packer build b",
                "      [5/9] packer build b: done in 1 s",
                "      [4/9] packer build a: done in 2 s",
            ]
        );
    }
}
