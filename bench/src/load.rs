//! The push load generator's work (`push-load`, `src/bin/push_load.rs`;
//! `bench/load/run.sh` runs it and writes `bench/RESULTS.md`).
//!
//! Many phones (the core's `PushService`, one per device, sharing one HTTP
//! connection pool as a load generator must) and relying parties doing
//! whole round trips at a fixed concurrency against servers on this
//! machine: the relying party creates a sign-in, the phone fetches it with
//! a signed request and verifies the server's signature and expiry,
//! approves with the number (signed), and the relying party reads
//! `approved`. Each of the `C` workers owns a disjoint share of the
//! devices and runs one round trip after another, device after device, so
//! no user ever has two sign-ins open at once. With several server
//! instances, device `i` is activated at instance `i mod K` (and talks to
//! it from then on) while its relying party uses the next instance: every
//! sign-in is created and read on one instance and fetched and answered on
//! another.
//!
//! Bounded: at most [`MAX_DEVICES`] devices, [`MAX_CONCURRENCY`] workers,
//! [`MAX_DURATION`] of load, and only loopback URLs ([`loopback_url`]).
//! Failures are counted by stage and kind, never retried (the phones'
//! client runs without retries): a documented refusal (a protocol error
//! code other than `internal`) is kept apart from everything else.

use std::{
    collections::BTreeMap,
    future::Future,
    net::IpAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use watchword_core::{
    otp::SystemClock,
    push::{
        Activation, Answer, ErrorCode, MemoryPushStore, PushError, PushService,
        client::{ClientConfig, ServerClient},
        protocol::{
            ACTIVATE_PATH, ChallengeStatus, ChallengeStatusResponse, CreateChallengeResponse,
            ErrorBody,
        },
    },
};

use crate::{
    privacyidea::{self, PiDevice, PiRelyingParty},
    stats,
};

/// Most devices one run enrols.
pub const MAX_DEVICES: usize = 100_000;
/// Most round trips in flight at once.
pub const MAX_CONCURRENCY: usize = 1024;
/// Longest load phase (warm-up included).
pub const MAX_DURATION: Duration = Duration::from_secs(600);

/// A phone: the core's push service over an in-memory store.
pub type Phone = PushService<Arc<MemoryPushStore>>;

/// Why one round trip (or activation) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Which call failed (`create`, `device_fetch`, ...).
    pub stage: &'static str,
    /// What happened: the protocol's error code for a refusal, else a
    /// short description (`network`, `http_500 (not JSON)`, ...).
    pub kind: String,
    /// A documented refusal: the server answered with one of the
    /// protocol's error codes (`docs/push-protocol.md`) other than
    /// `internal`.
    pub documented: bool,
}

impl Failure {
    /// Anything but a documented refusal.
    pub fn other(stage: &'static str, kind: impl Into<String>) -> Self {
        Self {
            stage,
            kind: kind.into(),
            documented: false,
        }
    }

    /// The server refused with `code`.
    pub fn refusal(stage: &'static str, code: ErrorCode) -> Self {
        Self {
            stage,
            kind: code.as_str().to_owned(),
            documented: code != ErrorCode::Internal,
        }
    }

    fn key(&self) -> String {
        format!("{}: {}", self.stage, self.kind)
    }
}

/// The failure a phone's call came back with.
pub fn push_failure(stage: &'static str, e: &PushError) -> Failure {
    match e {
        PushError::Refused { code, .. } => Failure::refusal(stage, *code),
        PushError::Network(_) => Failure::other(stage, "network"),
        PushError::Protocol(_) => Failure::other(stage, "unexpected reply"),
        PushError::BadServerSignature(_) => Failure::other(stage, "bad server signature"),
        PushError::Expired(_) => Failure::other(stage, "expired on the device"),
        other => {
            // The variant's name: enough to tell kinds apart.
            let debug = format!("{other:?}");
            let name = debug
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("error");
            Failure::other(stage, name.to_owned())
        }
    }
}

