//! One browser window: opening pages, typing and clicking as a person
//! would, and the checks every page must pass: axe-core injected into it,
//! no sideways scrolling and finger-sized targets on a phone, and a
//! screenshot of each step under `target/e2e/`.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::harness::{axe_source, shots_dir};

/// One browser window.
pub struct Tab {
    pub client: Client,
    base: String,
    who: String,
    phone: Option<u32>,
}

impl Tab {
    pub fn new(client: Client, base: &str, who: &str, phone: Option<u32>) -> Tab {
        Tab { client, base: base.to_owned(), who: who.to_owned(), phone }
    }

    pub async fn open(&self, path: &str) {
        let before = self.el("html").await;
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.settle(before).await;
    }

    /// Signs in through the form (audited) as staff `email`, whose
    /// password is the tests' own.
    pub async fn sign_in(&self, email: &str) {
        self.open("/login").await;
        self.audit().await;
        self.fill("#email", email).await;
        self.fill("#password", crate::helpers::PASSWORD).await;
        self.click("form.form button[type=submit]").await;
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

    /// Clicks what leads nowhere (a checkbox, a radio button).
    pub async fn tick(&self, css: &str) {
        self.el(css).await.click().await.unwrap();
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
                  // A chart's bar may be thinner than a finger: its chart's table has the same link.
                  const chart = el.closest('svg') && el.closest('.columns, .hbars');
                  if (chart && [...chart.querySelectorAll('table a')].some(a => a.getAttribute('href') === el.getAttribute('href'))) continue;
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
