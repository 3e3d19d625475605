//! A tiny terminal for tests of interactive output: what a person would see
//! after a program wrote some bytes, with the cursor moves the CLI's
//! approval prompt uses and xterm's line wrapping. Used by the prompt's unit
//! tests (`cli/src/commands/prompt.rs`) and the pseudo-terminal tests of the
//! binary (`cli/tests/tty_cli.rs`).

/// What a person sees after `bytes` on a terminal `width` columns wide
/// (`None`: lines never wrap), as logical lines (a wrapped line joined
/// again). A tiny terminal: the cursor moves the prompt uses (up, carriage
/// return, line feed, save/restore, erase to the end of the line) and
/// xterm's wrapping (a character past the last column starts a new row).
pub fn screen_of(bytes: &str, width: Option<usize>) -> Vec<String> {
    // Each row: its characters, and whether it continues the row above.
    let mut rows: Vec<(Vec<char>, bool)> = vec![(Vec::new(), false)];
    let (mut row, mut col, mut saved) = (0usize, 0usize, (0usize, 0usize));
    let mut chars = bytes.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\r' => col = 0,
            // A line feed starts the next line at its start, as the
            // terminal driver makes it (`\n` -> `\r\n`).
            '\n' => {
                row += 1;
                col = 0;
                if rows.len() <= row {
                    rows.push((Vec::new(), false));
                }
            }
            '\x1b' => match chars.next() {
                Some('7') => saved = (row, col),
                Some('8') => (row, col) = saved,
                Some('[') => {
                    let mut arg = String::new();
                    let mut cmd = ' ';
                    for c in chars.by_ref() {
                        if c.is_ascii_digit() {
                            arg.push(c);
                        } else {
                            cmd = c;
                            break;
                        }
                    }
                    match cmd {
                        'A' => row = row.saturating_sub(arg.parse().unwrap_or(1)),
                        'K' => rows[row].0.truncate(col),
                        other => panic!("unexpected escape {other:?} in {bytes:?}"),
                    }
                }
                other => panic!("unexpected escape {other:?} in {bytes:?}"),
            },
            c => {
                if width.is_some_and(|w| col >= w) {
                    row += 1;
                    col = 0;
                    if rows.len() <= row {
                        rows.push((Vec::new(), true));
                    }
                    rows[row].1 = true;
                }
                let line = &mut rows[row].0;
                while line.len() < col {
                    line.push(' ');
                }
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.push(c);
                }
                col += 1;
            }
        }
    }
    let mut lines: Vec<String> = Vec::new();
    for (chars, continues) in rows {
        let text: String = chars.into_iter().collect();
        match lines.last_mut() {
            Some(last) if continues => last.push_str(&text),
            _ => lines.push(text),
        }
    }
    lines
}