/// `url` without a trailing `/`, if its host is this machine (127.0.0.0/8,
/// `::1` or `localhost`); the generator talks to nothing else.
pub fn loopback_url(url: &str) -> Result<String, String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url}: not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("{url}: not an http(s) URL"));
    }
    let host = parsed.host_str().unwrap_or("");
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let local = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !local {
        return Err(format!(
            "{url}: not a loopback address; the load generator only talks to this machine \
             (127.0.0.0/8, ::1, localhost)"
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// How long and how hard to load.
#[derive(Debug, Clone)]
pub struct Load {
    /// Round trips in flight at once (one worker each).
    pub concurrency: usize,
    /// Round trips run but not measured at the start.
    pub warmup: Duration,
    /// The measured phase.
    pub duration: Duration,
    /// Stop after this many measured round trips, if sooner.
    pub max_rounds: Option<u64>,
    /// Server processes on this machine whose memory and CPU time to report.
    pub server_pids: Vec<u32>,
}

impl Load {
    /// Refuses settings outside the generator's bounds.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=MAX_CONCURRENCY).contains(&self.concurrency) {
            return Err(format!("concurrency must be 1..={MAX_CONCURRENCY}"));
        }
        if self.duration.is_zero() || self.warmup + self.duration > MAX_DURATION {
            return Err(format!(
                "warm-up + duration must be over 0 and at most {} s",
                MAX_DURATION.as_secs()
            ));
        }
        Ok(())
    }
}

/// An activation code the server issued (a line of `watchword-server
/// enrol --users-file ... --json`).
#[derive(Debug, Clone)]
pub struct Issued {
    /// The user.
    pub user: String,
    /// The enrolment id (the last part of the activation URL).
    pub enrolment_id: String,
    /// The 9-digit code.
    pub code: String,
}

/// The issued codes in `text`, JSON lines as `enrol --json` prints them.
pub fn read_issued(text: &str) -> Result<Vec<Issued>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            let v: Value =
                serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
            let field = |name: &str| {
                v[name]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("line {}: no {name}", n + 1))
            };
            Ok(Issued {
                user: field("user")?,
                enrolment_id: field("enrolment_id")?,
                code: field("code")?,
            })
        })
        .collect()
}

/// The phones' HTTP client: default timeouts, no retries (a failure is
/// counted, not hidden).
pub fn phone_client() -> Result<ServerClient, String> {
    ServerClient::with_config(ClientConfig {
        retries: 0,
        ..ClientConfig::default()
    })
    .map_err(|e| e.to_string())
}

/// One activated Watchword device.
struct WwDevice {
    phone: Phone,
    user: String,
    /// The instance it was activated at (and talks to).
    instance: usize,
}

/// What the Watchword round trips share.
struct WwContext {
    servers: Vec<String>,
    rp_key: String,
    http: reqwest::Client,
}

impl WwContext {
    async fn create(&self, base: &str, user: &str) -> Result<CreateChallengeResponse, Failure> {
        let r = self
            .http
            .post(format!("{base}/v1/challenges"))
            .bearer_auth(&self.rp_key)
            .json(&watchword_tests::push::sign_in(user, Some(true)))
            .send()
            .await
            .map_err(|_| Failure::other("create", "network"))?;
        decode("create", r).await
    }

    async fn status(&self, base: &str, id: &str) -> Result<ChallengeStatusResponse, Failure> {
        let r = self
            .http
            .get(format!("{base}/v1/challenges/{id}"))
            .bearer_auth(&self.rp_key)
            .send()
            .await
            .map_err(|_| Failure::other("status", "network"))?;
        decode("status", r).await
    }

