//! The interactive "Approve sign-in?" prompt: the context, a live
//! countdown, and the number from the sign-in screen (or deny / fraud).
//! Used by `approve` and by `demo` without `--yes`.
//!
//! On a terminal the countdown is one line above the question, redrawn in
//! place; everything else the prompt prints (a "Not understood", a wrong
//! number) goes on its own line below and stays, and the question is shown
//! again under it. The redraw goes up as many screen rows as were printed
//! since, counting the rows a long line wraps into at the terminal's width. Not on a terminal, the time left is printed once and
//! never redrawn, so a log holds no escape codes and no countdown lines.

use std::{io::Write, time::Duration};

use tokio::sync::mpsc;
use watchword_core::{
    ApiError,
    push::{Answer, ChallengeState, PendingChallenge, PushError, PushService, PushStore},
};

use super::push_common::{Narrator, utc};

/// What the user chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// An answer: approve (with the typed number if the sign-in needs
    /// one), deny or fraud.
    Answer(Answer),
    /// Skip this one (`s`): it stays open on the server.
    Skip,
    /// Time ran out before an answer.
    Expired,
    /// Input ended.
    Closed,
}

/// How one request's prompt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// The server took this answer; the request's state on the phone.
    Answered(Answer, ChallengeState),
    /// Time ran out before an answer.
    Expired,
    /// Skipped with `s`: still open on the server.
    Skipped,
    /// Input ended before an answer: still open on the server.
    Closed,
}

/// Lines from stdin, read on a plain thread so the countdown keeps going.
pub struct LineReader {
    rx: mpsc::UnboundedReceiver<String>,
}

impl LineReader {
    /// Starts reading stdin.
    pub fn start() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            let mut line = String::new();
            loop {
                line.clear();
                match stdin.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        // As typed (the prompt counts the rows its echo
                        // took); only the line end goes.
                        let typed = line.trim_end_matches(['\r', '\n']).to_owned();
                        if tx.send(typed).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Self { rx }
    }

    /// The next line (without its line end), or `None` once input has
    /// ended.
    pub async fn next_line(&mut self) -> Option<String> {
        self.rx.recv().await
    }
}

/// Whether stdin is a terminal (someone can press Enter on it).
pub fn stdin_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal()
}

/// What the prompt may assume about where it writes and reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    /// The prompt is shown on a terminal: the countdown is redrawn in place.
    pub live: bool,
    /// The typed answer and its Enter already appear on that terminal (the
    /// terminal echoes them); otherwise the prompt prints the line it read,
    /// so what follows starts on a line of its own.
    pub echoes: bool,
    /// The terminal's width in columns, when known: a longer line wraps
    /// into more rows.
    pub width: Option<usize>,
}

impl Screen {
    /// The screen of `n`'s output, with answers read from stdin.
    pub fn of(n: &Narrator) -> Self {
        let live = n.is_terminal();
        Self {
            live,
            echoes: live && stdin_is_terminal(),
            width: n.width(),
        }
    }
}

/// Shows the request.
pub fn show(n: &Narrator, c: &PendingChallenge, now: i64) {
    n.say("");
    n.say("  Approve sign-in?");
    n.say(&format!("    account   {}", c.account));
    n.say(&format!("    app       {}", c.app));
    if !c.location.is_empty() {
        n.say(&format!("    location  {}", c.location));
    }
    if !c.ip.is_empty() {
        n.say(&format!("    IP        {}", c.ip));
    }
    n.say(&format!("    time      {}", utc(c.created_at)));
    n.say(&format!("    expires   in {} s", c.seconds_left(now)));
}

/// The question line for a sign-in that does (or does not) show a number.
pub fn question(needs_number: bool) -> &'static str {
    if needs_number {
        "  Type the number shown on the sign-in screen (d = deny, f = report fraud, s = skip): "
    } else {
        "  Approve? [y = approve, d = deny, f = report fraud, s = skip]: "
    }
}

/// The prompt for one sign-in request, asked as often as it takes (a
/// wrong number asks again) under one countdown line.
pub struct Prompt<W: Write> {
    out: W,
    screen: Screen,
    needs_number: bool,
    expires_at: i64,
    /// How often the countdown is redrawn.
    tick: Duration,
    /// Whether the countdown line has been printed.
    started: bool,
    /// How many screen rows the cursor is below the countdown line (live
    /// only), so a redraw finds it however many notes were printed since.
    below: usize,
    /// The cursor's column, to know when a line wraps.
    col: usize,
}

