//! Headless Chromium over WebDriver (Debian's `chromium` and
//! `chromedriver`), driven with fantoccini: a phone or a laptop, axe-core
//! injected into each page, the phone-first checks, and a screenshot of
//! every step under `target/e2e/`.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
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
fn axe_source() -> Result<&'static str, String> {
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
            None => args.push("--window-size=1280,900".into()),
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
        Tab { client, base: base.to_owned(), who: who.to_owned(), phone: device.phone }
    }

    /// A phone `width` CSS pixels wide (844 high), asking for Chinese.
    pub async fn phone(&self, base: &str, who: &str, width: u32) -> Tab {
        self.session(base, who, Device { phone: Some(width), languages: "zh-CN,zh", script: true }).await
    }

    /// The same phone, without our script.
    pub async fn phone_without_script(&self, base: &str, who: &str) -> Tab {
        self.session(base, who, Device { phone: Some(390), languages: "zh-CN,zh", script: false }).await
    }

    /// A 1280×900 laptop window.
    pub async fn laptop(&self, base: &str, who: &str) -> Tab {
        self.session(base, who, Device { phone: None, languages: "zh-CN,zh", script: true }).await
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
    languages: &'static str,
    script: bool,
}

/// One browser window.
pub struct Tab {
    pub client: Client,
    base: String,
    who: String,
    phone: Option<u32>,
}

impl Tab {
    pub async fn open(&self, path: &str) {
        let before = self.el("html").await;
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.settle(before).await;
    }

