//! The `redress` binary as a process of its own: run a command, start a
//! server and read what it prints, stop it with SIGTERM or SIGKILL.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::TestDb;

pub fn redress(db: &TestDb, data: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_redress"));
    cmd.env("DATABASE_URL", db.url()).env("REDRESS_DATA_DIR", data).env("RUST_LOG", "warn").stdin(Stdio::null());
    // Many consumers from one address: not what the limits are for.
    cmd.env("REDRESS_RATE_LIMIT", "off");
    cmd
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("redress runs")
}

/// A running `redress serve`, killed (SIGKILL) when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub output: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// SIGTERM: the polite way a service manager stops a service.
    pub fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -TERM");
    }

    /// Its exit status, once it has exited by itself within `limit`.
    pub fn exited_within(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit within {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// `redress serve --demo` on a free port.
pub fn serve(db: &TestDb, data: &std::path::Path) -> Server {
    serve_with(db, data, &["--demo"], &[])
}

/// `redress serve` on a free port with more arguments and environment, once
/// it has printed its address (and, with `--demo`, what it seeded).
pub fn serve_with(db: &TestDb, data: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut cmd = redress(db, data);
    cmd.envs(env.iter().copied());
    start(cmd, args)
}

/// Starts `cmd` (a `redress` command with its environment set up) as
/// `serve ARGS` on a free port.
pub fn start(mut cmd: Command, args: &[&str]) -> Server {
    let demo = args.contains(&"--demo");
    cmd.arg("serve").args(args).args(["--bind", "127.0.0.1:0"]);
    let mut child = cmd.stdout(Stdio::piped()).spawn().expect("redress serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut output = Vec::new();
    let mut base = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Redress is listening on ") {
            base = rest.trim().to_owned();
        }
        let done = if demo { line.starts_with("Demo data") } else { line.trim_start().starts_with("mail:") };
        // "Demo data seeded: 5 merchants, 8 complaints. …" is followed by
        // one line per complaint.
        let more: usize = line
            .strip_prefix("Demo data seeded: 5 merchants, ")
            .and_then(|rest| rest.split(' ').next()?.parse().ok())
            .unwrap_or(0);
        output.push(line);
        if done {
            output.extend(lines.by_ref().take(more).map(Result::unwrap));
            break;
        }
    }
    assert!(!base.is_empty(), "printed its address: {output:?}");
    Server { child, base, output }
}

/// Waits for something a running server does by itself, up to `limit` (a
/// real process on its own clock: there is no test clock to move).
pub fn eventually_within(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "the server never {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn eventually(what: &str, done: impl FnMut() -> bool) {
    eventually_within(Duration::from_secs(20), what, done)
}