impl<W: Write> Prompt<W> {
    /// A prompt for `c`, written to `out`.
    pub fn new(out: W, screen: Screen, c: &PendingChallenge) -> Self {
        Self::for_request(out, screen, c.needs_number, c.expires_at)
    }

    fn for_request(out: W, screen: Screen, needs_number: bool, expires_at: i64) -> Self {
        Self {
            out,
            screen,
            needs_number,
            expires_at,
            tick: Duration::from_secs(1),
            started: false,
            below: 0,
            col: 0,
        }
    }

    fn left(&self, now: i64) -> i64 {
        (self.expires_at - now).max(0)
    }

    fn write(&mut self, text: &str) {
        // A closed output is not worth failing the sign-in over.
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
        self.advance(text);
    }

    /// Moves the tracked cursor over `text` as a terminal prints it: a
    /// character past the last column starts a new row first.
    fn advance(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' {
                self.below += 1;
                self.col = 0;
                continue;
            }
            if self.screen.width.is_some_and(|w| self.col >= w) {
                self.below += 1;
                self.col = 0;
            }
            self.col += 1;
        }
    }

    /// Prints `text` on a line of its own that stays (a wrong number, a
    /// refusal); the next [`Prompt::ask`] shows the question again below it.
    pub fn note(&mut self, text: &str) {
        self.write(&format!("  {text}\n"));
    }

    fn redraw(&mut self, left: i64) {
        if self.screen.live {
            // Save the cursor, go up to the countdown line, rewrite it,
            // restore the cursor: what the user is typing stays as it is.
            // One write, so nothing lands in the middle of the sequence.
            let up = self.below;
            let text = format!("\x1b7\x1b[{up}A\r\x1b[K  {left} s left\x1b8");
            let _ = self.out.write_all(text.as_bytes());
            let _ = self.out.flush();
        }
    }

    /// Asks about request `id` and sends each answer through `service`
    /// until the server takes one: a refusal that leaves the request open
    /// (a wrong number) is noted under the question, which is asked again.
    /// The loop `approve` and `demo` share.
    pub async fn answer<S: PushStore>(
        &mut self,
        reader: &mut LineReader,
        service: &PushService<S>,
        id: &str,
    ) -> Result<Asked, ApiError> {
        let now = || service.now_for_challenge(id);
        loop {
            match self.ask(reader, now).await {
                Choice::Answer(answer) => match service.respond(id, &answer).await {
                    Ok(state) => return Ok(Asked::Answered(answer, state)),
                    Err(e @ PushError::Refused { .. })
                        if service
                            .tracked(id)
                            .is_some_and(|t| t.state == ChallengeState::Pending) =>
                    {
                        self.note(&ApiError::from(e).to_string());
                    }
                    Err(e) => return Err(e.into()),
                },
                Choice::Expired => return Ok(Asked::Expired),
                Choice::Skip => return Ok(Asked::Skipped),
                Choice::Closed => return Ok(Asked::Closed),
            }
        }
    }

    /// Asks until an answer, expiry or end of input. `now` gives the
    /// server-corrected time.
    pub async fn ask(&mut self, reader: &mut LineReader, now: impl Fn() -> i64) -> Choice {
        if !self.started {
            self.started = true;
            self.below = 0;
            self.col = 0;
            let left = self.left(now());
            self.write(&format!("  {left} s left\n"));
        }
        self.write(question(self.needs_number));
        let mut tick = tokio::time::interval(self.tick);
        // The first tick is immediate; the line was just drawn.
        tick.tick().await;
        loop {
            tokio::select! {
                line = reader.next_line() => {
                    let Some(typed) = line else {
                        // End the question line: what follows is not an answer.
                        self.write("\n");
                        return Choice::Closed;
                    };
                    let line = typed.trim();
                    if self.screen.echoes {
                        // The terminal showed the line and moved down.
                        self.advance(&format!("{typed}\n"));
                    } else {
                        self.write(&format!("{line}\n"));
                    }
                    if self.left(now()) == 0 {
                        self.redraw(0);
                        self.note("This sign-in request has expired.");
                        return Choice::Expired;
                    }
                    match parse(line, self.needs_number) {
                        Some(choice) => return choice,
                        None => {
                            self.note(&format!("Not understood: {line:?}."));
                            self.write(question(self.needs_number));
                        }
                    }
                }
                _ = tick.tick() => {
                    let left = self.left(now());
                    self.redraw(left);
                    if left == 0 {
                        self.write("\n");
                        self.note("This sign-in request has expired.");
                        return Choice::Expired;
                    }
                }
            }
        }
    }
}

