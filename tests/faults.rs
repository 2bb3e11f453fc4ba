//! The database goes away mid-run: a consumer filing a complaint gets a
//! 503 with `Retry-After` and the form back with everything typed, and the
//! server recovers by itself, without a restart, when the database
//! returns. On PostgreSQL the server reaches the database through a TCP
//! proxy that the test cuts (the database unreachable); on SQLite another
//! process holds the write lock beyond the busy timeout.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use ureq::http::StatusCode;

use crate::helpers::*;

/// A TCP proxy in front of PostgreSQL that can be cut and restored.
struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (up2, open2) = (up.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                // Cut: the connection is closed as soon as it is made.
                if !up2.load(Ordering::SeqCst) {
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream) else { continue };
                open2.lock().unwrap().extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                pipe(server, client);
            }
        });
        Proxy { addr, up, open }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Both);
        let _ = from.shutdown(Shutdown::Both);
    });
}

/// `postgres://user@host:port/db` → (`postgres://user@`, `host:port`, `/db`).
fn split(url: &str) -> (String, String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (authority, path) = rest.split_once('/').unwrap();
    let (user, host) = authority.rsplit_once('@').map_or(("", authority), |(u, h)| (u, h));
    let host = if host.contains(':') { host.to_owned() } else { format!("{host}:5432") };
    let at = if user.is_empty() { String::new() } else { format!("{user}@") };
    (format!("{scheme}://{at}"), host, format!("/{path}"))
}

/// The same database, reached through `proxy`.
fn via(url: &str, proxy: SocketAddr) -> String {
    let (head, _, path) = split(url);
    format!("{head}{proxy}{path}")
}

/// What takes the database away and brings it back.
enum Outage {
    Postgres(Proxy),
    /// A connection of another process's, holding SQLite's write lock.
    Sqlite(String, Option<diesel::SqliteConnection>),
}

impl Outage {
    fn begin(&mut self) {
        match self {
            Outage::Postgres(proxy) => proxy.cut(),
            Outage::Sqlite(url, holder) => {
                let mut conn = diesel::SqliteConnection::establish(url.trim_start_matches("sqlite://")).unwrap();
                conn.batch_execute("BEGIN IMMEDIATE").unwrap();
                *holder = Some(conn);
            }
        }
    }

    fn end(&mut self) {
        match self {
            Outage::Postgres(proxy) => proxy.restore(),
            Outage::Sqlite(_, holder) => {
                holder.take().unwrap().batch_execute("ROLLBACK").unwrap();
            }
        }
    }
}

#[test]
fn database_gone_mid_run_gets_503_with_the_form_kept_then_recovers_without_a_restart() {
    let mut outage = None;
    let app = spawn_app_with(|config| {
        config.db_timeout = std::time::Duration::from_secs(1);
        if config.database_url.starts_with("postgres") {
            let proxy = Proxy::start(split(&config.database_url).1);
            config.database_url = via(&config.database_url, proxy.addr);
            outage = Some(Outage::Postgres(proxy));
        } else {
            outage = Some(Outage::Sqlite(config.database_url.clone(), None));
        }
    });
    let mut outage = outage.unwrap();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let form = app.get("/complaints/new");
    let token = csrf(&form.body);
    let complaint = ComplaintBuilder::new(m);
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend(complaint.fields());

    outage.begin();
    let res = app.post("/complaints", &fields);
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
    assert_eq!(res.headers.get("retry-after").unwrap(), "5");
    assert!(res.body.contains("这次没能保存您的投诉"), "says nothing was filed: {}", res.body);
    assert_eq!(textarea_value(&res.body, "description").as_deref(), Some(DESCRIPTION));
    assert_eq!(input_value(&res.body, "consumer_phone").as_deref(), Some("138 0013 8000"));
    assert_eq!(input_value(&res.body, "order_ref").as_deref(), Some("DY4829301756"));
    assert!(res.body.contains(&format!("<option value=\"{m}\" selected")), "the merchant stays chosen");
    let health = app.get("/healthz");
    match outage {
        Outage::Postgres(_) => {
            assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
            assert!(health.body.contains(r#""database":"unreachable""#), "{}", health.body);
        }
        // Readers carry on under SQLite's write lock.
        Outage::Sqlite(..) => assert_eq!(health.status, StatusCode::OK),
    }

    outage.end();
    // The consumer presses the button again on the page they were given.
    let kept = csrf(&res.body);
    let mut again = vec![("csrf_token", kept.as_str())];
    again.extend(complaint.fields());
    let filed = app.post("/complaints", &again);
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    assert_eq!(app.get(&filed.tracking_path()).status, StatusCode::OK);
    assert_eq!(app.get("/healthz").status, StatusCode::OK);
    let stored: i64 =
        redress::store::schema::complaints::table.count().get_result(&mut app.pool.get().unwrap()).unwrap();
    assert_eq!(stored, 1, "the refused attempt left nothing behind");
}

#[test]
fn proxy_urls_keep_user_and_database() {
    let proxy: SocketAddr = "127.0.0.1:6000".parse().unwrap();
    let url = "postgres://postgres@127.0.0.1:5432/redress_t1";
    assert_eq!(split(url).1, "127.0.0.1:5432");
    assert_eq!(via(url, proxy), "postgres://postgres@127.0.0.1:6000/redress_t1");
    assert_eq!(split("postgres://db/x").1, "db:5432");
    assert_eq!(via("postgres://db/x", proxy), "postgres://127.0.0.1:6000/x");
}
