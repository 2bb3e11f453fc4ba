//! The processes a run measures: the real server and the baseline, each
//! started, found on its port, measured and stopped.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::SECRET;
use crate::scratch::Scratch;

/// `redress serve`, release build, on the scratch database.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

/// Builds the `redress` binary beside this one (a no-op when it is fresh)
/// and returns its path.
fn redress_binary() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let status = Command::new(cargo)
        .args(["build", "--release", "--bin", "redress", "--manifest-path"])
        .arg(&manifest)
        .status()
        .map_err(|e| format!("cannot run cargo to build the server: {e}"))?;
    if !status.success() {
        return Err("building the server failed".into());
    }
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let binary = me.with_file_name("redress");
    binary.exists().then_some(binary).ok_or_else(|| format!("no server binary beside {}", me.display()))
}

/// Reads `child`'s standard output until a line names the address it
/// listens on (after `marker`); the rest is drained in the background.
fn listening(child: &mut Child, marker: &str) -> Result<SocketAddr, String> {
    let out = child.stdout.take().ok_or("no standard output")?;
    let mut lines = std::io::BufReader::new(out).lines();
    for line in lines.by_ref() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(rest) = line.split(marker).nth(1) {
            let addr = rest.trim().trim_start_matches("http://").parse().map_err(|e| format!("{line:?}: {e}"))?;
            std::thread::spawn(move || lines.for_each(drop));
            return Ok(addr);
        }
    }
    Err("the server exited before listening (see its log)".into())
}

impl Server {
    pub fn start(scratch: &Scratch) -> Result<Server, String> {
        let binary = redress_binary()?;
        let log = std::fs::File::create(scratch.dir.join("server.log")).map_err(|e| e.to_string())?;
        eprintln!("starting {} (log: {})", binary.display(), scratch.dir.join("server.log").display());
        let mut command = Command::new(binary);
        command.args(["serve", "--bind", "127.0.0.1:0"]).env_clear();
        // The server's log level and format, and its pool of connections,
        // may be chosen for a run.
        for name in ["PATH", "RUST_LOG", "REDRESS_LOG_FORMAT", "REDRESS_POOL_SIZE"] {
            if let Ok(value) = std::env::var(name) {
                command.env(name, value);
            }
        }
        let mut child = command
            .env("DATABASE_URL", &scratch.database_url)
            .env("REDRESS_DATA_DIR", &scratch.dir)
            .env("REDRESS_SECRET", SECRET)
            // The sweep is measured on its own; here it would only add noise.
            .env("REDRESS_SWEEP_INTERVAL", "0")
            // All the load comes from one address.
            .env("REDRESS_RATE_LIMIT", "off")
            .env("REDRESS_API_RATE", "off")
            // Its supervisor signs in with a password alone.
            .env("REDRESS_SUPERVISOR_2FA", "off")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let addr = listening(&mut child, "Redress is listening on")?;
        Ok(Server { child, addr })
    }

    pub fn report_rss(&self) {
        if let Ok(kb) = self.peak_rss_kb() {
            eprintln!("  server peak RSS so far: {:.1} MB", kb as f64 / 1024.0);
        }
    }

    /// The most memory the server has held (`VmHWM`), in KiB.
    pub fn peak_rss_kb(&self) -> Result<u64, String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .map_err(|e| format!("the server's memory: {e}"))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| "no VmHWM in /proc/PID/status".into())
    }
}

impl Drop for Server {
    /// SIGTERM, as a service manager would stop it.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

/// The baseline handler, a process of its own.
pub struct Baseline {
    child: Child,
    pub addr: SocketAddr,
}

impl Baseline {
    pub fn start(scratch: &Scratch) -> Result<Baseline, String> {
        let url = match &scratch.pg {
            Some(_) => scratch.database_url.clone(),
            None => format!("sqlite://{}", scratch.dir.join("baseline.db").display()),
        };
        let me = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(me)
            .args(["baseline", &url, "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the baseline: {e}"))?;
        let addr = listening(&mut child, "listening on")?;
        Ok(Baseline { child, addr })
    }
}

impl Drop for Baseline {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