/// Reads one answer line.
fn parse(line: &str, needs_number: bool) -> Option<Choice> {
    let l = line.trim().to_ascii_lowercase();
    match l.as_str() {
        "d" | "deny" | "n" | "no" => Some(Choice::Answer(Answer::deny())),
        "f" | "fraud" => Some(Choice::Answer(Answer::Fraud)),
        "s" | "skip" => Some(Choice::Skip),
        "y" | "yes" | "approve" if !needs_number => Some(Choice::Answer(Answer::approve(None))),
        _ if needs_number => l
            .parse::<u8>()
            .ok()
            .filter(|n| *n <= 99)
            .map(|n| Choice::Answer(Answer::approve(Some(n)))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::{Arc, Mutex},
        time::Instant,
    };

    use watchword_testkit::screen_of;

    use super::*;

    #[test]
    fn answers_are_parsed() {
        assert_eq!(
            parse("42", true),
            Some(Choice::Answer(Answer::approve(Some(42))))
        );
        assert_eq!(
            parse(" 07 ", true),
            Some(Choice::Answer(Answer::approve(Some(7))))
        );
        assert_eq!(parse("y", true), None);
        assert_eq!(parse("420", true), None);
        assert_eq!(
            parse("y", false),
            Some(Choice::Answer(Answer::approve(None)))
        );
        assert_eq!(parse("42", false), None);
        assert_eq!(parse("F", true), Some(Choice::Answer(Answer::Fraud)));
        assert_eq!(parse("deny", false), Some(Choice::Answer(Answer::deny())));
        assert_eq!(parse("s", true), Some(Choice::Skip));
    }

    /// A writer the test can read back while the prompt holds it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// Runs one prompt with `lines` typed `gap` apart, a countdown tick
    /// of `tick_ms` and a clock where each tick is one second; returns the
    /// choice and what was written.
    fn run_prompt(screen: Screen, lines: &[&str], gap: Duration, tick_ms: u64) -> (Choice, String) {
        let out = Shared::default();
        let (tx, rx) = mpsc::unbounded_channel();
        let lines: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        let echo = out.clone();
        std::thread::spawn(move || {
            for l in lines {
                std::thread::sleep(gap);
                // A terminal shows the typed line and its Enter as typed.
                if screen.echoes {
                    let mut e = echo.clone();
                    e.write_all(format!("{l}\n").as_bytes()).unwrap();
                }
                if tx.send(l).is_err() {
                    return;
                }
            }
            // Keep input open a while, as a person who has not typed yet.
            std::thread::sleep(gap * 4);
        });
        let mut reader = LineReader { rx };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let start = Instant::now();
        // One tick of real time is one second of the request's 60.
        let now = move || i64::try_from(start.elapsed().as_millis() / u128::from(tick_ms)).unwrap();
        let mut prompt = Prompt::for_request(out.clone(), screen, true, 60);
        prompt.tick = Duration::from_millis(tick_ms);
        let choice = rt.block_on(prompt.ask(&mut reader, now));
        (choice, out.text())
    }

    /// The lines a line the prompt cannot read leaves, then a `d`: the
    /// question with it, the note that stays, the question with `d`.
    fn not_understood_then_deny(typed: &str) -> Vec<String> {
        let q = question(true);
        vec![
            format!("{q}{typed}"),
            format!("  Not understood: {typed:?}."),
            format!("{q}d"),
        ]
    }

    /// The seconds of a `N s left` countdown line.
    fn seconds_left(line: &str) -> i64 {
        line.trim().split(' ').next().unwrap().parse().unwrap()
    }

    #[test]
    fn off_a_terminal_no_countdown_lines_and_the_input_is_shown() {
        let screen = Screen {
            live: false,
            echoes: false,
            width: None,
        };
        let (choice, out) = run_prompt(screen, &["maybe", "d"], Duration::from_millis(40), 10);
        assert_eq!(choice, Choice::Answer(Answer::deny()));
        assert!(!out.contains('\x1b'), "no escape codes: {out:?}");
        assert!(!out.contains('\r'), "{out:?}");
        assert_eq!(out.matches("s left").count(), 1, "{out:?}");
        assert_eq!(
            out.lines().skip(1).collect::<Vec<_>>(),
            not_understood_then_deny("maybe"),
            "{out:?}"
        );
    }

    #[test]
    fn on_a_terminal_one_countdown_line_and_not_understood_stays() {
        let screen = Screen {
            live: true,
            echoes: false,
            width: None,
        };
        // Several ticks before and after the bad line.
        let (choice, out) = run_prompt(screen, &["xyz", "d"], Duration::from_millis(80), 10);
        assert_eq!(choice, Choice::Answer(Answer::deny()));
        assert!(out.contains("\x1b[K"), "redrawn in place: {out:?}");
        let seen = screen_of(&out, screen.width);
        let countdown: Vec<_> = seen.iter().filter(|l| l.ends_with(" s left")).collect();
        assert_eq!(countdown.len(), 1, "one countdown line: {seen:#?}");
        let left = seconds_left(countdown[0]);
        assert!(left < 60, "it counted down: {seen:#?}");
        assert_eq!(seen[0], *countdown[0], "{seen:#?}");
        let mut expected = not_understood_then_deny("xyz");
        expected.push(String::new());
        assert_eq!(seen[1..], expected, "{seen:#?}");
    }

    #[test]
    fn with_a_terminal_echo_the_countdown_still_finds_its_line() {
        let screen = Screen {
            live: true,
            echoes: true,
            width: None,
        };
        // Slower ticks: a redraw between the echo and the line reaching
        // the prompt would be a (harmless, rare) race of the real
        // terminal too, but not one to test.
        let (choice, out) = run_prompt(screen, &["xyz", "d"], Duration::from_millis(130), 40);
        assert_eq!(choice, Choice::Answer(Answer::deny()));
        assert_eq!(out.matches("xyz\n").count(), 1, "only the echo: {out:?}");
        let seen = screen_of(&out, screen.width);
        assert!(seen[0].ends_with(" s left"), "{seen:#?}");
        assert_eq!(seen.iter().filter(|l| l.ends_with(" s left")).count(), 1);
        let mut expected = not_understood_then_deny("xyz");
        expected.push(String::new());
        assert_eq!(seen[1..], expected, "{seen:#?}");
    }

    #[test]
    fn time_running_out_is_said_once_on_its_own_line() {
        let screen = Screen {
            live: true,
            echoes: false,
            width: None,
        };
        // No answer in 60 "seconds" (600 ms).
        let (choice, out) = run_prompt(screen, &[], Duration::from_millis(400), 10);
        assert_eq!(choice, Choice::Expired);
        let seen = screen_of(&out, screen.width);
        assert_eq!(seen[0], "  0 s left", "{seen:#?}");
        assert_eq!(seen[2], "  This sign-in request has expired.", "{seen:#?}");
    }

    #[test]
    fn on_a_narrow_terminal_the_countdown_skips_the_wrapped_rows() {
        // The question is 88 characters: three rows at 40 columns, and the
        // typed line wraps too.
        let screen = Screen {
            live: true,
            echoes: true,
            width: Some(40),
        };
        let long = "this is not a number at all, it is long";
        let (choice, out) = run_prompt(screen, &[long, "d"], Duration::from_millis(130), 40);
        assert_eq!(choice, Choice::Answer(Answer::deny()));
        let seen = screen_of(&out, screen.width);
        assert!(seen[0].ends_with(" s left"), "{seen:#?}");
        let left = seconds_left(&seen[0]);
        assert!(left < 60, "it counted down: {seen:#?}");
        assert_eq!(seen.iter().filter(|l| l.contains(" s left")).count(), 1);
        let mut expected = not_understood_then_deny(long);
        expected.push(String::new());
        assert_eq!(seen[1..], expected, "{seen:#?}");
    }
}