    /// The path (and query) of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    pub async fn el(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(el) => el,
            Err(e) => panic!("no `{css}` on {}: {e}", self.path().await),
        }
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.unwrap().len()
    }

    /// Types `text` into the field, as a person would, after clearing it.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.el(css).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    pub async fn choose(&self, css: &str, value: &str) {
        self.el(css).await.select_by_value(value).await.unwrap();
    }

    /// Clicks, then waits for the page the click led to.
    pub async fn click(&self, css: &str) {
        let before = self.el("html").await;
        self.el(css).await.click().await.unwrap();
        self.settle(before).await;
    }

    /// Clicks a button whose form asks first (`data-confirm`), answers
    /// the question with yes, and waits for the page it led to; returns the
    /// question.
    pub async fn click_and_confirm(&self, css: &str) -> String {
        let before = self.el("html").await;
        self.el(css).await.click().await.unwrap();
        let question = self.client.get_alert_text().await.expect("a confirm dialog");
        self.client.accept_alert().await.unwrap();
        self.settle(before).await;
        question
    }

    /// Waits until `before` (the old page's root) is gone and the new page
    /// has loaded.
    pub async fn settle(&self, before: fantoccini::elements::Element) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while before.tag_name().await.is_ok() {
            assert!(Instant::now() < deadline, "no new page after the click on {}", self.path().await);
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.client.wait().for_element(Locator::Css("footer")).await.unwrap();
    }

    /// Presses keys on the keyboard, to whatever has the focus: `text`
    /// may mix characters with [`fantoccini::key::Key`] codes.
    pub async fn press(&self, text: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut keys = KeyActions::new("keyboard".into());
        for c in text.chars() {
            keys = keys.then(KeyAction::Down { value: c }).then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(keys).await.unwrap();
    }

    /// The focused element: `tag#id.class`, and whether its focus ring shows.
    pub async fn focus(&self) -> (String, bool) {
        let found = self
            .js(
                r#"const el = document.activeElement;
                const style = getComputedStyle(el);
                const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
                return [el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className.split(' ')[0] : ''), ring];"#,
            )
            .await;
        (found[0].as_str().unwrap().to_owned(), found[1].as_bool().unwrap())
    }

    /// Waits up to 5 s for `css`'s text to satisfy `ok`; returns the text.
    pub async fn text_becomes(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let text = self.text(css).await;
            if ok(&text) || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn text(&self, css: &str) -> String {
        self.el(css).await.text().await.unwrap()
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.el(css).await.attr(name).await.unwrap()
    }

    /// Saves what the screen shows as `target/e2e/{name}.png`.
    pub async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(shots_dir().join(format!("{name}.png")), png).unwrap();
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// The checks every page of the journeys must pass: axe-core finds no
    /// serious or critical violation, and on a phone nothing scrolls
    /// sideways and every control is at least 44 px in both directions.
    pub async fn audit(&self) {
        let problems = self.problems().await;
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// What [`Tab::audit`] would fail on, one line each.
    pub async fn problems(&self) -> Vec<String> {
        let path = self.path().await;
        let mut problems = Vec::new();
        for v in self.axe().await {
            problems.push(format!("{} on {path}: axe-core: {v}", self.who));
        }
        if let Some(width) = self.phone {
            for p in self.phone_problems().await {
                problems.push(format!("{} on {path} at {width} px: {p}", self.who));
            }
        }
        problems
    }

    /// axe-core's serious and critical violations on this page.
    pub async fn axe(&self) -> Vec<String> {
        let source = axe_source().expect("axe-core");
        self.client.execute(&format!("{source}\nreturn true;"), vec![]).await.unwrap();
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations
                  .filter(v => v.impact === 'serious' || v.impact === 'critical')
                  .map(v => `${v.impact} ${v.id}: ${v.help}\n    ` + v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\n/g, ' ')).join('\n    '))),
                  e => done(['axe failed: ' + e]));"#,
                vec![],
            )
            .await
            .unwrap();
        found.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
    }

    /// Sideways scrolling, and controls smaller than a fingertip.
    pub async fn phone_problems(&self) -> Vec<String> {
        let found = self
            .js(
                r#"const problems = [];
                const doc = document.documentElement;
                if (doc.scrollWidth > window.innerWidth) problems.push(`the page is ${doc.scrollWidth} px wide in a ${window.innerWidth} px window`);
                for (const el of document.querySelectorAll('body *')) {
                  const r = el.getBoundingClientRect();
                  if (r.width > 0 && r.right > window.innerWidth + 1) problems.push(`${el.tagName.toLowerCase()}.${el.className} reaches ${Math.round(r.right)} px`);
                }
                const targets = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary');
                for (const el of targets) {
                  // A radio button or a checkbox is tapped through its label.
                  const box = (el.type === 'radio' || el.type === 'checkbox') ? el.closest('label') || el : el;
                  const r = box.getBoundingClientRect();
                  if (r.width === 0 && r.height === 0) continue; // not shown (the skip link until focused)
                  if (el.classList.contains('skip')) continue;
                  if (r.height < 44 || r.width < 44) problems.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 30)}" is ${Math.round(r.width)}×${Math.round(r.height)} px`);
                }
                return problems;"#,
            )
            .await;
        found.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
    }

    /// Whether the text of `css` is set larger than any other text on the
    /// page (headings included), and starts on the first screen.
    pub async fn stands_out(&self, css: &str) -> Result<(), String> {
        let found = self
            .client
            .execute(
                r#"const target = document.querySelector(arguments[0]);
                const size = el => parseFloat(getComputedStyle(el).fontSize);
                const own = el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '');
                const bigger = [...document.querySelectorAll('body *')]
                  .filter(el => own(el) && !target.contains(el) && el.getClientRects().length && size(el) > size(target))
                  .map(el => `${el.tagName.toLowerCase()}.${el.className} (${size(el)} px)`);
                const top = target.getBoundingClientRect().top;
                if (top > window.innerHeight) bigger.push(`it starts ${Math.round(top)} px down`);
                return bigger;"#,
                vec![json!(css)],
            )
            .await
            .unwrap();
        let bigger: Vec<&str> = found.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        if bigger.is_empty() { Ok(()) } else { Err(format!("{css} is outdone by {}", bigger.join(", "))) }
    }

    pub async fn close(self) {
        self.client.close().await.unwrap();
    }
}
