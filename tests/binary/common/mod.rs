//! Starts the real `ackbot` binary (`serve` on a free port, or as a Lambda function) and reads its
//! JSON log.

#![allow(dead_code)]

pub mod lambda_api;
pub mod moto;
pub mod runtime;
pub mod slack;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running `ackbot serve`.
pub struct Server {
    child: Child,
    pub url: String,
    logs: Arc<Mutex<Vec<Value>>>,
    _dir: TempDir,
}

impl Server {
    /// Starts `ackbot serve` with exactly these platform variables (none inherited) and JSON logs.
    pub fn start(env: &[(&str, &str)]) -> Server {
        Self::try_start(env).unwrap_or_else(|e| panic!("ackbot serve did not start: {e}"))
    }

    /// Like `start`, but returns the log text when the process exits before listening.
    pub fn try_start(env: &[(&str, &str)]) -> Result<Server, String> {
        let Spawned {
            mut child,
            logs,
            dir,
        } = spawn(&["serve", "--addr", "127.0.0.1:0"], env);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let addr = logs
                .lock()
                .unwrap()
                .iter()
                .find_map(|l| l.get("addr").and_then(Value::as_str).map(str::to_string));
            if let Some(addr) = addr {
                return Ok(Server {
                    child,
                    url: format!("http://{addr}"),
                    logs,
                    _dir: dir,
                });
            }
            if let Ok(Some(status)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                let text: Vec<String> =
                    logs.lock().unwrap().iter().map(|l| l.to_string()).collect();
                return Err(format!("exited with {status}: {}", text.join("\n")));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err("no `listening` log line within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs the binary as a Lambda function against the Runtime API at `runtime_api`.
    pub fn lambda(runtime_api: &str, env: &[(&str, &str)]) -> Server {
        let mut env = env.to_vec();
        env.push(("AWS_LAMBDA_RUNTIME_API", runtime_api));
        env.push(("AWS_LAMBDA_FUNCTION_NAME", "ackbot"));
        env.push(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"));
        env.push(("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"));
        env.push(("AWS_LAMBDA_LOG_STREAM_NAME", "test"));
        env.push(("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/ackbot"));
        let Spawned { child, logs, dir } = spawn(&[], &env);
        Server {
            child,
            url: String::new(),
            logs,
            _dir: dir,
        }
    }

    /// The edge's `GET /healthz` answer.
    pub async fn health(&self) -> Value {
        reqwest::get(format!("{}/healthz", self.url))
            .await
            .expect("the edge answers /healthz")
            .json()
            .await
            .expect("/healthz answers JSON")
    }

    /// Every log line so far.
    pub fn logs(&self) -> Vec<Value> {
        self.logs.lock().unwrap().clone()
    }

    /// The log lines that mention `request_id`.
    pub fn logs_for(&self, request_id: &str) -> Vec<Value> {
        self.logs()
            .into_iter()
            .filter(|l| l.get("request_id").and_then(Value::as_str) == Some(request_id))
            .collect()
    }

    /// The log lines that mention `request_id`, once there is one (within 10 s): an answer can
    /// reach the Runtime API before the thread reading the process's output has its log line.
    pub async fn logged_for(&self, request_id: &str) -> Vec<Value> {
        let wanted = |l: &Value| l.get("request_id").and_then(Value::as_str) == Some(request_id);
        self.wait_for_log(wanted, Duration::from_secs(10)).await;
        self.logs_for(request_id)
    }

    /// Waits for a log line matching `wanted`.
    pub async fn wait_for_log(
        &self,
        wanted: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self.logs().into_iter().find(|l| wanted(l)) {
                return Some(line);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The inspector's address with its token, as `serve` printed it on standard output.
    pub async fn inspector_login(&self) -> String {
        let line = self
            .wait_for_log(
                |l| l.as_str().is_some_and(|s| s.starts_with("inspector: ")),
                Duration::from_secs(10),
            )
            .await
            .expect("serve prints the inspector's address");
        line.as_str().unwrap()["inspector: ".len()..].to_string()
    }

    /// The process's resident memory now and at its peak, in bytes (`VmRSS`, `VmHWM`).
    pub fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the process is running");
        let field = |name: &str| -> u64 {
            let line = status.lines().find(|l| l.starts_with(name)).unwrap();
            let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
            kb * 1024
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Stops the server the way SIGTERM does and waits for its drain: every webhook it took has
    /// been handled and its replies sent by the time this returns, so what was not sent never
    /// will be. Panics unless the drain left nothing behind.
    #[allow(dead_code)] // not every test binary drains
    pub async fn drain(&mut self) {
        self.terminate();
        let status = self.wait_exit(Duration::from_secs(30)).await;
        assert!(
            status.is_some_and(|s| s.success()),
            "serve did not stop cleanly: {status:?}"
        );
        // The process has exited; the thread reading its output may still be on the last lines.
        let stopped = self
            .wait_for_log(|l| l["message"] == "stopped", Duration::from_secs(5))
            .await;
        let left = stopped.as_ref().and_then(|l| l["left"].as_u64());
        assert_eq!(left, Some(0), "the drain left work behind: {stopped:?}");
    }

    /// Waits for the process to exit.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new() -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "ackbot-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Spawned {
    child: Child,
    logs: Arc<Mutex<Vec<Value>>>,
    dir: TempDir,
}

/// Spawns the binary with `args`, JSON logs, and no SLACK_/LINE_/ACKBOT_/AWS_ variables but `env`.
fn spawn(args: &[&str], env: &[(&str, &str)]) -> Spawned {
    let dir = TempDir::new();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ackbot"));
    command
        .args(args)
        .current_dir(&dir.0) // no developer's .env is read
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars() {
        if ["SLACK_", "LINE_", "DISCORD_", "ACKBOT_", "AWS_"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            command.env_remove(name);
        }
    }
    command
        .env("ACKBOT_LOG_FORMAT", "json")
        .env("RUST_LOG", "info");
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("spawn ackbot");
    let logs: Arc<Mutex<Vec<Value>>> = Arc::default();
    // Logs on stderr, and on stdout what the binary prints there (the Lambda's metric lines).
    let stderr: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
    let stdout: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
    for stream in [stderr, stdout] {
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let value = serde_json::from_str(&line).unwrap_or(Value::String(line));
                sink.lock().unwrap().push(value);
            }
        });
    }
    Spawned { child, logs, dir }
}
