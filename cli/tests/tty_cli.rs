//! `watchword` on a terminal, as a person runs it: the binary gets a
//! pseudo-terminal for stdin and stdout, and the test reads back what the
//! screen would show. `demo` waits for Enter before the sign-in is raised,
//! its countdown is one line redrawn in place, a "Not understood" stays on
//! the screen, and a denied sign-in exits non-zero. `init` refuses an empty
//! passphrase at the first prompt.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    fs::File,
    io::{Read, Write},
    os::unix::fs::OpenOptionsExt,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use rustix::{
    fs::OFlags,
    pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt},
    termios::{Winsize, tcsetwinsize},
};
use watchword_testkit::screen_of;

/// The width of the test's terminal: the approval question (88
/// characters) wraps, as it does in a default 80-column window.
const COLUMNS: u16 = 80;

/// A child process on a pseudo-terminal, and everything it wrote there.
struct OnTty {
    child: Child,
    master: File,
    screen: Arc<Mutex<Vec<u8>>>,
}

impl OnTty {
    /// Runs `watchword ARGS` with stdin and stdout on a new terminal
    /// (stderr piped apart).
    fn spawn(args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_watchword"));
        command.args(args);
        Self::spawn_command(command)
    }

    /// Runs `command` with stdin and stdout on a new terminal (stderr
    /// piped apart).
    fn spawn_command(mut command: Command) -> Self {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        tcsetwinsize(
            &master,
            Winsize {
                ws_row: 24,
                ws_col: COLUMNS,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )
        .unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            // Not the test process's controlling terminal.
            .custom_flags(OFlags::NOCTTY.bits() as i32)
            .open(name.to_str().unwrap())
            .unwrap();
        let child = command
            .env_remove("WATCHWORD_VAULT")
            .env_remove("WATCHWORD_PASSPHRASE")
            .stdin(slave.try_clone().unwrap())
            .stdout(slave)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let master = File::from(master);
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut from = master.try_clone().unwrap();
        let into = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // EIO once the child has closed the terminal.
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 {
                    break;
                }
                into.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            child,
            master,
            screen,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned()
    }

    /// Waits until the output holds `wanted`; fails at once when it holds
    /// `instead` first, or after 90 s (a debug build starting its server).
    fn wait_for(&self, wanted: &str, instead: &str) {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.contains(wanted) {
                return;
            }
            assert!(
                instead.is_empty() || !text.contains(instead),
                "{instead:?} came before {wanted:?}:\n{text}"
            );
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "no {wanted:?} in:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `keys` on the terminal (Enter is `\r`, as a keyboard sends it).
    fn type_keys(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
    }

    /// Waits for the exit, at most 90 s, failing at once if the screen
    /// shows `instead`; returns (success, stderr, screen lines).
    fn finish_unless(mut self, instead: &str) -> (bool, String, Vec<String>) {
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            let text = self.text();
            let stuck = (!instead.is_empty() && text.contains(instead))
                || start.elapsed() > Duration::from_secs(90);
            if stuck {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("still running, expected it to end before {instead:?}:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.finish()
    }

    /// Waits for the exit; returns (success, stderr, screen lines).
    fn finish(self) -> (bool, String, Vec<String>) {
        let out = self.child.wait_with_output().unwrap();
        // The last bytes the child wrote may still be on their way.
        std::thread::sleep(Duration::from_millis(200));
        let text = String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned();
        (
            out.status.success(),
            String::from_utf8(out.stderr).unwrap(),
            screen_of(&text, Some(usize::from(COLUMNS))),
        )
    }
}

#[test]
fn the_demo_waits_for_enter_keeps_the_screen_tidy_and_a_denial_fails() {
    let mut tty = OnTty::spawn(&["demo"]);
    // The phone is ready; the sign-in (and its 60 s) waits for Enter.
    tty.wait_for("Press Enter", "4. relying party");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !tty.text().contains("4. relying party"),
        "raised without Enter:\n{}",
        tty.text()
    );
    tty.type_keys("\r");
    tty.wait_for("Type the number", "");
    // A few countdown ticks, a line it cannot read, more ticks, then deny.
    std::thread::sleep(Duration::from_millis(2200));
    tty.type_keys("xyz\r");
    tty.wait_for("Not understood", "");
    std::thread::sleep(Duration::from_millis(2200));
    tty.type_keys("d\r");
    let (ok, stderr, screen) = tty.finish();
    let shown = screen.join("\n");

    assert!(!ok, "a denied sign-in exits non-zero:\n{shown}\n{stderr}");
    assert!(
        stderr.contains("error: not signed in: you denied the sign-in"),
        "{stderr}"
    );
    assert!(
        shown.contains("6. relying party     sees denied"),
        "{shown}"
    );

    // One countdown line, counted down in place, above the question.
    let countdown: Vec<usize> = (0..screen.len())
        .filter(|&i| screen[i].trim_end().ends_with(" s left"))
        .collect();
    assert_eq!(countdown.len(), 1, "one countdown line:\n{shown}");
    let at = countdown[0];
    let left: i64 = screen[at]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=57).contains(&left), "it counted down:\n{shown}");
    // Below it: the question with the bad line, the note that stays, the
    // question again with the answer.
    let q =
        "  Type the number shown on the sign-in screen (d = deny, f = report fraud, s = skip): ";
    assert_eq!(screen[at + 1], format!("{q}xyz"), "\n{shown}");
    assert_eq!(screen[at + 2], "  Not understood: \"xyz\".", "\n{shown}");
    assert_eq!(screen[at + 3], format!("{q}d"), "\n{shown}");
}

#[test]
fn with_yes_the_demo_does_not_wait_on_a_terminal() {
    let tty = OnTty::spawn(&["demo", "--yes"]);
    let (ok, stderr, screen) = tty.finish();
    let shown = screen.join("\n");
    assert!(ok, "{shown}\n{stderr}");
    assert!(!shown.contains("Press Enter"), "{shown}");
    assert!(
        shown.contains("Signed in: the relying party lets the user in."),
        "{shown}"
    );
}

#[test]
fn an_empty_passphrase_is_refused_at_the_first_prompt() {
    // The passphrase prompt reads the controlling terminal (/dev/tty), so
    // the terminal must be that: `setsid --ctty` makes it so.
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.db");
    let mut command = Command::new("setsid");
    command
        .args(["--ctty", env!("CARGO_BIN_EXE_watchword"), "--vault"])
        .arg(&vault)
        .args(["init", "--kdf-memory-kib", "8", "--kdf-iterations", "1"]);
    let mut tty = OnTty::spawn_command(command);
    tty.wait_for("Vault passphrase: ", "");
    tty.type_keys("\r");
    let (ok, stderr, screen) = tty.finish_unless("Repeat");
    let shown = screen.join("\n");
    assert!(!ok, "{shown}\n{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "error: the passphrase is empty",
        "{shown}"
    );
    assert!(!shown.contains("Repeat"), "asked once: {shown}");
    assert!(!vault.exists());
}
