//! The floor intake is measured against: the smallest actix-web handler
//! that stores a submitted form as one row and answers 303, on the same
//! kind of database with the same durability (SQLite in WAL mode with
//! `synchronous = FULL`, so a row is on disk before its answer; PostgreSQL
//! with its default synchronous commit). Run as a process of its own, like
//! the real server, and driven by the same load generator.

use std::sync::Mutex;

use actix_web::{App, HttpResponse, HttpServer, web};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};

diesel::table! {
    bench_baseline (id) {
        id -> BigInt,
        body -> Text,
        at -> Timestamp,
    }
}

enum Db {
    /// One writer at a time: SQLite has one anyway.
    Sqlite(Mutex<SqliteConnection>),
    Pg(Pool<ConnectionManager<PgConnection>>),
}

fn open(url: &str) -> Result<Db, String> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut conn = SqliteConnection::establish(path).map_err(|e| e.to_string())?;
        conn.batch_execute(
            "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL,
                 at TIMESTAMP NOT NULL);",
        )
        .map_err(|e| e.to_string())?;
        Ok(Db::Sqlite(Mutex::new(conn)))
    } else {
        let pool = Pool::builder()
            .max_size(8)
            .build(ConnectionManager::<PgConnection>::new(url))
            .map_err(|e| e.to_string())?;
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        conn.batch_execute(
            "CREATE TABLE IF NOT EXISTS bench_baseline (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL,
                 at TIMESTAMP NOT NULL)",
        )
        .map_err(|e| e.to_string())?;
        Ok(Db::Pg(pool))
    }
}

async fn insert(db: web::Data<Db>, body: web::Bytes) -> actix_web::Result<HttpResponse> {
    let stored = web::block(move || {
        let row = (
            bench_baseline::body.eq(String::from_utf8_lossy(&body).into_owned()),
            bench_baseline::at.eq(chrono::Utc::now().naive_utc()),
        );
        let query = diesel::insert_into(bench_baseline::table).values(row);
        match &**db {
            Db::Sqlite(conn) => query.execute(&mut *conn.lock().unwrap_or_else(|p| p.into_inner())),
            Db::Pg(pool) => {
                query.execute(&mut pool.get().map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?)
            }
        }
    })
    .await?;
    stored.map_err(actix_web::error::ErrorServiceUnavailable)?;
    Ok(HttpResponse::SeeOther().insert_header(("Location", "/")).finish())
}

/// Serves the baseline on `bind` until killed; prints the address first.
pub fn serve(url: &str, bind: &str) -> Result<(), String> {
    let db = web::Data::new(open(url)?);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    actix_web::rt::System::new().block_on(async move {
        let server =
            HttpServer::new(move || App::new().app_data(db.clone()).route("/complaints", web::post().to(insert)))
                .workers(workers)
                .bind(bind)
                .map_err(|e| e.to_string())?;
        println!("listening on {}", server.addrs()[0]);
        server.run().await.map_err(|e| e.to_string())
    })
}
