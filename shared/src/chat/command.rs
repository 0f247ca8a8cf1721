//! Parsing what a chatter typed: a plain line or a `/command`.

/// A parsed chat input. Command names are matched case-insensitively; `typed` keeps what the
/// chatter wrote for the "unrecognized command" reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Line(String),
    Command(Command),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Users,
    Action(String),
    Say(String),
    Color(String),
    Name(String),
    Themes,
    Theme(String),
    Mute(String),
    Unmute(String),
    Rename(String),
    Mod(String),
    Demod(String),
    Description(String),
    Password(String),
    Chat(String),
    Settings,
    Unknown(String),
}

/// Who may use a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    Everyone,
    Staff,
    Admin,
}

impl Command {
    /// The least rank that may use this command; anyone below gets the unknown-command reply.
    pub fn rank(&self) -> Rank {
        match self {
            Command::Mute(_) | Command::Unmute(_) | Command::Rename(_) => Rank::Staff,
            Command::Mod(_)
            | Command::Demod(_)
            | Command::Description(_)
            | Command::Password(_)
            | Command::Chat(_)
            | Command::Settings => Rank::Admin,
            _ => Rank::Everyone,
        }
    }

    /// Whether deciding this command needs the room's roster.
    pub fn needs_roster(&self) -> bool {
        matches!(
            self,
            Command::Users
                | Command::Name(_)
                | Command::Mute(_)
                | Command::Unmute(_)
                | Command::Rename(_)
                | Command::Mod(_)
                | Command::Demod(_)
        )
    }

    /// Whether deciding this command needs the streamer's stored settings.
    pub fn needs_settings(&self) -> bool {
        matches!(self, Command::Settings)
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
    let cmd = match name.to_lowercase().as_str() {
        "help" => Command::Help,
        "users" | "userlist" | "names" => Command::Users,
        "me" | "action" | "describe" => Command::Action(args),
        "say" => Command::Say(args),
        "color" | "setcolor" => Command::Color(args),
        "name" | "nick" => Command::Name(args),
        "themes" => Command::Themes,
        "theme" => Command::Theme(args),
        "mute" | "quiet" => Command::Mute(args),
        "unmute" | "unquiet" => Command::Unmute(args),
        "rename" => Command::Rename(args),
        "mod" => Command::Mod(args),
        "demod" | "unmod" => Command::Demod(args),
        "description" | "desc" => Command::Description(args),
        "password" => Command::Password(args),
        "chat" => Command::Chat(args),
        "settings" => Command::Settings,
        _ => Command::Unknown(format!("/{name}")),
    };
    Input::Command(cmd)
}

/// The reply to a command that does not exist, or that is above the sender's rank.
pub fn unrecognized(typed: &str) -> String {
    format!("Unrecognized command '{typed}', use '/help' for info.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_commands() {
        assert_eq!(parse("hello /me"), Input::Line("hello /me".into()));
        assert_eq!(
            parse("/me waves  "),
            Input::Command(Command::Action("waves".into()))
        );
        assert_eq!(
            parse("/ME waves"),
            Input::Command(Command::Action("waves".into()))
        );
        assert_eq!(
            parse("/describe x"),
            Input::Command(Command::Action("x".into()))
        );
        assert_eq!(parse("/names"), Input::Command(Command::Users));
        assert_eq!(
            parse("/setcolor red"),
            Input::Command(Command::Color("red".into()))
        );
        assert_eq!(
            parse("/nick  Bob Smith "),
            Input::Command(Command::Name("Bob Smith".into()))
        );
        assert_eq!(
            parse("/quiet bob"),
            Input::Command(Command::Mute("bob".into()))
        );
        assert_eq!(
            parse("/unquiet bob"),
            Input::Command(Command::Unmute("bob".into()))
        );
        assert_eq!(
            parse("/unmod bob"),
            Input::Command(Command::Demod("bob".into()))
        );
        assert_eq!(
            parse("/desc hi"),
            Input::Command(Command::Description("hi".into()))
        );
        assert_eq!(
            parse("/password"),
            Input::Command(Command::Password(String::new()))
        );
        assert_eq!(parse("/x y"), Input::Command(Command::Unknown("/x".into())));
        assert_eq!(parse("/"), Input::Command(Command::Unknown("/".into())));
    }

    #[test]
    fn ranks() {
        assert_eq!(Command::Help.rank(), Rank::Everyone);
        assert_eq!(Command::Mute(String::new()).rank(), Rank::Staff);
        assert_eq!(Command::Rename(String::new()).rank(), Rank::Staff);
        assert_eq!(Command::Mod(String::new()).rank(), Rank::Admin);
        assert_eq!(Command::Settings.rank(), Rank::Admin);
        assert!(Rank::Admin > Rank::Staff && Rank::Staff > Rank::Everyone);
    }
}
