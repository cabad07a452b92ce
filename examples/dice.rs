//! A bot of your own: the built-in commands plus `roll`, with typed arguments and shared state.
//!
//! Run it like the `ackbot` binary: `cargo run --example dice -- serve` (or `-- demo`).

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ackbot::prelude::*;

/// Dice such as `2d6`: how many, and how many sides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dice {
    count: u32,
    sides: u32,
}

impl FromStr for Dice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (count, sides) = s.split_once('d').ok_or("write dice like 2d6")?;
        let count = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| "the count must be a number")?
        };
        let sides: u32 = sides.parse().map_err(|_| "the sides must be a number")?;
        if !(1..=100).contains(&count) || !(2..=1000).contains(&sides) {
            return Err("from 1 to 100 dice of 2 to 1000 sides".into());
        }
        Ok(Dice { count, sides })
    }
}

/// A counter shared by every handler call, as `State<Rolls>`.
#[derive(Clone, Default)]
pub struct Rolls(Arc<AtomicU64>);

/// Rolls the dice and counts the roll.
async fn roll(Args(dice): Args<Dice>, user: User, State(rolls): State<Rolls>) -> Reply {
    let number = rolls.0.fetch_add(1, Ordering::Relaxed) + 1;
    let total: u32 = (0..dice.count).map(|_| fastrand::u32(1..=dice.sides)).sum();
    Reply::text(format!(
        "{} rolled {}d{}: {total} (roll #{number})",
        user.mention(),
        dice.count,
        dice.sides
    ))
    .in_channel()
}

#[tokio::main(flavor = "current_thread")] // the quickest cold start; `serve` still uses every core
async fn main() -> Result<(), ackbot::Error> {
    Bot::new()
        .mount(ackbot::handlers::builtins())
        .command(cmd("roll", roll).about("Roll dice").usage("2d6"))
        .state(Rolls::default())
        .run()
        .await
}
