//! The chat platforms ackbot speaks to.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A chat platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Slack: slash commands, the Events API and interactivity.
    Slack,
    /// The LINE Messaging API.
    Line,
}

impl Platform {
    /// How a user types a command on this platform, e.g. `/echo` on Slack and `echo` on LINE.
    pub fn invocation(self, command: &str) -> String {
        match self {
            Platform::Slack => format!("/{command}"),
            Platform::Line => command.to_string(),
        }
    }

    /// The platform's name in lower case: `slack` or `line`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Line => "line",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Platform::Slack => "Slack",
            Platform::Line => "LINE",
        })
    }
}
