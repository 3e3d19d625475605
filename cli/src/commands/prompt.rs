//! The interactive "Approve sign-in?" prompt: the context, a live
//! countdown, and the number from the sign-in screen (or deny / fraud).
//! Used by `approve` and by `demo` without `--yes`.

use std::time::Duration;

use tokio::sync::mpsc;
use watchword_core::push::{Decision, PendingChallenge};

use super::push_common::{Narrator, utc};

/// What the user chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Approve, with the typed number if the sign-in needs one.
    Answer(Decision, Option<u8>),
    /// Skip this one (empty line on a sign-in without a number means
    /// approve; `s` skips).
    Skip,
    /// Time ran out before an answer.
    Expired,
    /// Input ended.
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
                        if tx.send(line.trim().to_owned()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Self { rx }
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

/// The question line.
pub fn question(c: &PendingChallenge) -> &'static str {
    if c.needs_number {
        "  Type the number shown on the sign-in screen (d = deny, f = report fraud, s = skip): "
    } else {
        "  Approve? [y = approve, d = deny, f = report fraud, s = skip]: "
    }
}

/// Asks until an answer, expiry or end of input. `now` gives the
/// server-corrected time.
pub async fn ask(
    n: &Narrator,
    reader: &mut LineReader,
    c: &PendingChallenge,
    now: impl Fn() -> i64,
) -> Choice {
    let live = n.is_terminal();
    // The countdown line sits above the input line and is redrawn in
    // place (save cursor, up one line, rewrite, restore), so typing is
    // not disturbed.
    n.say(&format!("  {} s left", c.seconds_left(now())));
    n.write(question(c));
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            line = reader.rx.recv() => {
                let Some(line) = line else { return Choice::Closed };
                if c.seconds_left(now()) == 0 {
                    n.say("  This sign-in request has expired.");
                    return Choice::Expired;
                }
                match parse(&line, c.needs_number) {
                    Some(choice) => return choice,
                    None => n.write(&format!("  Not understood.\n{}", question(c))),
                }
            }
            _ = tick.tick() => {
                let left = c.seconds_left(now());
                if left == 0 {
                    n.say("\n  This sign-in request has expired.");
                    return Choice::Expired;
                }
                if live {
                    n.write(&format!("\x1b7\x1b[1A\r\x1b[K  {left} s left\x1b8"));
                }
            }
        }
    }
}

/// Reads one answer line.
fn parse(line: &str, needs_number: bool) -> Option<Choice> {
    let l = line.trim().to_ascii_lowercase();
    match l.as_str() {
        "d" | "deny" | "n" | "no" => Some(Choice::Answer(Decision::Deny, None)),
        "f" | "fraud" => Some(Choice::Answer(Decision::Fraud, None)),
        "s" | "skip" => Some(Choice::Skip),
        "y" | "yes" | "approve" if !needs_number => Some(Choice::Answer(Decision::Approve, None)),
        _ if needs_number => l
            .parse::<u8>()
            .ok()
            .filter(|n| *n <= 99)
            .map(|n| Choice::Answer(Decision::Approve, Some(n))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_parsed() {
        assert_eq!(
            parse("42", true),
            Some(Choice::Answer(Decision::Approve, Some(42)))
        );
        assert_eq!(
            parse(" 07 ", true),
            Some(Choice::Answer(Decision::Approve, Some(7)))
        );
        assert_eq!(parse("y", true), None);
        assert_eq!(parse("420", true), None);
        assert_eq!(
            parse("y", false),
            Some(Choice::Answer(Decision::Approve, None))
        );
        assert_eq!(parse("42", false), None);
        assert_eq!(
            parse("F", true),
            Some(Choice::Answer(Decision::Fraud, None))
        );
        assert_eq!(
            parse("deny", false),
            Some(Choice::Answer(Decision::Deny, None))
        );
        assert_eq!(parse("s", true), Some(Choice::Skip));
    }
}
