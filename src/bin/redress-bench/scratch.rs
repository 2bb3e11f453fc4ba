//! Where a run keeps its files and its database: a temporary folder, and
//! on PostgreSQL a scratch database, both gone when the run ends.

use std::path::PathBuf;

use diesel::connection::SimpleConnection;

/// Where a run keeps its files and which database it uses.
pub struct Scratch {
    pub dir: PathBuf,
    pub database_url: String,
    /// PostgreSQL: the server's URL and the scratch database to drop.
    pub pg: Option<(String, String)>,
}

impl Scratch {
    pub fn new(server: Option<&str>) -> Result<Scratch, String> {
        let dir = std::env::temp_dir().join(format!("redress-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let Some(server) = server else {
            let database_url = format!("sqlite://{}", dir.join("bench.db").display());
            return Ok(Scratch { dir, database_url, pg: None });
        };
        if !server.starts_with("postgres") {
            return Err(format!("--database-url {server:?}: give a postgres:// URL (SQLite is the default)"));
        }
        let name = format!("redress_bench_{}", std::process::id());
        let mut admin = redress::store::connect_one(server).map_err(|e| e.to_string())?;
        admin.batch_execute(&format!("CREATE DATABASE {name}")).map_err(|e| e.to_string())?;
        let (head, _) = server.rsplit_once('/').filter(|(h, _)| h.contains("//")).unwrap_or((server, ""));
        let database_url = format!("{head}/{name}");
        Ok(Scratch { dir, database_url, pg: Some((server.to_owned(), name)) })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((server, name)) = &self.pg
            && let Ok(mut admin) = redress::store::connect_one(server)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}