    /// One whole round trip for `device`; the time of each of its four
    /// calls.
    async fn round_trip(&self, device: &WwDevice) -> Result<[Duration; 4], Failure> {
        let rp_base = &self.servers[(device.instance + 1) % self.servers.len()];
        let t0 = Instant::now();
        let c = self.create(rp_base, &device.user).await?;
        let t1 = Instant::now();
        let pending = device
            .phone
            .pending()
            .await
            .map_err(|e| push_failure("device_fetch", &e))?;
        if !pending.iter().any(|p| p.id == c.id) {
            return Err(Failure::other("device_fetch", "challenge not shown"));
        }
        let t2 = Instant::now();
        device
            .phone
            .respond(&c.id, &Answer::approve(c.number))
            .await
            .map_err(|e| push_failure("device_answer", &e))?;
        let t3 = Instant::now();
        let s = self.status(rp_base, &c.id).await?;
        if s.status != ChallengeStatus::Approved {
            return Err(Failure::other(
                "status",
                format!("not approved ({})", s.status.as_str()),
            ));
        }
        Ok([t1 - t0, t2 - t1, t3 - t2, t3.elapsed()])
    }
}

/// A relying-party reply: the body, or the refusal.
async fn decode<T: serde::de::DeserializeOwned>(
    stage: &'static str,
    r: reqwest::Response,
) -> Result<T, Failure> {
    let status = r.status();
    let bytes = r
        .bytes()
        .await
        .map_err(|_| Failure::other(stage, "network"))?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|_| {
            Failure::other(stage, format!("http_{} unexpected body", status.as_u16()))
        });
    }
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(e) => Err(Failure::refusal(stage, e.error.code)),
        Err(_) => Err(Failure::other(
            stage,
            format!("http_{} (no error body)", status.as_u16()),
        )),
    }
}

/// Failures by `stage: kind`, and how many were documented refusals.
#[derive(Debug, Default)]
struct Failures {
    by_kind: BTreeMap<String, u64>,
    documented: u64,
    other: u64,
}

impl Failures {
    fn add(&mut self, f: &Failure) {
        *self.by_kind.entry(f.key()).or_default() += 1;
        if f.documented {
            self.documented += 1;
        } else {
            self.other += 1;
        }
    }

    fn merge(&mut self, o: Failures) {
        for (k, n) in o.by_kind {
            *self.by_kind.entry(k).or_default() += n;
        }
        self.documented += o.documented;
        self.other += o.other;
    }

    fn json(&self) -> Value {
        json!({
            "by_kind": self.by_kind,
            "documented_refusals": self.documented,
            "other": self.other,
        })
    }
}

/// What the workers measured.
#[derive(Default)]
struct Measured {
    times: Vec<Duration>,
    phases: [Duration; 4],
    failures: Failures,
    /// Failed round trips during the warm-up (also in `failures`).
    warmup_failures: u64,
}

