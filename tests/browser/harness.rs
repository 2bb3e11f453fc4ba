//! Headless Chromium over WebDriver (Debian's `chromium` and
//! `chromedriver`), driven with fantoccini: a chromedriver per test, and a
//! window of it as a phone or a laptop. What a window does is in `tab.rs`.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use fantoccini::ClientBuilder;

use crate::tab::Tab;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether a missing browser fails the run (CI) or skips the journeys.
const REQUIRED: &str = "REDRESS_BROWSER_TESTS";

/// The async part of a test, on a runtime of its own.
pub fn run<F: std::future::Future<Output = ()>>(test: F) {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(test)
}

fn find(program: &str) -> Option<PathBuf> {
    if program.starts_with('/') {
        return Path::new(program).is_file().then(|| program.into());
    }
    std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// Says plainly, past the test harness's capture, that the journeys did
/// not run; fails instead when `REDRESS_BROWSER_TESTS=required`.
fn missing(what: &str) {
    let text = format!(
        "\n  browser journeys NOT RUN: {what}. Install Debian's `chromium` and `chromium-driver` \
         (and Node.js with npm, for axe-core) to run them; `.ci/run` does.\n"
    );
    if std::env::var(REQUIRED).is_ok_and(|v| v == "required") {
        panic!("{text}");
    }
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        let _ = std::io::stderr().write_all(text.as_bytes());
    });
}

/// axe-core from the npm registry (`tests/browser/package.json`), installed
/// once with `npm ci` when it is not there yet.
pub(crate) fn axe_source() -> Result<&'static str, String> {
    static AXE: OnceLock<Result<String, String>> = OnceLock::new();
    static INSTALL: Mutex<()> = Mutex::new(());
    AXE.get_or_init(|| {
        let _once = INSTALL.lock().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.is_file() {
            let npm = find("npm").ok_or("npm is not installed (needed for axe-core)")?;
            let out = Command::new(npm)
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir)
                .output()
                .map_err(|e| format!("npm ci: {e}"))?;
            if !out.status.success() {
                return Err(format!("npm ci failed: {}", String::from_utf8_lossy(&out.stderr)));
            }
        }
        std::fs::read_to_string(&script).map_err(|e| format!("{}: {e}", script.display()))
    })
    .as_ref()
    .map(String::as_str)
    .map_err(Clone::clone)
}

/// Where the screenshots go: `target/e2e/`.
pub fn shots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A chromedriver of this test's own, on a free port.
pub struct Driver {
    child: Child,
    url: String,
    profiles: tempfile::TempDir,
}

impl Driver {
    /// `None` (after saying so) when Chromium, chromedriver or npm is missing.
    pub fn start() -> Option<Driver> {
        let Some(chromedriver) = find("chromedriver") else {
            missing("chromedriver was not found on PATH");
            return None;
        };
        if find(CHROMIUM).is_none() {
            missing(&format!("{CHROMIUM} was not found"));
            return None;
        }
        if let Err(e) = axe_source() {
            missing(&e);
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Driver { child, url: format!("http://127.0.0.1:{port}"), profiles: tempfile::tempdir().unwrap() })
    }

    async fn session(&self, base: &str, who: &str, device: Device) -> Tab {
        let profile = self.profiles.path().join(who);
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--hide-scrollbars".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut options = json!({
            "binary": CHROMIUM,
            "prefs": { "intl.accept_languages": device.languages },
        });
        match device.phone {
            Some(width) => {
                options["mobileEmulation"] = json!({
                    "deviceMetrics": { "width": width, "height": 844, "pixelRatio": 2, "mobile": true, "touch": true },
                    "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36",
                });
            }
            None => args.push(format!("--window-size={},900", device.width)),
        }
        options["args"] = json!(args);
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));

        caps.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client =
            ClientBuilder::new(connector).capabilities(caps).connect(&self.url).await.expect("a browser session");
        if !device.script {
            // The browser never gets our script, the only one the pages
            // have. (Switching JavaScript off altogether also stops
            // chromedriver telling when a page has loaded.)
            for (cmd, params) in
                [("Network.enable", json!({})), ("Network.setBlockedURLs", json!({ "urls": ["*/static/app.js"] }))]
            {
                client.issue_cmd(Cdp { cmd, params }).await.expect(cmd);
            }
        }
        Tab::new(client, base, who, device.phone)
    }

    /// A phone `width` CSS pixels wide (844 high), asking for Chinese.
    pub async fn phone(&self, base: &str, who: &str, width: u32) -> Tab {
        self.session(base, who, Device { phone: Some(width), width, languages: "zh-CN,zh", script: true }).await
    }

    /// The same phone, without our script.
    pub async fn phone_without_script(&self, base: &str, who: &str) -> Tab {
        self.session(base, who, Device { phone: Some(390), width: 390, languages: "zh-CN,zh", script: false }).await
    }

    /// A 1280×900 laptop window.
    pub async fn laptop(&self, base: &str, who: &str) -> Tab {
        self.desktop(base, who, 1280).await
    }

    /// A desktop window `width` CSS pixels wide (900 high).
    pub async fn desktop(&self, base: &str, who: &str, width: u32) -> Tab {
        self.session(base, who, Device { phone: None, width, languages: "zh-CN,zh", script: true }).await
    }
}

impl Drop for Driver {
    /// Stops chromedriver and every browser it started, even those of a
    /// test that failed before closing its window (they would outlive us).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mark = self.profiles.path().to_string_lossy().into_owned();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else { continue };
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            if String::from_utf8_lossy(&cmdline).contains(&mark) {
                let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            }
        }
    }
}

/// A Chrome DevTools command, through chromedriver.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

struct Device {
    phone: Option<u32>,
    /// The window's width when it is not a phone.
    width: u32,
    languages: &'static str,
    script: bool,
}
