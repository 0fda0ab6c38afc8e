//! Runs one step: the tool in its own process group with no terminal input, its
//! output (secrets masked) into the step's log, its last line to the progress
//! display. Ctrl-C (or SIGTERM) is passed on to the tool once, and the step waits
//! for it to finish, so Terraform releases its state lock; a step over its time is
//! asked to stop the same way, then killed after a grace period.

use super::Step;
use super::redact::Redactor;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How a step ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    Done,
    /// The tool exited with an error (`None`: killed by a signal).
    Failed(Option<i32>),
    /// Stopped by Ctrl-C or SIGTERM, passed on to the tool.
    Interrupted,
    /// Over its time, stopped.
    TimedOut,
    /// The tool could not be started (why).
    NotStarted(String),
}

/// What a step left: how it ended, its last lines (masked), and, when the step
/// asked for it, everything it printed on stdout (masked).
pub struct Outcome {
    pub ended: Ended,
    pub tail: Vec<String>,
    pub stdout: String,
}

/// How many of a step's last lines a failure shows.
const TAIL: usize = 15;
/// How long a tool asked to stop may take before it is killed.
const GRACE: Duration = Duration::from_secs(30);

/// The signal received during the step, 0 for none.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn remember(signal: libc::c_int) {
    SIGNAL.store(signal, Ordering::SeqCst);
}

/// SIGINT and SIGTERM go to [`remember`] while one of these lives (steps may run at
/// once, as independent template builds do), then back to what they were.
pub struct Catching(());

const CAUGHT: [libc::c_int; 2] = [libc::SIGINT, libc::SIGTERM];

/// How many [`Catching`] live, and the actions to restore when the last goes.
static CATCHERS: std::sync::Mutex<(usize, Option<[libc::sigaction; 2]>)> =
    std::sync::Mutex::new((0, None));

impl Catching {
    /// Catches the signals; the first of several at once forgets an earlier one.
    pub fn now() -> Catching {
        let mut held = CATCHERS.lock().unwrap_or_else(|e| e.into_inner());
        if held.0 == 0 {
            SIGNAL.store(0, Ordering::SeqCst);
            // SAFETY: sigaction structs are plain data; the handler only stores an
            // atomic, which is async-signal-safe.
            unsafe {
                let mut before: [libc::sigaction; 2] = std::mem::zeroed();
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = remember as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut action.sa_mask);
                for (n, signal) in CAUGHT.iter().enumerate() {
                    libc::sigaction(*signal, &action, &mut before[n]);
                }
                held.1 = Some(before);
            }
        }
        held.0 += 1;
        Catching(())
    }
}

impl Drop for Catching {
    fn drop(&mut self) {
        let mut held = CATCHERS.lock().unwrap_or_else(|e| e.into_inner());
        held.0 -= 1;
        if held.0 == 0
            && let Some(before) = held.1.take()
        {
            // SAFETY: restores the actions sigaction gave back in `now`.
            unsafe {
                for (n, signal) in CAUGHT.iter().enumerate() {
                    libc::sigaction(*signal, &before[n], std::ptr::null_mut());
                }
            }
        }
    }
}

/// Whether Ctrl-C or SIGTERM came during the last step.
pub fn interrupted() -> bool {
    SIGNAL.load(Ordering::SeqCst) != 0
}

/// Runs `step`, writing its output to `log`; `progress` gets each line (masked), and
/// `None` about ten times a second while the tool is quiet.
pub fn run(
    step: &Step,
    log: &Path,
    redactor: &Redactor,
    timeout: Option<Duration>,
    progress: &mut dyn FnMut(Option<&str>),
) -> Outcome {
    // The last lines only: a long build prints thousands.
    let mut tail: VecDeque<String> = VecDeque::with_capacity(TAIL + 1);
    let mut stdout = String::new();
    let mut log_file = match std::fs::File::create(log) {
        Ok(file) => file,
        Err(e) => {
            return Outcome {
                ended: Ended::NotStarted(format!(
                    "cannot write its log `{}`: {}",
                    log.display(),
                    crate::io::describe_io(&e)
                )),
                tail: Vec::new(),
                stdout,
            };
        }
    };
    let _ = writeln!(
        log_file,
        "$ {} {}    (in {})",
        step.program,
        step.args.join(" "),
        step.dir.display()
    );
    let _catching = Catching::now();
    let mut command = Command::new(step.program);
    command
        .args(&step.args)
        .current_dir(&step.dir)
        .envs(step.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own group: a terminal's Ctrl-C reaches pxic alone, which passes it on
        // once (a second would make Terraform quit without releasing its lock).
        command.process_group(0);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            return Outcome {
                ended: Ended::NotStarted(crate::io::describe_io(&e)),
                tail: Vec::new(),
                stdout,
            };
        }
    };
    let group = child.id() as libc::pid_t;
    // Each line with whether it came on stdout.
    let (lines, heard) = mpsc::channel::<(bool, String)>();
    let streams: [Option<(bool, Box<dyn std::io::Read + Send>)>; 2] = [
        child.stdout.take().map(|s| (true, Box::new(s) as _)),
        child.stderr.take().map(|s| (false, Box::new(s) as _)),
    ];
    let readers: Vec<_> = streams
        .into_iter()
        .flatten()
        .map(|(is_stdout, stream)| {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if lines.send((is_stdout, line)).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    drop(lines);
    let started = Instant::now();
    let mut asked_to_stop: Option<(Instant, Ended)> = None;
    let mut closed = false;
    let status = loop {
        if !closed {
            match heard.recv_timeout(Duration::from_millis(100)) {
                Ok((is_stdout, line)) => {
                    let line = redactor.apply(&line);
                    let _ = writeln!(log_file, "{line}");
                    progress(Some(&line));
                    keep(&mut stdout, is_stdout && step.capture, &line);
                    tail.push_back(line);
                    if tail.len() > TAIL {
                        tail.pop_front();
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => progress(None),
                // Both streams closed: only the exit itself is left to wait for.
                Err(mpsc::RecvTimeoutError::Disconnected) => closed = true,
            }
        } else {
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        let over = timeout.is_some_and(|t| started.elapsed() > t);
        match &asked_to_stop {
            None if interrupted() || over => {
                // SAFETY: signals the tool's own process group, made above.
                unsafe { libc::kill(-group, libc::SIGINT) };
                let why = if over {
                    Ended::TimedOut
                } else {
                    Ended::Interrupted
                };
                asked_to_stop = Some((Instant::now(), why));
            }
            Some((since, _)) if since.elapsed() > GRACE => {
                // SAFETY: as above.
                unsafe { libc::kill(-group, libc::SIGKILL) };
            }
            _ => {}
        }
    };
    for reader in readers {
        let _ = reader.join();
    }
    for (is_stdout, line) in heard.try_iter() {
        let line = redactor.apply(&line);
        let _ = writeln!(log_file, "{line}");
        keep(&mut stdout, is_stdout && step.capture, &line);
        tail.push_back(line);
        if tail.len() > TAIL {
            tail.pop_front();
        }
    }
    let ended = match asked_to_stop {
        Some((_, why)) => why,
        None if status.success() => Ended::Done,
        None => Ended::Failed(status.code()),
    };
    let _ = writeln!(
        log_file,
        "# ended: {ended:?} after {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Outcome {
        ended,
        tail: tail.into(),
        stdout,
    }
}

fn keep(stdout: &mut String, wanted: bool, line: &str) {
    if wanted {
        stdout.push_str(line);
        stdout.push('\n');
    }
}