/// Runs `round` over `devices` with `load.concurrency` workers, each
/// owning devices `w, w + C, w + 2C, ...`; returns what was measured and
/// the measured phase's length.
async fn drive<D, F, Fut>(load: &Load, devices: Vec<D>, round: F) -> (Measured, Duration)
where
    D: Send + Sync + 'static,
    F: Fn(Arc<D>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<[Duration; 4], Failure>> + Send,
{
    let c = load.concurrency;
    let mut shares: Vec<Vec<Arc<D>>> = (0..c).map(|_| Vec::new()).collect();
    for (i, d) in devices.into_iter().enumerate() {
        shares[i % c].push(Arc::new(d));
    }
    let start = Instant::now();
    let warm_end = start + load.warmup;
    let end = warm_end + load.duration;
    let counted = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for share in shares.into_iter().filter(|s| !s.is_empty()) {
        let round = round.clone();
        let counted = counted.clone();
        let max = load.max_rounds;
        tasks.push(tokio::spawn(async move {
            let mut m = Measured::default();
            for k in 0.. {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let measured = t0 >= warm_end;
                if measured && max.is_some_and(|max| counted.fetch_add(1, Ordering::Relaxed) >= max)
                {
                    break;
                }
                match round(share[k % share.len()].clone()).await {
                    Ok(phases) if measured => {
                        m.times.push(t0.elapsed());
                        for (sum, p) in m.phases.iter_mut().zip(phases) {
                            *sum += p;
                        }
                    }
                    Ok(_) => {}
                    Err(f) => {
                        m.failures.add(&f);
                        if !measured {
                            m.warmup_failures += 1;
                        }
                        // Not a hot loop against a server that refuses.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            }
            m
        }));
    }
    let mut all = Measured::default();
    for t in tasks {
        match t.await {
            Ok(m) => {
                all.times.extend(m.times);
                for (sum, p) in all.phases.iter_mut().zip(m.phases) {
                    *sum += p;
                }
                all.failures.merge(m.failures);
                all.warmup_failures += m.warmup_failures;
            }
            Err(e) => all
                .failures
                .add(&Failure::other("worker", format!("panicked: {e}"))),
        }
    }
    let measured = Instant::now().saturating_duration_since(warm_end);
    (all, measured)
}

/// Memory (`VmRSS`, `VmHWM`, MiB) of process `pid`, from `/proc`.
pub fn memory(pid: u32) -> Value {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return Value::Null;
    };
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    json!({"rss_mib": field("VmRSS:"), "hwm_mib": field("VmHWM:")})
}

/// CPU time (user + system, seconds) process `pid` has used so far.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): state is
    // field 3, utime 14, stime 15. Linux reports them in USER_HZ (100).
    let rest = &text[text.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The processes' CPU seconds now: the servers', then this one's.
fn cpu_now(pids: &[u32]) -> Vec<Option<f64>> {
    pids.iter()
        .copied()
        .chain([std::process::id()])
        .map(cpu_seconds)
        .collect()
}

/// The report's common part: settings, round trips, latency, phases,
/// failures, the processes' CPU during the measured phase.
fn report(
    load: &Load,
    m: Measured,
    measured: Duration,
    phase_names: [&str; 4],
    cpu_before: &[Option<f64>],
) -> Value {
    let cpu_after = cpu_now(&load.server_pids);
    let cpu: Vec<Option<f64>> = cpu_before
        .iter()
        .zip(&cpu_after)
        .map(|(a, b)| Some(b.as_ref()? - a.as_ref()?))
        .collect();
    let n = m.times.len();
    let phases: serde_json::Map<String, Value> = phase_names
        .iter()
        .zip(m.phases)
        .map(|(name, sum)| {
            let mean = if n == 0 {
                0.0
            } else {
                sum.as_secs_f64() * 1000.0 / n as f64
            };
            ((*name).to_owned(), json!(mean))
        })
        .collect();
    let per_s = n as f64 / measured.as_secs_f64().max(1e-9);
    let servers: Vec<Value> = load
        .server_pids
        .iter()
        .zip(&cpu)
        .map(|(pid, cpu)| json!({"pid": pid, "memory": memory(*pid), "cpu_s": cpu}))
        .collect();
    json!({
        "concurrency": load.concurrency,
        "warmup_s": load.warmup.as_secs_f64(),
        "measured_s": measured.as_secs_f64(),
        "round_trips": n,
        "throughput_per_s": per_s,
        "latency": stats::summary(m.times),
        "phases_mean_ms": phases,
        "failures": m.failures.json(),
        "warmup_failures": m.warmup_failures,
        "server_processes": servers,
        "generator": {
            "cpu_s": cpu.last().copied().flatten(),
            "memory": memory(std::process::id()),
        },
    })
}

/// Runs `work` on up to `parallel` tasks over `items`, in order of
/// `items`; returns each item's result.
async fn in_parallel<I, T, F, Fut>(items: Vec<I>, parallel: usize, work: F) -> Vec<T>
where
    I: Send + Sync + 'static,
    T: Send + 'static,
    F: Fn(usize, Arc<I>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send,
{
    let items: Arc<Vec<Arc<I>>> = Arc::new(items.into_iter().map(Arc::new).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..parallel.clamp(1, items.len().max(1)) {
        let (items, next, work) = (items.clone(), next.clone(), work.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                done.push((i, work(i, item.clone()).await));
            }
            done
        }));
    }
    let mut out: Vec<(usize, T)> = Vec::with_capacity(items.len());
    for t in tasks {
        if let Ok(done) = t.await {
            out.extend(done);
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, t)| t).collect()
}

/// The Watchword run: activates a phone for every issued code (device
/// `i` at `servers[i mod K]`, `parallel` at a time, over the real
/// activation protocol), then loads. Returns the JSON report.
pub async fn run_watchword(
    servers: Vec<String>,
    rp_key: String,
    issued: Vec<Issued>,
    parallel: usize,
    load: &Load,
) -> Result<Value, String> {
    load.check()?;
    if servers.is_empty() {
        return Err("no server URL".into());
    }
    if issued.is_empty() || issued.len() > MAX_DEVICES {
        return Err(format!("devices must be 1..={MAX_DEVICES}"));
    }
    let servers: Vec<String> = servers
        .iter()
        .map(|s| loopback_url(s))
        .collect::<Result<_, _>>()?;
    watchword_core::push::client::install_ring_provider();
    let client = phone_client()?;
    let n = issued.len();
    let t0 = Instant::now();
    let k = servers.len();
    let shared = (servers.clone(), client);
    let results = in_parallel(issued, parallel, move |i, e: Arc<Issued>| {
        let (servers, client) = shared.clone();
        async move {
            let instance = i % k;
            let url = format!("{}{ACTIVATE_PATH}{}", servers[instance], e.enrolment_id);
            let a = Activation::from_code_and_url(&e.code, &url)
                .map_err(|e| Failure::other("activate", e.to_string()))?;
            let phone = PushService::with_client(
                Arc::new(MemoryPushStore::new()),
                client,
                Arc::new(SystemClock),
            );
            phone
                .activate(&a, &format!("load phone {i}"), None)
                .await
                .map_err(|e| push_failure("activate", &e))?;
            Ok::<_, Failure>(WwDevice {
                phone,
                user: e.user.clone(),
                instance,
            })
        }
    })
    .await;
    let activation_s = t0.elapsed().as_secs_f64();
    let mut failed = Failures::default();
    let devices: Vec<WwDevice> = results
        .into_iter()
        .filter_map(|r| r.map_err(|f| failed.add(&f)).ok())
        .collect();
    let after_activation: Vec<Value> = load
        .server_pids
        .iter()
        .map(|p| json!({"pid": p, "memory": memory(*p)}))
        .collect();
    if devices.is_empty() {
        return Err(format!(
            "no device could be activated: {}",
            failed.json()["by_kind"]
        ));
    }
    let active = devices.len();
    let context = Arc::new(WwContext {
        servers: servers.clone(),
        rp_key,
        http: reqwest::Client::new(),
    });
    let cpu_before = cpu_now(&load.server_pids);
    let (m, measured) = drive(load, devices, move |d: Arc<WwDevice>| {
        let context = context.clone();
        async move { context.round_trip(&d).await }
    })
    .await;
    let mut out = report(
        load,
        m,
        measured,
        ["create", "device_fetch", "device_answer", "status"],
        &cpu_before,
    );
    out["target"] = json!("watchword");
    out["servers"] = json!(servers);
    out["devices"] = json!(active);
    out["activation"] = json!({
        "issued": n,
        "activated": active,
        "seconds": activation_s,
        "per_s": active as f64 / activation_s.max(1e-9),
        "failures": failed.json(),
        "server_processes": after_activation,
    });
    Ok(out)
}

/// The privacyIDEA run at the same concurrency: a push token for each of
/// `users` (the phone makes its RSA-4096 key, as privacyIDEA's app does),
/// `parallel` enrolments at a time, then the same load. Returns the JSON
/// report.
pub async fn run_privacyidea(
    pi: watchword_tests::privacyidea::PiServer,
    users: Vec<String>,
    parallel: usize,
    load: &Load,
) -> Result<Value, String> {
    load.check()?;
    if users.is_empty() || users.len() > MAX_DEVICES {
        return Err(format!("devices must be 1..={MAX_DEVICES}"));
    }
    let url = loopback_url(&pi.url)?;
    let client = phone_client()?;
    let n = users.len();
    let t0 = Instant::now();
    let shared = (pi, client);
    let results = in_parallel(users, parallel, move |_, user: Arc<String>| {
        let (pi, client) = shared.clone();
        async move { privacyidea::enrol_device(&pi, client, &user, "1234").await }
    })
    .await;
    let enrol_s = t0.elapsed().as_secs_f64();
    let mut errors = Vec::new();
    let devices: Vec<PiDevice> = results
        .into_iter()
        .filter_map(|r| r.map_err(|e| errors.push(e)).ok())
        .collect();
    if devices.is_empty() {
        return Err(format!(
            "no privacyIDEA device could be enrolled: {errors:?}"
        ));
    }
    let active = devices.len();
    let rp = Arc::new(PiRelyingParty::new(&url));
    let cpu_before = cpu_now(&load.server_pids);
    let (m, measured) = drive(load, devices, move |d: Arc<PiDevice>| {
        let rp = rp.clone();
        async move {
            let p = privacyidea::round_trip(&rp, &d).await?;
            Ok([p.check, p.phone_poll, p.phone_answer, p.status_poll])
        }
    })
    .await;
    let mut out = report(
        load,
        m,
        measured,
        ["check", "phone_poll", "phone_answer", "status_poll"],
        &cpu_before,
    );
    out["target"] = json!("privacyidea");
    out["servers"] = json!([url]);
    out["devices"] = json!(active);
    out["activation"] = json!({
        "issued": n,
        "activated": active,
        "seconds": enrol_s,
        "per_s": active as f64 / enrol_s.max(1e-9),
        "failures": errors,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback() {
        for ok in [
            "http://127.0.0.1:8470",
            "http://127.0.0.2:1/",
            "http://[::1]:5000",
            "http://localhost:80",
            "https://127.0.0.1",
        ] {
            assert!(loopback_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            loopback_url("http://127.0.0.1:8470/").as_deref(),
            Ok("http://127.0.0.1:8470")
        );
        for bad in [
            "http://192.0.2.1:8470",
            "http://example.com",
            "http://10.0.0.1",
            "http://127.0.0.1.example.com",
            "ftp://127.0.0.1",
            "127.0.0.1:8470",
        ] {
            assert!(loopback_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds() {
        let load = Load {
            concurrency: 4,
            warmup: Duration::from_secs(1),
            duration: Duration::from_secs(2),
            max_rounds: None,
            server_pids: vec![],
        };
        assert!(load.check().is_ok());
        for bad in [
            Load {
                concurrency: 0,
                ..load.clone()
            },
            Load {
                concurrency: MAX_CONCURRENCY + 1,
                ..load.clone()
            },
            Load {
                duration: MAX_DURATION,
                ..load.clone()
            },
            Load {
                duration: Duration::ZERO,
                ..load.clone()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn issued_codes_from_enrol_json() {
        let text =
            "{\"user\":\"u1\",\"enrolment_id\":\"eab\",\"code\":\"123456789\",\"url\":\"x\"}\n\n";
        let v = read_issued(text).unwrap_or_default();
        assert_eq!(v.len(), 1);
        assert_eq!(
            (
                v[0].user.as_str(),
                v[0].enrolment_id.as_str(),
                v[0].code.as_str()
            ),
            ("u1", "eab", "123456789")
        );
        assert!(read_issued("{\"user\":\"u1\"}").is_err());
    }
}
