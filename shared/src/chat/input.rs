//! Parsing what a chatter typed: a plain line, a `/command` from the table, or an unknown one.

use super::commands::{Command, Need};

/// A parsed chat input. Command names are matched case-insensitively; `Unknown` keeps what the
/// chatter wrote for the "unrecognized command" reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Line(String),
    Command {
        command: &'static Command,
        args: String,
    },
    Unknown(String),
}

impl Input {
    /// Whether deciding this input needs `need` loaded first.
    pub fn needs(&self, need: Need) -> bool {
        matches!(self, Input::Command { command, .. } if command.needs(need))
    }
}

/// Splits a trimmed, non-empty chat input into a line or a command with its argument text.
pub fn parse(text: &str) -> Input {
    let Some(rest) = text.strip_prefix('/') else {
        return Input::Line(text.to_string());
    };
    let (name, args) = match rest.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim().to_string()),
        None => (rest, String::new()),
    };
    match Command::lookup(name) {
        Some(command) => Input::Command { command, args },
        None => Input::Unknown(format!("/{name}")),
    }
}

/// The reply to a command that does not exist, or that is above the sender's rank.
pub fn unrecognized(typed: &str) -> String {
    format!("Unrecognized command '{typed}', use '/help' for info.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(name: &str, args: &str) -> Input {
        Input::Command {
            command: Command::lookup(name).unwrap(),
            args: args.into(),
        }
    }

    #[test]
    fn lines_and_commands() {
        assert_eq!(parse("hello /me"), Input::Line("hello /me".into()));
        assert_eq!(parse("/me waves  "), cmd("me", "waves"));
        assert_eq!(parse("/ME waves"), cmd("me", "waves"));
        assert_eq!(parse("/describe x"), cmd("me", "x"));
        assert_eq!(parse("/names"), cmd("users", ""));
        assert_eq!(parse("/setcolor red"), cmd("color", "red"));
        assert_eq!(parse("/nick  Bob Smith "), cmd("name", "Bob Smith"));
        assert_eq!(parse("/quiet bob"), cmd("mute", "bob"));
        assert_eq!(parse("/unquiet bob"), cmd("unmute", "bob"));
        assert_eq!(parse("/unmod bob"), cmd("demod", "bob"));
        assert_eq!(parse("/desc hi"), cmd("description", "hi"));
        assert_eq!(parse("/password"), cmd("password", ""));
        assert_eq!(parse("/x y"), Input::Unknown("/x".into()));
        assert_eq!(parse("/"), Input::Unknown("/".into()));
        assert!(parse("/nick x").needs(Need::Roster) && !parse("/me x").needs(Need::Roster));
        assert!(parse("/settings").needs(Need::Settings) && !parse("hi").needs(Need::Settings));
    }
}
