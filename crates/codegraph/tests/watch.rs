//! `codegraph serve --watch`, as a user runs it: edits, new files,
//! deletions and a burst of hundreds of files (a branch switch) reach the
//! answers with no command run, and no answer is stale afterwards: lookups,
//! callers and search alike.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Kills the server if a check fails first.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// GET `path`: the status and the JSON body.
fn get(addr: &str, path: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).expect("server up");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// Waits (at most a minute) until `check` holds of the server's answers.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn names(answer: &Value, list: &str) -> Vec<String> {
    answer[list]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|hit| hit["name"].as_str().map(String::from))
        .collect()
}

fn found(addr: &str, name: &str) -> bool {
    let (status, hits) = get(addr, &format!("/api/find?name={name}"));
    status == 200
        && hits
            .as_array()
            .is_some_and(|hits| hits.iter().any(|h| h["name"] == name))
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn serve_watch_keeps_every_answer_current() {
    let dir = tempfile::tempdir().unwrap();
    let (root, db) = (dir.path().join("repo"), dir.path().join("db"));
    write(&root, "app/util.py", "def helper():\n    return 1\n");
    write(
        &root,
        "app/main.py",
        "from app.util import helper\n\ndef run():\n    return helper()\n",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_codegraph"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0", "--watch"])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut server = Server(child);
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines.next().expect("server said where it serves").unwrap();
        if let Some(rest) = line.split("serving http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep reading the log, so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    assert!(found(&addr, "run"));

    // An edit: a new function calling an old one.
    write(
        &root,
        "app/main.py",
        "from app.util import helper\n\ndef run():\n    return helper()\n\ndef refresh_cache():\n    return helper()\n",
    );
    eventually("the edit is found", || found(&addr, "refresh_cache"));
    let (_, callers) = get(&addr, "/api/callers?symbol=helper");
    assert!(
        names(&callers, "hops").contains(&"refresh_cache".to_string()),
        "callers current: {callers}"
    );
    let (_, hits) = get(&addr, "/api/search?query=refresh_cache&limit=5");
    assert!(
        names(&hits, "hits").contains(&"refresh_cache".to_string()),
        "search current: {hits}"
    );
    // Asked again, the answer comes from the cache, which stays within
    // its bytes; the deletion below asks once more and must not get it.
    // (A late file event may re-index once more and rightly empty the
    // cache in between: ask until an answer is served from it.)
    let search_hits = |stats: &Value| {
        stats["caches"]
            .as_array()
            .and_then(|caches| caches.iter().find(|c| c["name"] == "search_results"))
            .and_then(|c| c["hits"].as_u64())
            .unwrap_or(0)
    };
    let mut stats = Value::Null;
    for _ in 0..5 {
        let (_, again) = get(&addr, "/api/search?query=refresh_cache&limit=5");
        assert_eq!(names(&again, "hits"), names(&hits, "hits"));
        stats = get(&addr, "/api/stats").1;
        if search_hits(&stats) >= 1 {
            break;
        }
    }
    assert!(search_hits(&stats) >= 1, "{stats}");
    let caches = stats["caches"].as_array().expect("stats lists the caches");
    for cache in caches {
        assert!(
            cache["bytes"].as_u64() <= cache["capacity_bytes"].as_u64(),
            "{cache}"
        );
    }
    assert!(caches
        .iter()
        .any(|c| c["name"] == "nodes" && c["hits"].as_u64() > Some(0)));

    // A deletion: gone from lookups, callers and search.
    std::fs::remove_file(root.join("app/main.py")).unwrap();
    eventually("the deletion is seen", || !found(&addr, "refresh_cache"));
    let (_, callers) = get(&addr, "/api/callers?symbol=helper");
    assert!(
        names(&callers, "hops").is_empty(),
        "no stale callers: {callers}"
    );
    let (_, hits) = get(&addr, "/api/search?query=refresh_cache&limit=5");
    assert!(
        !names(&hits, "hits").contains(&"refresh_cache".to_string()),
        "no stale search hit: {hits}"
    );

    // A branch switch: hundreds of files at once, in a new directory.
    for i in 0..300 {
        write(
            &root,
            &format!("feature/mod_{i}.py"),
            &format!("from app.util import helper\n\ndef feature_{i}():\n    return helper()\n"),
        );
    }
    eventually("every new file is indexed", || {
        let (_, stats) = get(&addr, "/api/stats");
        stats["files"] == 301
    });
    assert!(found(&addr, "feature_0") && found(&addr, "feature_299"));
    let (_, callers) = get(&addr, "/api/callers?symbol=helper&limit=1000");
    assert_eq!(names(&callers, "hops").len(), 300);

    // ...and back: the directory goes (as a rename away would take it).
    std::fs::rename(root.join("feature"), dir.path().join("elsewhere")).unwrap();
    eventually("the directory is gone", || {
        let (_, stats) = get(&addr, "/api/stats");
        stats["files"] == 1
    });
    assert!(!found(&addr, "feature_7"));

    // SIGTERM ends it cleanly (the index closed, the exit code 0).
    let pid = server.0.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve --watch did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}
